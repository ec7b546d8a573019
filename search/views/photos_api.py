"""JSON endpoints for the page scripts: upload, the indexing state of photos, retry.

Each answers JSON to a script (Accept: application/json) and redirects a plain form post, so the
pages still work without JavaScript.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from faceapp.limits import upload_limit
from indexing.models import Album, Photo
from indexing.photos import selectors, services

from ..context_processors import face_indexing
from ..templatetags.tiles import photo_tile

log = logging.getLogger(__name__)
DEFAULT_UPLOAD_ALBUM = "Uploads"


@login_required
@upload_limit
@require_POST
def upload_files(request):
    """Store each posted file as a photo of one album and queue its indexing; one result per file."""
    album = _upload_album(request)
    files = request.FILES.getlist("files")
    if not files:
        return _answer(request, {"error": "Choose at least one photo to upload."}, album, status=400)
    results = [_upload_one(request, album, f) for f in files]
    return _answer(
        request,
        {"album": {"id": album.pk, "title": album.title, "url": reverse("album", args=[album.pk])}, "results": results},
        album,
    )


def _upload_album(request) -> Album:
    title = request.POST.get("new_album", "").strip()[:200]
    if title:
        return services.album_get_or_create(request.user, title)
    if request.POST.get("album"):
        try:
            return selectors.album_for_user(request.user, int(request.POST["album"]))
        except ValueError:
            raise Http404("No such album")
    return services.album_get_or_create(request.user, DEFAULT_UPLOAD_ALBUM)


def _upload_one(request, album: Album, uploaded) -> dict:
    answer = {"name": uploaded.name}
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        return answer | {"result": "rejected", "message": f"The file is larger than the {limit:g} MB limit."}
    try:
        created = services.photo_create(request.user, uploaded.read(), uploaded.name, album=album)
    except services.PhotoRejected as e:
        return answer | {"result": "rejected", "message": str(e)}
    except OSError:
        log.exception("storing the upload %r failed", uploaded.name)
        return answer | {"result": "rejected", "message": "The file could not be stored; try again later."}
    photo = selectors.photos_for_user(request.user).get(pk=created.photo.pk)
    if created.created:
        return answer | {"result": "created", "message": "Uploaded.", "photo": _photo_json(request, photo)}
    return answer | {
        "result": "duplicate",
        "message": f"Already in your photos as {photo.file_name}.",
        "photo": _photo_json(request, photo),
    }


@login_required
@require_GET
def photos_status(request):
    """The indexing state of the photos ?ids=1,2,3 (all the user's, or 404)."""
    try:
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip()]
    except ValueError:
        return JsonResponse({"error": "ids must be photo ids separated by commas"}, status=400)
    photos = selectors.photos_by_ids_for_user(request.user, ids)
    if photos is None:
        raise Http404("No such photo")
    return JsonResponse({"photos": [_photo_json(request, p) for p in photos]})


@login_required
@require_POST
def photo_retry(request, photo_id: int):
    """Queue a failed photo for indexing again."""
    photo = selectors.photo_for_user(request.user, photo_id)
    if photo.status != Photo.Status.FAILED:
        return _answer(request, {"error": "Only a photo whose indexing failed can be retried."}, photo, status=409)
    services.photo_reindex(photo)
    photo = selectors.photos_for_user(request.user).get(pk=photo.pk)
    return _answer(request, {"photo": _photo_json(request, photo)}, photo)


def _photo_json(request, photo: Photo) -> dict:
    return {
        "id": photo.pk,
        "status": photo.status,
        "status_display": photo.get_status_display(),
        "failure_reason": photo.failure_reason,
        "face_count": getattr(photo, "face_count", None),
        "url": reverse("photo", args=[photo.pk]),
        "html": photo_tile(request, photo, face_indexing_on=face_indexing(request)["face_indexing_on"]),
    }


def _answer(request, data: dict, target, status: int = 200):
    """JSON for a script; for a plain form post, the message and back to the album or photo page."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(data, status=status)
    if data.get("error"):
        messages.error(request, data["error"])
    for result in data.get("results", []):
        level = messages.error if result["result"] == "rejected" else messages.success
        level(request, f"{result['name']}: {result['message']}")
    if isinstance(target, Album):
        return redirect("album", target.pk)
    return redirect("photo", target.pk)
