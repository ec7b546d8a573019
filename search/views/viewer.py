"""The photo viewer: the photo with its faces named on their boxes, one list of faces, and the previous
and next photo of where it was opened from (all photos, an album, a person, a search by names)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import render

from indexing.models import LivingAlbum
from indexing.people import selectors as people_selectors
from indexing.photos import selectors


def sequence(request) -> tuple[object, str, str]:
    """(the photos the viewer steps through, the query string that keeps them, what to call them) from
    ?in=all | album-<id> | person-<id> | names (with q= and only=)."""
    user, where = request.user, request.GET.get("in", "all")
    kind, _, pk = where.partition("-")
    keep = QueryDict(mutable=True)
    keep["in"] = where
    if kind == "album" and pk.isdigit():
        album = selectors.album_for_user(user, int(pk))
        return selectors.photos_for_user(user, album=album), keep.urlencode(), album.title
    if kind == "person" and pk.isdigit():
        person = people_selectors.person_for_user(user, int(pk))
        return people_selectors.person_photos(user, person), keep.urlencode(), person.name
    if kind == "names":
        query, only = request.GET.get("q", ""), request.GET.get("only") == "1"
        found, unknown = people_selectors.parse_people_query(user, query)
        rule = LivingAlbum.Rule.ONLY if only else LivingAlbum.Rule.ALL
        keep["q"], keep["only"] = query, "1" if only else ""
        if found and not unknown:
            photos = people_selectors.photos_with_people(user, found, rule)
            return photos, keep.urlencode(), " and ".join(p.name for p in found)
    keep["in"] = "all"
    return selectors.photos_for_user(user), keep.urlencode(), "All photos"


def _faces(photo) -> list[dict]:
    """One entry per face, left to right: its number, the face, its person (confirmed or suggested)."""
    faces = list(photo.faces.select_related("person").order_by("left", "id"))
    return [{"number": n, "face": f, "person": f.person} for n, f in enumerate(faces, 1)]


@login_required
def photo_detail(request, photo_id: int):
    try:
        photo = selectors.photo_for_user(request.user, photo_id)
    except Http404:
        hidden = selectors.hidden_photo_of(request.user, photo_id)
        if hidden is None:
            raise
        return render(request, "search/photo_hidden.html", {"photo": hidden}, status=404)
    photos, keep, where = sequence(request)
    steps = selectors.neighbours(photos, photo)
    not_faces = people_selectors.not_a_face_events(request.user, photo=photo)
    return render(
        request,
        "search/photo.html",
        {"photo": photo, "faces": _faces(photo), "steps": steps, "keep": keep, "where": where, "not_faces": not_faces},
    )
