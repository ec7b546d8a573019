"""Albums and photos: each view loads what the signed-in user owns through a selector (or answers
404) and writes through a service. The photo viewer is in viewer.py, library changes in library.py."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from indexing.instagram import progress as instagram_progress
from indexing.photos import selectors, services

from ..forms import AlbumForm
from .common import file_response, int_or_404
from .photos_api import DEFAULT_UPLOAD_ALBUM

PHOTOS_PER_PAGE = 48


def by_month(photos) -> list[dict]:
    """[{"label": "March 2024", "photos": [...]}, ...] of photos ordered by date taken (`when`)."""
    months = []
    for _, group in groupby(photos, key=lambda p: timezone.localtime(p.when).strftime("%Y-%m")):
        group = list(group)
        months.append({"label": dateformat.format(timezone.localtime(group[0].when), "F Y"), "photos": group})
    return months


def _page(request, photos):
    page = Paginator(photos, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return page, by_month(page.object_list)


@login_required
def gallery(request):
    page, months = _page(request, selectors.photos_for_user(request.user))
    return render(
        request,
        "search/gallery.html",
        {
            "page": page,
            "months": months,
            "albums": selectors.albums_for_user(request.user),
            "album_form": AlbumForm(),
            "viewer_qs": "in=all",
            **instagram_progress.crawl_panel_for(request.user),
        },
    )


@login_required
def album(request, album_id: int):
    album = selectors.album_for_user(request.user, album_id)
    page, months = _page(request, selectors.photos_for_user(request.user, album=album))
    return render(
        request,
        "search/album.html",
        {
            "album": album,
            "page": page,
            "months": months,
            "albums": selectors.albums_for_user(request.user),
            "viewer_qs": f"in=album-{album.pk}",
        },
    )


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
            "albums": [a for a in selectors.albums_for_user(request.user) if a.title != DEFAULT_UPLOAD_ALBUM],
            "chosen_album": chosen_album,
            "max_bytes": settings.UPLOAD_MAX_BYTES,
        },
    )


@login_required
def photo_file(request, photo_id: int, kind: str):
    photo = selectors.photo_for_user(request.user, photo_id)
    field = {"original": photo.original, "thumbnail": photo.thumbnail}.get(kind)
    return file_response(field)
