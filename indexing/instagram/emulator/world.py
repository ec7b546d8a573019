"""The emulator's world: the app, accounts and their posts, codes and tokens, fault switches, counters.

Rules follow ../shared/reference/instagram.md: codes last an hour and work once and only with
the redirect_uri they were issued for; short tokens last an hour, long ones 60 days; a long
token can be refreshed once it is a day old; media URLs are signed and expire within days.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from .accounts import Account, Media
from .photos import VIDEO_BYTES, PhotoLibrary

SHORT_TOKEN_SECONDS = 3600
LONG_TOKEN_SECONDS = 60 * 86400
CODE_SECONDS = 3600
MEDIA_URL_SECONDS = 3 * 86400
REFRESH_MIN_AGE = 86400
SCOPE = "instagram_business_basic"


class EmulatorError(Exception):
    """An answer in one of Instagram's error shapes."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        subcode: int | None = None,
        headers: dict | None = None,
        oauth_shape: bool = False,
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.subcode = status, code, message, subcode
        self.headers = headers or {}
        self.oauth_shape = oauth_shape  # the token endpoint's flat {"error_type", "code", "error_message"}

    def body(self) -> dict:
        if self.oauth_shape:
            return {"error_type": "OAuthException", "code": self.code, "error_message": self.message}
        error = {
            "message": self.message,
            "type": "OAuthException",
            "code": self.code,
            "fbtrace_id": secrets.token_urlsafe(8),
        }
        if self.subcode:
            error["error_subcode"] = self.subcode
        if self.status >= 500:
            error["is_transient"] = True
        return {"error": error}


def invalid_token(subcode: int | None = None, message: str = "Invalid OAuth access token - Cannot parse access token"):
    return EmulatorError(400, 190, message, subcode)


@dataclass
class Token:
    value: str
    account_id: str
    kind: str  # short | long
    issued_at: float
    expires_at: float


@dataclass
class Faults:
    """Switches a test (or POST /_emulator/faults) flips to make the emulator misbehave like Instagram."""

    rate_limit_after: int | None = None  # Graph calls answered before a throttle window opens (once)
    rate_limit_seconds: float = 60.0
    rate_limit_status: int = 400  # Business Use Case throttling (400 or 403); 429 adds Retry-After (not Meta's way)
    rate_limit_code: int = 4
    fail_next: int = 0  # the next N Graph calls answer 500
    fail_always: bool = False
    permission_error: bool = False  # Graph calls answer error 10: the app lacks a permission (App Review)
    broken_media: set[str] = field(default_factory=set)  # media ids whose CDN file answers 404
    flat_token_answer: bool = False  # answer the code exchange without the documented {"data": [...]}
    path: str = ""  # when set, the rate limit and the 500s hit only Graph paths starting with it
    throttled_until: float = 0.0
    calls_at_set: int = 0


