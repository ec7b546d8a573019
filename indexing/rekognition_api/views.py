"""The API endpoint (POST, routed on X-Amz-Target) and the page where a user manages their keys."""

from __future__ import annotations

import json
import logging
import uuid

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from ..engine.errors import EngineError
from ..face_index import collection_id_for, local_engine
from . import errors, keys, operations, shapes, sigv4
from .models import ApiAccessKey

log = logging.getLogger(__name__)
TARGET_PREFIX = "RekognitionService."
CONTENT_TYPE = "application/x-amz-json-1.1"


@csrf_exempt  # authenticated by the request's signature, not by a session
def endpoint(request):
    request_id = str(uuid.uuid4())
    try:
        if request.method != "POST":
            raise errors.ApiError("UnknownOperationException", "Operations are POST requests.", 405)
        key = sigv4.verify(request)
        _throttle(request, key)
        target = request.headers.get("X-Amz-Target", "")
        operation = target.removeprefix(TARGET_PREFIX)
        if not target.startswith(TARGET_PREFIX) or operation not in operations.OPERATIONS:
            raise errors.ApiError("UnknownOperationException", f"Unknown operation {target or '(none)'}.")
        params = shapes.parse(operation, _json(request.body))
        engine = local_engine().for_region(key.signing_region)  # ARNs name the region that signed
        answer = operations.OPERATIONS[operation](engine, key, params)
    except EngineError as e:
        return _answer({"__type": e.code, "message": e.message}, e.http_status, request_id)
    except RequestDataTooBig:
        return _answer({"__type": "ImageTooLargeException", "message": "The request is too large."}, 400, request_id)
    except Exception:
        log.exception("Rekognition API request %s failed", request_id)
        return _answer({"__type": "InternalServerError", "message": "Internal server error."}, 500, request_id)
    keys.key_touch(key)
    return _answer(answer, 200, request_id)


def _throttle(request, key: ApiAccessKey) -> None:
    """RATE_LIMIT_REKOGNITION calls per access key: over it, ThrottlingException (HTTP 400, as AWS)."""
    if is_ratelimited(
        request,
        group="rekognition",
        key=lambda group, request: key.access_key_id,
        rate=lambda group, request: settings.RATE_LIMIT_REKOGNITION,
        increment=True,
    ):
        raise errors.ApiError("ThrottlingException", "Rate exceeded", 400)


def _json(body: bytes):
    try:
        return json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise errors.serialization("The request body is not JSON.") from None


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _answer(document: dict, status: int, request_id: str) -> HttpResponse:
    response = HttpResponse(json.dumps(document, default=_plain), status=status, content_type=CONTENT_TYPE)
    response["x-amzn-RequestId"] = request_id
    return response


@login_required
def key_list(request):
    own_keys = ApiAccessKey.objects.filter(owner=request.user).order_by("-created_at")
    return render(
        request,
        "indexing/api_keys.html",
        {
            "keys": own_keys,
            "collection_id": collection_id_for(request.user),
            "endpoint": request.build_absolute_uri("/rekognition/"),
        },
    )


@login_required
@require_POST
def key_issue(request):
    issued = keys.key_issue(request.user, name=request.POST.get("name", "").strip())
    own_keys = ApiAccessKey.objects.filter(owner=request.user).order_by("-created_at")
    return render(
        request,
        "indexing/api_keys.html",
        {  # the secret is shown on this page only
            "keys": own_keys,
            "issued": issued,
            "collection_id": collection_id_for(request.user),
            "endpoint": request.build_absolute_uri("/rekognition/"),
        },
    )


@login_required
@require_POST
def key_revoke(request, key_id: int):
    key = get_object_or_404(ApiAccessKey, pk=key_id, owner=request.user)
    keys.key_revoke(key)
    messages.info(request, f"The key {key.access_key_id} is revoked: requests signed with it are refused.")
    return redirect("api_keys")
