"""A click on a face: its matches among the owner's faces, a sample of faces to start from, a crop."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from faceapp.limits import search_limit
from indexing.people import selectors as people_selectors
from indexing.photos import selectors

from .common import file_response, threshold_form


@login_required
@search_limit
def face_matches(request, face_id: int):
    face = selectors.face_for_user(request.user, face_id)
    form = threshold_form(request.GET)
    threshold = form.threshold_or_default()
    matches = selectors.face_matches_for_user(request.user, face, threshold=threshold)
    context = {"face": face, "matches": matches, "form": form, "threshold": threshold}
    context["naming"] = people_selectors.face_naming_for_user(request.user, face, matches)
    return render(request, "search/matches.html", context)


@login_required
def faces_browse(request):
    return render(
        request,
        "search/faces.html",
        {"faces": selectors.faces_sample_for_user(request.user), "sample_size": selectors.FACES_SAMPLE_SIZE},
    )


@login_required
def face_crop(request, face_id: int):
    return file_response(selectors.face_for_user(request.user, face_id).crop)
