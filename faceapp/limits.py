"""Rate limits (django-ratelimit on the shared Redis cache). Decorate views with these, after login_required:

    @login_required
    @search_limit          # every search: by face, by image, by webcam frame
    def face_matches(request, face_id): ...

    @login_required
    @upload_limit          # every view that takes a photo in (POST)
    def upload(request): ...

    @token_required
    @tagging_limit         # per API token (after the token is checked)

    @webhook_limit         # per webhook id (the URL's webhook_id)

Over the limit, the view is not run and the client gets 429 (see too_many_requests).
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit


def _rate(setting: str):
    return lambda group, request: getattr(settings, setting)


search_limit = ratelimit(group="search", key="user_or_ip", rate=_rate("RATE_LIMIT_SEARCH"), method=ALL, block=True)
upload_limit = ratelimit(group="upload", key="user_or_ip", rate=_rate("RATE_LIMIT_UPLOAD"), method="POST", block=True)
# The search page itself (GET) is free; each picture searched (POST) counts with the other searches.
image_search_limit = ratelimit(
    group="search", key="user_or_ip", rate=_rate("RATE_LIMIT_SEARCH"), method="POST", block=True
)


def _token(group, request) -> str:
    return hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()


def _webhook(group, request) -> str:
    return request.resolver_match.kwargs.get("webhook_id", "")


tagging_limit = ratelimit(group="tagging", key=_token, rate=_rate("RATE_LIMIT_TAGGING"), method=ALL, block=True)
webhook_limit = ratelimit(group="webhook", key=_webhook, rate=_rate("RATE_LIMIT_WEBHOOK"), method=ALL, block=True)


def too_many_requests(request, exception=None):
    """RATELIMIT_VIEW: what a client over its limit reads."""
    message = "Too many requests in a short time: wait a minute, then try again."
    wants_json = "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"
    if wants_json or request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
