"""The emulator's HTTP side: a WSGI app with Instagram's OAuth pages, token endpoints, Graph API and CDN."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from .world import SCOPE, Account, EmulatorError, Media, World, decode_cursor, encode_cursor

VERSION_PREFIX = re.compile(r"^/v\d+\.\d+(?=/)")
MEDIA_FIELDS_DEFAULT = "id"
MAX_LIMIT = 100


class Request:
    def __init__(self, environ: dict):
        self.method = environ["REQUEST_METHOD"]
        self.path = VERSION_PREFIX.sub("", environ.get("PATH_INFO", "/")) or "/"
        self.query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        self.form: dict = {}
        self.body = b""
        if self.method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            self.body = environ["wsgi.input"].read(length) if length else b""
            if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
                self.form = dict(parse_qsl(self.body.decode(), keep_blank_values=True))


class Response:
    def __init__(
        self,
        status: int,
        body: bytes | str | dict = b"",
        content_type: str = "application/json",
        headers: dict | None = None,
    ):
        if isinstance(body, dict):
            body = json.dumps(body)
        self.status, self.body = status, body.encode() if isinstance(body, str) else body
        self.headers = {"Content-Type": content_type, **(headers or {})}


def redirect(url: str) -> Response:
    return Response(302, b"", "text/plain", {"Location": url})


class EmulatorApp:
    """WSGI callable; `world` holds all state, so a test flips faults on the world directly."""

    def __init__(self, world: World):
        self.world = world
        self.routes = [
            ("GET", r"/", self.index),
            ("GET", r"/oauth/authorize/?", self.consent_page),
            ("POST", r"/oauth/authorize/?", self.consent),
            ("POST", r"/oauth/access_token/?", self.access_token),
            ("GET", r"/access_token", self.long_lived_token),
            ("GET", r"/refresh_access_token", self.refresh_token),
            ("GET", r"/me", self.me),
            ("GET", r"/me/media", self.my_media),
            ("GET", r"/(?P<ig_id>\d+)/media", self.my_media),
            ("GET", r"/cdn/(?P<media_id>\d+)\.(?P<kind>jpg|mp4|thumb)", self.cdn),
            ("GET", r"/_emulator", self.status),
            ("POST", r"/_emulator/faults", self.faults),
            ("POST", r"/_emulator/remove_app", self.remove_app),
            ("GET", r"/(?P<media_id>\d+)/children", self.children),
            ("GET", r"/(?P<media_id>\d+)", self.media_object),
        ]

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except EmulatorError as error:
            response = Response(error.status, error.body(), headers=error.headers)
        reason = {
            200: "OK",
            302: "Found",
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            429: "Too Many Requests",
            500: "Internal Server Error",
        }.get(response.status, "")
        start_response(f"{response.status} {reason}", list(response.headers.items()))
        return [response.body]

    def dispatch(self, request: Request) -> Response:
        for method, pattern, view in self.routes:
            match = re.fullmatch(pattern, request.path)
            if match and method == request.method:
                return view(request, **match.groupdict())
        raise EmulatorError(400, 100, f"Unsupported {request.method} request.")

    # OAuth
    def consent_page(self, request: Request, error: str = "") -> Response:
        q = request.query if request.method == "GET" else request.form
        self.world.check_app(q.get("client_id", ""), q.get("redirect_uri", ""))
        if q.get("response_type") != "code":
            raise EmulatorError(400, 400, "Invalid response_type: must be code", oauth_shape=True)
        scopes = set(re.split(r"[ ,]+", q.get("scope", "")))
        if SCOPE not in scopes:
            raise EmulatorError(400, 400, f"Invalid Scopes: the app must ask for {SCOPE}", oauth_shape=True)
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(q.get(k, ""))}">'
            for k in ("client_id", "redirect_uri", "scope", "state", "response_type")
        )
        return Response(
            200,
            CONSENT_PAGE.format(hidden=hidden, error=html.escape(error), accounts=self._account_hints()),
            "text/html; charset=utf-8",
        )

    def consent(self, request: Request) -> Response:
        form = request.form
        self.world.check_app(form.get("client_id", ""), form.get("redirect_uri", ""))
        back = form["redirect_uri"] + ("&" if "?" in form["redirect_uri"] else "?")
        state = {"state": form["state"]} if form.get("state") else {}
        if form.get("decision") != "allow":
            return redirect(
                back
                + urlencode(
                    {
                        "error": "access_denied",
                        "error_reason": "user_denied",
                        "error_description": "The user denied your request.",
                        **state,
                    }
                )
            )
        account = self.world.account_named(form.get("username", "").strip())
        if account is None or account.password != form.get("password"):
            return self.consent_page(request, "Sorry, your password was incorrect.")
        refused = self.world.refusal(account)
        if refused:
            return redirect(back + urlencode({**refused, **state}))
        code = self.world.issue_code(account, form["redirect_uri"], form.get("scope", ""))
        return redirect(back + urlencode({"code": code, **state}) + "#_")

    def access_token(self, request: Request) -> Response:
        return Response(200, self.world.exchange_code(request.form))

    def long_lived_token(self, request: Request) -> Response:
        return Response(200, self.world.exchange_long(request.query))

    def refresh_token(self, request: Request) -> Response:
        return Response(200, self.world.refresh(request.query))

    # Graph API
    def me(self, request: Request) -> Response:
        account = self.world.graph_call(request.query.get("access_token", ""), request.path)
        values = {
            "id": account.id,
            "user_id": account.user_id,
            "username": account.username,
            "account_type": account.account_type,
            "media_count": len(account.posts),
            "name": account.username.replace(".", " ").title(),
        }
        return Response(200, select(values, request.query.get("fields", "id")))

    def my_media(self, request: Request, ig_id: str = "") -> Response:
        token = request.query.get("access_token", "")
        account = self.world.graph_call(token, request.path)
        if ig_id and ig_id not in (account.id, account.user_id):
            raise EmulatorError(400, 100, f"Unsupported get request. Object with ID '{ig_id}' does not exist")
        fields = request.query.get("fields", MEDIA_FIELDS_DEFAULT)
        try:
            limit = min(max(int(request.query.get("limit", 25)), 1), MAX_LIMIT)
        except ValueError:
            raise EmulatorError(400, 100, "Invalid parameter: limit") from None
        posts = _after(account.posts, request.query.get("after"))
        page = posts[:limit]
        answer = {"data": [self.media_json(account, m, fields) for m in page]}
        if page:
            answer["paging"] = {"cursors": {"before": encode_cursor(page[0]), "after": encode_cursor(page[-1])}}
            if len(posts) > limit:
                query = {"access_token": token, "fields": fields, "limit": limit, "after": encode_cursor(page[-1])}
                # as Instagram gives them: versioned, on the account's IG id
                answer["paging"]["next"] = f"{self.world.base_url}/v23.0/{account.user_id}/media?{urlencode(query)}"
        return Response(200, answer)

    def media_object(self, request: Request, media_id: str) -> Response:
        account = self.world.graph_call(request.query.get("access_token", ""), request.path)
        media = _own_media(account, media_id)
        return Response(200, self.media_json(account, media, request.query.get("fields", MEDIA_FIELDS_DEFAULT)))

    def children(self, request: Request, media_id: str) -> Response:
        account = self.world.graph_call(request.query.get("access_token", ""), request.path)
        media, fields = _own_media(account, media_id), request.query.get("fields", MEDIA_FIELDS_DEFAULT)
        return Response(200, {"data": [self.media_json(account, c, fields, child=True) for c in media.children]})

    def media_json(self, account: Account, media: Media, fields: str, child: bool = False) -> dict:
        first = media.children[0] if media.children else media
        values = {
            "id": media.id,
            "media_type": media.media_type,
            "timestamp": _timestamp(media.timestamp),
        }
        if not first.no_media_url:
            values["media_url"] = self.world.media_url(first.id, "mp4" if first.media_type == "VIDEO" else "jpg")
        if media.caption and not child:
            values["caption"] = media.caption
        if not child:
            values["permalink"] = f"https://www.instagram.com/p/{media.id}/"
            values["username"] = account.username
        if media.media_type == "VIDEO":
            values["thumbnail_url"] = self.world.media_url(media.id, "thumb")
        if media.children:
            values["children"] = lambda sub: {"data": [self.media_json(account, c, sub, True) for c in media.children]}
        return select(values, fields)

    def cdn(self, request: Request, media_id: str, kind: str) -> Response:
        content_type, data = self.world.media_file(
            media_id, kind, request.query.get("oe", ""), request.query.get("sig", "")
        )
        return Response(200, data, content_type)

    # for people and scripts
    def index(self, request: Request) -> Response:
        return Response(200, INDEX_PAGE.format(accounts=self._account_hints()), "text/html; charset=utf-8")

    def status(self, request: Request) -> Response:
        w = self.world
        return Response(
            200,
            {
                "accounts": [
                    {"username": a.username, "posts": len(a.posts), "images": len(a.images())}
                    for a in w.accounts.values()
                ],
                "calls": dict(w.calls),
                "downloads": sum(w.downloads.values()),
            },
        )

    def faults(self, request: Request) -> Response:
        try:
            switches = json.loads(request.body or b"{}")
            if switches.pop("expire_tokens", False):
                self.world.expire_tokens()
            self.world.set_faults(**switches)
        except (ValueError, TypeError) as e:
            raise EmulatorError(400, 100, f"Bad fault switches: {e}") from None
        return self.status(request)

    def remove_app(self, request: Request) -> Response:
        """{"username": ...}: the account removes the app; the answers of the app's two callbacks come back."""
        try:
            username = json.loads(request.body or b"{}")["username"]
        except (ValueError, KeyError, TypeError):
            raise EmulatorError(400, 100, "Give the username to remove the app from") from None
        if self.world.account_named(username) is None:
            raise EmulatorError(400, 100, f"No account named {username}")
        return Response(200, self.world.remove_app(username))

    def _account_hints(self) -> str:
        return "".join(
            f"<li><code>{html.escape(a.username)}</code> / <code>{html.escape(a.password)}</code>: "
            f"{len(a.posts)} posts</li>"
            for a in self.world.accounts.values()
        )


