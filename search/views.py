"""Small views: each loads what the signed-in user owns through a selector, or answers 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from faceapp.limits import search_limit
from indexing import services

from . import selectors
from .forms import AlbumForm, ThresholdForm

PHOTOS_PER_PAGE = 48


@login_required
def gallery(request):
    page = Paginator(selectors.photos_for_user(request.user), PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "search/gallery.html",
        {"page": page, "albums": selectors.albums_for_user(request.user), "album_form": AlbumForm()},
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
    chosen_album = selectors.album_for_user(request.user, _int_or_404(chosen)) if chosen else None
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
    return render(request, "search/photo.html", {"photo": photo, "faces": list(photo.faces.all())})


@login_required
@search_limit
def face_matches(request, face_id: int):
    face = selectors.face_for_user(request.user, face_id)
    form = _threshold_form(request.GET)
    threshold = form.threshold_or_default()
    matches = selectors.face_matches_for_user(request.user, face, threshold=threshold)
    return render(
        request, "search/matches.html", {"face": face, "matches": matches, "form": form, "threshold": threshold}
    )


@login_required
def faces_browse(request):
    return render(
        request,
        "search/faces.html",
        {"faces": selectors.faces_sample_for_user(request.user), "sample_size": selectors.FACES_SAMPLE_SIZE},
    )


@login_required
def photo_file(request, photo_id: int, kind: str):
    photo = selectors.photo_for_user(request.user, photo_id)
    field = {"original": photo.original, "thumbnail": photo.thumbnail}.get(kind)
    return _file(field)


@login_required
def face_crop(request, face_id: int):
    return _file(selectors.face_for_user(request.user, face_id).crop)


def _threshold_form(data) -> ThresholdForm:
    return ThresholdForm(data if "threshold" in data else None, initial={"threshold": settings.FACE_MATCH_THRESHOLD})


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such id")


def _file(field):
    if not field or not field.name:
        raise Http404("No such file")
    if getattr(field.storage, "querystring_auth", False):  # S3: a signed URL that expires, never a public one
        response = redirect(field.url)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        response = FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404("No such file")
    response["Cache-Control"] = "private, max-age=3600"
    return response
