"""The tagging API (JSON, `Authorization: Bearer <token>`) and its signed webhook; see static/openapi.yaml."""

from __future__ import annotations

import base64
import binascii
import json
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from faceapp.limits import tagging_limit, webhook_limit
from indexing.engine.errors import EngineError
from indexing.models import WebhookDelivery
from indexing.people import selectors as sel
from indexing.tagging import services as tagging


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def token_required(view):
    """The owner of the Bearer token becomes request.user; no cookie, so no CSRF to check."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        owner = tagging.owner_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if owner is None:
            response = _error("Give a valid API token: Authorization: Bearer <token>.", 401)
            response["WWW-Authenticate"] = "Bearer"
            return response
        request.user = owner
        return view(request, *args, **kwargs)

    return wrapped


def _photo_in(request) -> tuple[bytes, str, str]:
    """(bytes, file name, label) from multipart (photo, label) or JSON ({image_base64 | url, label})."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("photo")
        if upload is None:
            raise tagging.TaggingError("Send the photo in the form field 'photo'.")
        return upload.read(), upload.name, request.POST.get("label", "")
    try:
        body = json.loads(request.body or b"{}")
        label = body.get("label") or ""
        if not isinstance(label, str):
            raise TypeError
    except (ValueError, TypeError, AttributeError):
        raise tagging.TaggingError(
            'Send JSON: {"url": "https://..."} or {"image_base64": "..."}, with an optional "label".'
        ) from None
    if isinstance(body.get("image_base64"), str):
        try:
            return base64.b64decode(body["image_base64"], validate=True), "photo", label
        except (binascii.Error, ValueError):
            raise tagging.TaggingError("image_base64 is not valid base64.") from None
    if isinstance(body.get("url"), str):
        try:
            data, name = tagging.fetch_photo(body["url"])
        except tagging.FetchRefused as e:
            raise tagging.TaggingError(str(e), status=422) from e
        return data, name, label
    raise tagging.TaggingError('Give "url" or "image_base64".')


@token_required
@tagging_limit
@require_POST
def tag_photo(request):
    try:
        data, name, label = _photo_in(request)
        return JsonResponse(tagging.tag_photo(request.user, data, name, label.strip()))
    except tagging.TaggingError as e:
        return _error(str(e), e.status)


@token_required
@tagging_limit
@require_POST
def identify(request):
    """Who is the largest face of this image, among the user's people (nothing is stored)."""
    try:
        data, _, _ = _photo_in(request)
        people_found = sel.who_is_in_image(request.user, data, sel.threshold_for(request.user))
    except tagging.TaggingError as e:
        return _error(str(e), e.status)
    except EngineError as e:
        return _error(e.message, 422)
    return JsonResponse({"people": people_found})


@csrf_exempt
@webhook_limit
@require_POST
def webhook(request, webhook_id: str):
    try:
        delivery = tagging.webhook_receive(
            webhook_id,
            request.body,
            request.headers.get("X-Faceapp-Timestamp"),
            request.headers.get("X-Faceapp-Signature"),
        )
    except tagging.TaggingError as e:
        return _error(str(e), e.status)
    return JsonResponse(
        {
            "delivery_id": delivery.pk,
            "status": delivery.status,
            "tolerance_seconds": settings.TAGGING_WEBHOOK_TOLERANCE,
        },
        status=202,
    )


@token_required
@tagging_limit
@require_GET
def delivery(request, delivery_id: int):
    """What became of a webhook notification: pending, done (with the photo) or failed (with why)."""
    found = WebhookDelivery.objects.filter(pk=delivery_id, owner=request.user).first()
    if found is None:
        return _error("No such delivery.", 404)
    return JsonResponse(
        {
            "delivery_id": found.pk,
            "status": found.status,
            "detail": found.detail,
            "photo_id": found.photo_id,
            "url": found.url,
        }
    )
