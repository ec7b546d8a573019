"""The Instagram Graph API client: /me, /me/media page by page, media objects, CDN downloads.

Plain Python (requests + urllib3's Retry), no Django. Every failure becomes one of the named
exceptions below; their messages are for people and never hold the token or a signed URL.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

MEDIA_FIELDS = (
    "id,caption,media_type,media_url,permalink,thumbnail_url,timestamp,username,"
    "children{id,media_type,media_url,thumbnail_url}"
)
RATE_LIMIT_CODES = {4, 17, 32, 613, 80002}
TOKEN_CODES = {190}
PERMISSION_CODES = {10, *range(200, 300)}


class InstagramError(Exception):
    """Something Instagram said or did not say; `str(e)` is for people."""


class TokenInvalid(InstagramError):
    """The token expired or was revoked (OAuth error 190): a new login is needed."""


class PermissionMissing(InstagramError):
    """Error 10 or 200-299: the app lacks a permission (App Review, access level); a new login cannot fix it."""


class RateLimited(InstagramError):
    def __init__(self, message: str, wait_seconds: float):
        super().__init__(message)
        self.wait_seconds = wait_seconds


class Unavailable(InstagramError):
    """5xx answers and timeouts, once the bounded retries are spent."""


class MediaGone(InstagramError):
    """The media file cannot be fetched (a broken or expired CDN link)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Page:
    items: list[dict]
    next_url: str  # "" on the last page; without the access token


def without_token(url: str) -> str:
    """The URL with its access_token parameter removed (Instagram puts the token in `next` links)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def image_url(item: dict) -> str | None:
    """The image a crawler keeps of a media item: the photo itself, or a video's thumbnail."""
    if item.get("media_type") == "VIDEO":
        return item.get("thumbnail_url")
    return item.get("media_url")


class GraphClient:
    def __init__(
        self,
        token: str,
        graph_url: str = "https://graph.instagram.com",
        version: str = "",
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 2.0,
        default_wait: float = 300.0,
    ):
        self.token, self.timeout = token, timeout
        # Graph calls are pinned to a version (settings.INSTAGRAM_GRAPH_VERSION); `next` links come back versioned.
        self.graph_url = graph_url.rstrip("/") + (f"/{version.strip('/')}" if version else "")
        self.default_wait = default_wait
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods={"GET"},
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def me(self, fields: str = "id,user_id,username,account_type,media_count") -> dict:
        return self._get(f"{self.graph_url}/me", {"fields": fields})

    def first_page_url(self, limit: int) -> str:
        return f"{self.graph_url}/me/media?{urlencode({'fields': MEDIA_FIELDS, 'limit': limit})}"

    def media_page(self, url: str) -> Page:
        """One page of /me/media; follow `next_url` for the next one."""
        answer = self._get(url, {})
        next_url = (answer.get("paging") or {}).get("next") or ""
        return Page(list(answer.get("data") or []), without_token(next_url) if next_url else "")

    def children(self, media_id: str) -> list[dict]:
        answer = self._get(f"{self.graph_url}/{media_id}/children", {"fields": "id,media_type,media_url,thumbnail_url"})
        return list(answer.get("data") or [])

    def media(self, media_id: str) -> dict:
        return self._get(f"{self.graph_url}/{media_id}", {"fields": "id,media_type,media_url,thumbnail_url"})

    def download(self, url: str, max_bytes: int) -> bytes:
        """The file behind a CDN link (no token: the link is signed)."""
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except requests.RequestException as e:
            raise Unavailable(f"The media file did not download ({type(e).__name__}).") from None
        with response:
            if response.status_code >= 500:
                raise Unavailable(f"Instagram's media server answered {response.status_code}.")
            if response.status_code != 200:
                raise MediaGone(
                    f"Instagram's media server answered {response.status_code} {response.reason or ''}".strip() + ".",
                    response.status_code,
                )
            data = response.raw.read(max_bytes + 1, decode_content=True)
        if len(data) > max_bytes:
            raise MediaGone(f"The media file is larger than {max_bytes} bytes.")
        return data

    def _get(self, url: str, params: dict) -> dict:
        try:
            response = self.session.get(
                without_token(url), params={**params, "access_token": self.token}, timeout=self.timeout
            )
        except requests.RequestException as e:  # the message would carry the URL, token included
            raise Unavailable(f"Instagram did not answer ({type(e).__name__}).") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code == 200 and isinstance(answer, dict):
            return answer
        raise self._error(response, answer)

    def _error(self, response: requests.Response, answer) -> InstagramError:
        error = answer.get("error") if isinstance(answer, dict) else None
        error = error if isinstance(error, dict) else {}
        code, message = error.get("code"), str(error.get("message") or response.reason or "no message")
        said = f"Instagram answered {response.status_code}" + (f" (code {code})" if code else "") + f": {message}"
        if response.status_code == 429 or code in RATE_LIMIT_CODES:
            return RateLimited(said, self._wait(response))
        if code in TOKEN_CODES:
            return TokenInvalid(said)
        if code in PERMISSION_CODES:
            return PermissionMissing(said)
        if response.status_code >= 500:
            return Unavailable(said)
        return InstagramError(said)

    def _wait(self, response: requests.Response) -> float:
        """Seconds to wait: Retry-After, else the Business Use Case header's estimate, else the default."""
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.isdigit():
            return float(retry_after)
        minutes = 0
        try:
            usage = json.loads(response.headers.get("X-Business-Use-Case-Usage") or "{}")
            minutes = max(
                (u.get("estimated_time_to_regain_access") or 0 for entries in usage.values() for u in entries),
                default=0,
            )
        except (ValueError, AttributeError, TypeError):
            log.warning("unreadable X-Business-Use-Case-Usage header")
        return minutes * 60.0 if minutes else self.default_wait