def select(values: dict, fields: str) -> dict:
    """The requested fields (`a,b,children{c,d}`) that the object has; id always comes."""
    out = {"id": values["id"]}
    for name, sub in parse_fields(fields):
        if name in values:
            value = values[name]
            out[name] = value(sub or "id") if callable(value) else value
    return out


def parse_fields(fields: str) -> list[tuple[str, str]]:
    found, depth, start = [], 0, 0
    for i, ch in enumerate(fields + ","):
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            part = fields[start:i].strip()
            start = i + 1
            if part:
                name, _, sub = part.partition("{")
                found.append((name.strip(), sub.rstrip("}")))
    return found


def _after(posts: list[Media], cursor: str | None) -> list[Media]:
    if not cursor:
        return posts
    position = decode_cursor(cursor)
    if position is None:
        raise EmulatorError(400, 100, "Invalid parameter: after is not a valid cursor")
    return [m for m in posts if (m.timestamp, int(m.id)) < position]


def _own_media(account: Account, media_id: str) -> Media:
    media = account.find(media_id)
    if media is None:
        raise EmulatorError(
            400,
            100,
            f"Unsupported get request. Object with ID '{media_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation",
        )
    return media


def _timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


CONSENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in · Instagram (emulator)</title>
<style>body{{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin:.6rem 0}}input{{width:100%;padding:.4rem}}.error{{color:#b00020}}
button{{padding:.5rem 1rem;margin-right:.5rem}}small{{color:#555}}</style></head>
<body><h1>Instagram</h1>
<p>An app asks to read your profile and your photos and videos (instagram_business_basic).</p>
<p class="error">{error}</p>
<form method="post" action="/oauth/authorize">{hidden}
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button name="decision" value="allow">Allow</button><button name="decision" value="deny" formnovalidate>Cancel</button>
</form>
<p><small>This is faceapp's Instagram emulator. Accounts:</small></p><ul>{accounts}</ul>
</body></html>"""

INDEX_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Instagram emulator</title></head>
<body><h1>faceapp's Instagram emulator</h1><p>Accounts:</p><ul>{accounts}</ul>
<p>GET /_emulator for counters; POST /_emulator/faults with JSON switches, e.g.
<code>{{"rate_limit_after": 10, "rate_limit_seconds": 60}}</code>, <code>{{"fail_next": 3}}</code>,
<code>{{"expire_tokens": true}}</code>, <code>{{"broken_media": ["17900000000000001"]}}</code>.</p></body></html>"""
