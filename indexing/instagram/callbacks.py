"""Meta's server-to-server callbacks (CSRF-exempt POSTs with a signed_request) and the deletion status page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import services, signed_request
from .models import InstagramDeletion

log = logging.getLogger(__name__)


def _payload(request) -> dict | None:
    try:
        return signed_request.parse(request.POST.get("signed_request", ""), settings.SOCIAL_AUTH_INSTAGRAM_SECRET)
    except signed_request.BadSignedRequest as e:
        log.warning("refused a Meta callback to %s: %s", request.path, e)
        return None


@csrf_exempt
@require_POST
def deauthorize(request):
    payload = _payload(request)
    if payload is None:
        return HttpResponseBadRequest("Bad signed_request.", content_type="text/plain")
    services.app_removed(str(payload["user_id"]))
    return JsonResponse({"success": True})


@csrf_exempt
@require_POST
def data_deletion(request):
    payload = _payload(request)
    if payload is None:
        return HttpResponseBadRequest("Bad signed_request.", content_type="text/plain")
    deletion = services.deletion_request(str(payload["user_id"]))
    code = deletion.confirmation_code
    url = request.build_absolute_uri(reverse("instagram_deletion_status", args=[code]))
    return JsonResponse({"url": url, "confirmation_code": code})


@require_GET
def deletion_status(request, code: str):
    deletion = get_object_or_404(InstagramDeletion, confirmation_code=code)
    return render(request, "indexing/instagram_deletion.html", {"deletion": deletion})
