"""Albums and photos: each view loads what the signed-in user owns through a selector (or answers
404) and writes through a service. The photo viewer is in viewer.py, library changes in library.py."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from indexing.instagram import selectors as instagram_selectors
from indexing.photos import selectors, services

from ..forms import AlbumForm
from .common import file_response, int_or_404
from .photos_api import DEFAULT_UPLOAD_ALBUM

PHOTOS_PER_PAGE = selectors.PAGE_SIZE


def by_month(photos) -> list[dict]:
    """[{"label": "March 2024", "photos": [...]}, ...] of photos ordered by date taken (`when`)."""
    months = []
    for _, group in groupby(photos, key=lambda p: timezone.localtime(p.when).strftime("%Y-%m")):
        group = list(group)
        months.append({"label": dateformat.format(timezone.localtime(group[0].when), "F Y"), "photos": group})
    return months


def timeline(request, photos) -> dict:
    """The context of a timeline page: its page of `photos` (keyset: ?older=<cursor> / ?newer=<cursor>)
    and its photos by month."""
    page = selectors.timeline_page(photos, request.GET.get("older"), request.GET.get("newer"), PHOTOS_PER_PAGE)
    return {"page": page, "months": by_month(page.photos)}


def count_label(photos) -> str:
    """ "1 photo", "42 photos", "10,000+ photos": counts at most COUNT_CAP + 1 rows."""
    n = selectors.capped_count(photos)
    if n > selectors.COUNT_CAP:
        return f"{selectors.COUNT_CAP:,}+ photos"
    return f"{n} photo{'' if n == 1 else 's'}"


@login_required
def gallery(request):
    return render(
        request,
        "search/gallery.html",
        {
            **timeline(request, selectors.photos_for_user(request.user)),
            "albums": selectors.albums_for_user(request.user),
            "tile_count_cap": f"{selectors.TILE_COUNT_CAP:,}",
            "album_form": AlbumForm(),
            "viewer_qs": "in=all",
            **instagram_selectors.crawl_panel_for(request.user),
        },
    )


@login_required
def album(request, album_id: int):
    album = selectors.album_for_user(request.user, album_id)
    photos = selectors.photos_for_user(request.user, album=album)
    return render(
        request,
        "search/album.html",
        {
            "album": album,
            **timeline(request, photos),
            "count_label": count_label(photos),
            "albums": selectors.album_choices_for_user(request.user),
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
            "albums": [a for a in selectors.album_choices_for_user(request.user) if a.title != DEFAULT_UPLOAD_ALBUM],
            "chosen_album": chosen_album,
            "max_bytes": settings.UPLOAD_MAX_BYTES,
        },
    )


@login_required
def photo_file(request, photo_id: int, kind: str):
    photo = selectors.photo_for_user(request.user, photo_id)
    field = {"original": photo.original, "thumbnail": photo.thumbnail}.get(kind)
    return file_response(field)
