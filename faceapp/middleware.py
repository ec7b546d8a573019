"""Small request guards that Django has no setting for."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse

# Room for the multipart envelope and the other form fields around one photo.
_ENVELOPE = 1024 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request body over the upload limit from its Content-Length, before reading a byte of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The Content-Length header is not a number.", status=400)
        limit = settings.UPLOAD_MAX_BYTES + _ENVELOPE
        if length > limit:
            return HttpResponse(
                f"The request is {length / 2**20:.1f} MB; a photo may be at most "
                f"{settings.UPLOAD_MAX_BYTES / 2**20:.0f} MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class InactiveUserLogoutMiddleware:
    """A banned (inactive) user's open sessions end at their next request, whatever backend logged them in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_active:
            logout(request)
        return self.get_response(request)
