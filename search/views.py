"""Small views: each loads what the signed-in user owns through a selector, or answers 404."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from faceapp.limits import search_limit
from indexing.models import Photo

from . import selectors


@login_required
def gallery(request):
    photos = Photo.objects.visible_to(request.user).order_by("-created_at", "-id")
    page = Paginator(photos, 48).get_page(request.GET.get("page"))
    return render(request, "search/gallery.html", {"page": page})


@login_required
def photo_detail(request, photo_id: int):
    photo = get_object_or_404(Photo.objects.visible_to(request.user), pk=photo_id)
    return render(request, "search/photo.html", {"photo": photo, "faces": photo.faces.all()})


@login_required
@search_limit
def face_matches(request, face_id: int):
    face = selectors.face_for_user(request.user, face_id)
    matches = selectors.face_matches_for_user(request.user, face)
    return render(request, "search/matches.html", {"face": face, "matches": matches})


@login_required
def photo_file(request, photo_id: int, kind: str):
    photo = get_object_or_404(Photo.objects.visible_to(request.user), pk=photo_id)
    field = {"original": photo.original, "thumbnail": photo.thumbnail}.get(kind)
    return _file(field)


@login_required
def face_crop(request, face_id: int):
    return _file(selectors.face_for_user(request.user, face_id).crop)


def _file(field):
    if not field or not field.name:
        raise Http404("No such file")
    response = FileResponse(field.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
