"""Albums and photos: each view loads what the signed-in user owns through a selector (or answers
404) and writes through a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indexing.instagram import progress as instagram_progress
from indexing.people import selectors as people_selectors
from indexing.photos import selectors, services

from ..forms import AlbumForm
from .common import file_response, int_or_404

PHOTOS_PER_PAGE = 48


@login_required
def gallery(request):
    page = Paginator(selectors.photos_for_user(request.user), PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "search/gallery.html",
        {
            "page": page,
            "albums": selectors.albums_for_user(request.user),
            "album_form": AlbumForm(),
            **instagram_progress.crawl_panel_for(request.user),
        },
    )


@login_required
def album(request, album_id: int):
    album = selectors.album_for_user(request.user, album_id)
    photos = selectors.photos_for_user(request.user, album=album)
    page = Paginator(photos, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "search/album.html", {"album": album, "page": page})


@login_required
@require_POST
def album_create(request):
    form = AlbumForm(request.POST)
    if not form.is_valid():
        messages.error(request, "An album needs a title of at most 200 characters.")
        return redirect("gallery")
    return redirect("album", services.album_get_or_create(request.user, form.cleaned_data["title"]).pk)


@login_required
def upload(request):
    chosen = request.GET.get("album")
    chosen_album = selectors.album_for_user(request.user, int_or_404(chosen)) if chosen else None
    return render(
        request,
        "search/upload.html",
        {
            "albums": selectors.albums_for_user(request.user),
            "chosen_album": chosen_album,
            "max_bytes": settings.UPLOAD_MAX_BYTES,
        },
    )


@login_required
def photo_detail(request, photo_id: int):
    photo = selectors.photo_for_user(request.user, photo_id)
    faces = list(photo.faces.all())
    return render(
        request,
        "search/photo.html",
        {"photo": photo, "faces": faces, "named": people_selectors.people_on_faces(faces)},
    )


@login_required
def photo_file(request, photo_id: int, kind: str):
    photo = selectors.photo_for_user(request.user, photo_id)
    field = {"original": photo.original, "thumbnail": photo.thumbnail}.get(kind)
    return file_response(field)
