"""Rate limits (django-ratelimit on the shared Redis cache). Decorate views with these, after login_required:

    @login_required
    @search_limit          # every search: by face, by image, by webcam frame
    def face_matches(request, face_id): ...

    @login_required
    @upload_limit          # every view that takes a photo in (POST)
    def upload(request): ...

Over the limit, the view is not run and the client gets 429 (see too_many_requests).
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit


def _rate(setting: str):
    return lambda group, request: getattr(settings, setting)


search_limit = ratelimit(group="search", key="user_or_ip", rate=_rate("RATE_LIMIT_SEARCH"), method=ALL, block=True)
upload_limit = ratelimit(group="upload", key="user_or_ip", rate=_rate("RATE_LIMIT_UPLOAD"), method="POST", block=True)


def too_many_requests(request, exception=None):
    """RATELIMIT_VIEW: what a client over its limit reads."""
    message = "Too many requests in a short time: wait a minute, then try again."
    if "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json":
        return JsonResponse({"error": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