class World:
    def __init__(
        self,
        library: PhotoLibrary,
        client_id: str = "emulator-app",
        client_secret: str = "emulator-secret",
        redirect_uris: tuple[str, ...] = (),
    ):
        self.library = library
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = set(redirect_uris)  # empty: any redirect_uri (the exact-match rule still holds)
        self.lock = threading.RLock()
        self.base_url = ""
        self._signing_key = secrets.token_bytes(16)
        self.access_level = "standard"  # or "advanced" (after App Review): anyone professional may authorize
        # Meta's callbacks of the app, POSTed when an account removes it: {"deauthorize": url, "deletion": url}
        self.callback_urls: dict[str, str] = {}
        self._ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.accounts: dict[str, Account] = {}
            self.codes: dict[str, dict] = {}
            self.tokens: dict[str, Token] = {}
            self.faults = Faults()
            self.access_level = "standard"
            self.calls: Counter = Counter()  # graph, faultable (on faults.path), throttled, failed
            self.downloads: Counter = Counter()  # media id -> times its file was served
            self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock (tokens and codes age; media URLs expire)."""
        self.offset += seconds

    def set_faults(self, **switches) -> None:
        with self.lock:
            for name, value in switches.items():
                if not hasattr(self.faults, name) or name in ("throttled_until", "calls_at_set"):
                    raise ValueError(f"no fault switch named {name}")
                setattr(self.faults, name, set(value) if name == "broken_media" else value)
            self.faults.calls_at_set = self.calls["faultable"]

    def new_media_id(self) -> str:
        return str(17900000000000000 + next(self._ids))

    def add_account(self, username: str, password: str, account_type: str = "BUSINESS", role: bool = True) -> Account:
        """An account; PERSONAL ones are refused by the login, as are those without a role under Standard Access."""
        n = next(self._ids)
        account = Account(
            self, str(27000000000000000 + n), str(17841400000000000 + n), username, password, account_type, role
        )
        with self.lock:
            self.accounts[account.id] = account
        return account

    def account_named(self, username: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.username == username), None)

    # OAuth
    def check_app(self, client_id: str, redirect_uri: str) -> None:
        if client_id != self.client_id:
            raise EmulatorError(400, 400, "Invalid platform app", oauth_shape=True)
        if not redirect_uri or (self.redirect_uris and redirect_uri not in self.redirect_uris):
            raise EmulatorError(400, 400, "Invalid redirect_uri", oauth_shape=True)

    def refusal(self, account: Account) -> dict | None:
        """Why Instagram would not let this account authorize the app (the redirect's error parameters), or None."""
        if account.account_type not in ("BUSINESS", "MEDIA_CREATOR", "CREATOR"):
            return {
                "error": "access_denied",
                "error_reason": "not_professional_account",
                "error_description": "This is a personal account: only professional (Business or Creator) "
                "accounts can use this app.",
            }
        if self.access_level != "advanced" and not account.role:
            return {
                "error": "access_denied",
                "error_reason": "insufficient_developer_role",
                "error_description": "Insufficient developer role: the app has Standard Access, so only "
                "accounts with a role on the app can authorize it.",
            }
        return None

    def remove_app(self, username: str) -> dict:
        """The account removes the app in its settings: tokens die, Meta POSTs both callbacks (signed_request)."""
        import requests

        from ..signed_request import sign

        account = self.account_named(username)
        self.expire_tokens(username)
        answers = {}
        for kind, url in self.callback_urls.items():
            payload = {"issued_at": int(self.now()), "user_id": account.id}
            answer = requests.post(url, data={"signed_request": sign(payload, self.client_secret)}, timeout=30)
            answers[kind] = {"status": answer.status_code, "body": answer.text}
        return answers

    def issue_code(self, account: Account, redirect_uri: str, scope: str) -> str:
        code = "AQ" + secrets.token_urlsafe(32)
        with self.lock:
            self.codes[code] = {
                "account": account.id,
                "redirect_uri": redirect_uri,
                "scope": scope,
                "expires_at": self.now() + CODE_SECONDS,
            }
        return code

    def exchange_code(self, form: dict) -> dict:
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            raise EmulatorError(400, 400, "Invalid Client Secret", oauth_shape=True)
        if form.get("grant_type") != "authorization_code":
            raise EmulatorError(400, 400, "Invalid grant_type", oauth_shape=True)
        with self.lock:
            issued = self.codes.pop(form.get("code", ""), None)
        if issued is None or issued["expires_at"] < self.now():
            raise EmulatorError(400, 400, "Matching code was not found or was already used", oauth_shape=True)
        if form.get("redirect_uri") != issued["redirect_uri"]:
            raise EmulatorError(
                400,
                400,
                "Error validating verification code. Please make sure your redirect_uri "
                "is identical to the one you used in the OAuth dialog request",
                oauth_shape=True,
            )
        account = self.accounts[issued["account"]]
        token = self._token(account, "short", SHORT_TOKEN_SECONDS)
        answer = {"access_token": token.value, "user_id": account.user_id, "permissions": issued["scope"]}
        return answer if self.faults.flat_token_answer else {"data": [answer]}

    def exchange_long(self, query: dict) -> dict:
        if query.get("grant_type") != "ig_exchange_token" or query.get("client_secret") != self.client_secret:
            raise EmulatorError(
                400, 100, "Invalid parameter: grant_type must be ig_exchange_token and client_secret the app's secret"
            )
        short = self.token(query.get("access_token", ""))
        if short.kind != "short":
            raise EmulatorError(400, 100, "Only a short-lived token can be exchanged")
        return self._token_answer(self._token(self.accounts[short.account_id], "long", LONG_TOKEN_SECONDS))

    def refresh(self, query: dict) -> dict:
        if query.get("grant_type") != "ig_refresh_token":
            raise EmulatorError(400, 100, "Invalid parameter: grant_type must be ig_refresh_token")
        old = self.token(query.get("access_token", ""))
        if old.kind != "long" or self.now() - old.issued_at < REFRESH_MIN_AGE:
            raise EmulatorError(400, 100, "Only a long-lived token at least 24 hours old can be refreshed")
        return self._token_answer(self._token(self.accounts[old.account_id], "long", LONG_TOKEN_SECONDS))

    def _token(self, account: Account, kind: str, lifetime: int) -> Token:
        now = self.now()
        token = Token("IGAA" + secrets.token_urlsafe(48), account.id, kind, now, now + lifetime)
        with self.lock:
            self.tokens[token.value] = token
        return token

    def _token_answer(self, token: Token) -> dict:
        return {"access_token": token.value, "token_type": "bearer", "expires_in": int(token.expires_at - self.now())}

    def token(self, value: str) -> Token:
        token = self.tokens.get(value)
        if token is None:
            raise invalid_token()
        if token.expires_at <= self.now():
            raise invalid_token(463, "Error validating access token: Session has expired.")
        return token

    def expire_tokens(self, username: str | None = None) -> None:
        """Every token (of this account) expires now: the next Graph call answers OAuth error 190."""
        with self.lock:
            for token in self.tokens.values():
                if username is None or self.accounts[token.account_id].username == username:
                    token.expires_at = min(token.expires_at, self.now())

    # Graph API
    def graph_call(self, token_value: str, path: str) -> Account:
        """Count a Graph API call, apply the fault switches, and return the token's account."""
        with self.lock:
            self.calls["graph"] += 1
            faults, now = self.faults, time.time()
            path = re.sub(r"^/\d+/media$", "/me/media", path)  # the feed, by IG id as `next` links give it
            if not path.startswith(faults.path):
                return self.accounts[self.token(token_value).account_id]
            self.calls["faultable"] += 1
            calls_since_set = self.calls["faultable"] - faults.calls_at_set
            if faults.rate_limit_after is not None and calls_since_set > faults.rate_limit_after:
                faults.throttled_until, faults.rate_limit_after = now + faults.rate_limit_seconds, None
            if now < faults.throttled_until:
                self.calls["throttled"] += 1
                raise self._throttle(faults.throttled_until - now)
            if faults.permission_error:
                raise EmulatorError(400, 10, "Application does not have permission for this action")
            if faults.fail_always or faults.fail_next > 0:
                faults.fail_next = max(0, faults.fail_next - 1)
                self.calls["failed"] += 1
                raise EmulatorError(500, 2, "An unexpected error has occurred. Please retry your request later.")
        return self.accounts[self.token(token_value).account_id]

    def _throttle(self, remaining: float) -> EmulatorError:
        usage = {
            "call_count": 100,
            "total_cputime": 5,
            "total_time": 40,
            "type": "instagram",
            "estimated_time_to_regain_access": int(remaining // 60),
        }
        headers = {"X-Business-Use-Case-Usage": json.dumps({"0": [usage]})}
        if self.faults.rate_limit_status == 429:
            headers["Retry-After"] = str(int(remaining) + 1)
        code = self.faults.rate_limit_code
        return EmulatorError(self.faults.rate_limit_status, code, "Application request limit reached", headers=headers)

    def find_media(self, media_id: str) -> Media | None:
        return next(filter(None, (a.find(media_id) for a in self.accounts.values())), None)

    def media_url(self, media_id: str, kind: str) -> str:
        """A signed CDN link to the media's file: kind is jpg, mp4 or thumb."""
        expires = int(self.now() + MEDIA_URL_SECONDS)
        return f"{self.base_url}/cdn/{media_id}.{kind}?oe={expires:x}&sig={self._sign(media_id, kind, expires)}"

    def media_file(self, media_id: str, kind: str, oe: str, sig: str) -> tuple[str, bytes]:
        """(content type, bytes) of a CDN link, or EmulatorError 403 (bad or expired signature) / 404."""
        try:
            expires = int(oe, 16)
        except ValueError:
            expires = 0
        if not hmac.compare_digest(sig, self._sign(media_id, kind, expires)):
            raise EmulatorError(403, 403, "Bad URL hash")
        if expires <= self.now():
            raise EmulatorError(403, 403, "URL signature expired")
        media = self.find_media(media_id)
        if media is None or media_id in self.faults.broken_media:
            raise EmulatorError(404, 404, "Not Found")
        if kind == "mp4":
            return "video/mp4", VIDEO_BYTES
        with self.lock:
            self.downloads[media_id] += 1
        return "image/jpeg", self.library.media_bytes(media.photo, media_id)

    def _sign(self, media_id: str, kind: str, expires: int) -> str:
        message = f"{media_id}.{kind}.{expires}".encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()[:24]


def encode_cursor(media: Media) -> str:
    return base64.urlsafe_b64encode(f"{media.timestamp:.0f}:{media.id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, int] | None:
    try:
        ts, media_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
        return float(ts), int(media_id)
    except ValueError:
        return None
