"""Library management: delete photos, rename and delete albums, move photos, act on a selection.

Every id is the signed-in user's (others are ignored or 404); writes go through indexing.photos.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from indexing.photos import selectors, services


def _back(request, default: str = "/"):
    """Where the form came from (a local path only), else `default`."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(default)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@login_required
@require_POST
def photo_delete(request, photo_id: int):
    photo = selectors.photo_for_user(request.user, photo_id)
    album_id = photo.album_id
    services.photo_delete(photo)
    messages.success(request, f"Deleted {photo.file_name}, its faces and its files.")
    return redirect("album", album_id) if album_id else redirect("gallery")


@login_required
@require_POST
def photos_selected(request):
    """The selection of a grid: delete it, or move it to an album (new or chosen, or none)."""
    ids = [int(i) for i in request.POST.getlist("photo") if i.isdigit()]
    if not ids:
        messages.error(request, "Choose at least one photo first.")
        return _back(request)
    if request.POST.get("do") == "delete":
        deleted = services.photos_delete(request.user, ids)
        messages.success(request, f"Deleted {_plural(deleted, 'photo')} with their faces.")
        return _back(request)
    title, target = request.POST.get("new_album", "").strip()[:200], request.POST.get("album", "")
    if title:
        album = services.album_get_or_create(request.user, title)
    elif target.isdigit():
        album = selectors.album_for_user(request.user, int(target))
    else:
        messages.error(request, "Choose the album to move the photos to, or give a new album's title.")
        return _back(request)
    moved = services.photos_move(request.user, ids, album)
    messages.success(request, f"Moved {_plural(moved, 'photo')} to {album.title}.")
    return _back(request)


@login_required
@require_POST
def album_rename(request, album_id: int):
    album = selectors.album_for_user(request.user, album_id)
    try:
        services.album_rename(album, request.POST.get("title", ""))
        messages.success(request, f"Renamed to {album.title}.")
    except services.AlbumError as e:
        messages.error(request, str(e))
    return redirect("album", album.pk)


@login_required
@require_POST
def album_delete(request, album_id: int):
    album = selectors.album_for_user(request.user, album_id)
    with_photos = request.POST.get("photos") == "delete"
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing was deleted: tick the box to confirm.")
        return redirect("album", album.pk)
    deleted = services.album_delete(album, with_photos=with_photos)
    if with_photos:
        messages.success(request, f"Deleted the album {album.title} and its {_plural(deleted, 'photo')}.")
    else:
        messages.success(request, f"Deleted the album {album.title}; its photos stay in All photos.")
    return redirect("gallery")
