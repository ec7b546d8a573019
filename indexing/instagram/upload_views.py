"""The import's JSON endpoints: chunked uploads (services/uploads.py), starting an import, its progress."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from faceapp.limits import upload_limit

from . import selectors, services
from .models import InstagramImport, InstagramUpload


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _state(upload: InstagramUpload) -> dict:
    return {
        "key": upload.key,
        "name": upload.file_name,
        "size": upload.size,
        "received": upload.received,
        "url": reverse("instagram_upload_chunk", args=[upload.key]),
    }


@login_required
@require_POST
@upload_limit  # each data-download ZIP started counts as an upload (its chunks are bounded by its size)
def upload_start(request):
    body = _json_body(request)
    try:
        upload = services.upload_open(request.user, str(body.get("name", "")), int(body.get("size") or 0))
    except (services.UploadRefused, ValueError, TypeError) as e:
        return JsonResponse({"error": str(e) or "Bad request."}, status=400)
    return JsonResponse({**_state(upload), "chunk_bytes": settings.INSTAGRAM_UPLOAD_CHUNK_BYTES})


@login_required
@require_http_methods(["GET", "PUT"])
def upload_chunk(request, key: str):
    upload = get_object_or_404(InstagramUpload, key=key, owner=request.user, run__isnull=True)
    if request.method == "GET":
        return JsonResponse(_state(upload))
    try:
        offset, length = int(request.GET.get("offset", "")), int(request.META.get("CONTENT_LENGTH") or 0)
        received = services.upload_append(upload, offset, request, length)
    except ValueError:
        return JsonResponse({"error": "Give the offset.", "received": upload.received}, status=400)
    except services.UploadRefused as e:
        upload.refresh_from_db()
        return JsonResponse({"error": str(e), "received": upload.received}, status=409)
    return JsonResponse({**_state(upload), "received": received})


@login_required
@require_POST
def import_start(request):
    keys = [str(k) for k in (_json_body(request).get("uploads") or [])][:50]
    try:
        with transaction.atomic():
            done = services.uploads_complete(request.user, keys)
            run = services.import_create(request.user, [u.path for u in done], uploaded=True)
            InstagramUpload.objects.filter(pk__in=[u.pk for u in done]).update(run=run)
    except services.UploadRefused as e:
        return JsonResponse({"error": str(e)}, status=400)
    return JsonResponse({"id": run.pk, "status_url": reverse("instagram_import_status", args=[run.pk])})


@login_required
def import_status(request, import_id: int):
    run = get_object_or_404(InstagramImport, pk=import_id, owner=request.user)
    if run.state == InstagramImport.State.INDEXING:
        services.import_finish_if_done(run.pk)
        run.refresh_from_db()
    return JsonResponse({**selectors.import_progress(run), "faces": selectors.import_recent_faces(run)})
