"""Every route of the project outside the admin, found by walking the URL resolver."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indexing.models import (
    FaceCluster,
    InstagramCrawl,
    InstagramImport,
    InstagramUpload,
    LivingAlbum,
    PeopleEvent,
    Report,
)
from indexing.people import services as people
from indexing.photos.services import album_get_or_create
from indexing.rekognition_api.keys import key_issue
from tests.factories import PhotoFactory


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    params: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "social"):  # staff-only / the OAuth dance: tested on their own
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            yield Route(route, f"{namespace}{p.name}" if p.name else "", tuple(_params(route)))


def _params(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


# Authenticated by an API token or an HMAC signature, not a session: their isolation is tested with
# their own credentials (tests/search/test_tagging_api.py, tests/indexing/rekognition_api/).
TOKEN_AUTH = {
    "tagging_photos",
    "tagging_identify",
    "tagging_webhook",
    "tagging_delivery",
    "rekognition_api",
    "rekognition_api_bare",
    # Meta's server-to-server callbacks, authenticated by a signed_request (tests/indexing/instagram/test_callbacks.py),
    # and the deletion status page Meta shows the person, public by its secret confirmation code.
    "instagram_deauthorize",
    "instagram_data_deletion",
    "instagram_deletion_status",
}
ROUTES = sorted({r for r in _walk(get_resolver().url_patterns) if r.name not in TOKEN_AUTH}, key=lambda r: r.route)
ROUTES_WITH_IDS = [r for r in ROUTES if r.params]
# Values to fill each route parameter with: name -> function(objects of one user) -> values.
PARAMS = {
    "photo_id": lambda o: [o["photo"].pk],
    "face_id": lambda o: [o["face"].pk],
    "album_id": lambda o: [o["album"].pk],
    "report_id": lambda o: [o["report"].pk],
    "kind": lambda o: ["thumbnail", "original"],
    "key_id": lambda o: [o["api_key"].pk],
    "person_id": lambda o: [o["person"].pk],
    "action": lambda o: ["hide"],  # an action both people and groups take
    "event_id": lambda o: [o["event"].pk],
    "cluster_id": lambda o: [o["cluster"].pk],
    "living_album_id": lambda o: [o["living_album"].pk],
    "crawl_id": lambda o: [o["crawl"].pk],
    "key": lambda o: [o["upload"].key],
    "import_id": lambda o: [o["instagram_import"].pk],
}


def user_objects(user, faces_dir) -> dict:
    """One of everything a user owns: an album, an indexed photo with its face, a report."""
    album = album_get_or_create(user, "Holidays")
    photo = PhotoFactory(owner=user, file="barack_obama_1.jpg", album=album, indexed=True)
    face = photo.faces.get()
    report = Report.objects.create(reporter=user, owner=user, photo=photo, face=face, note="alice-report")
    api_key = key_issue(user, "alice-key").key
    person = people.name_face(user, face, "alice-person").person
    living_album = LivingAlbum.objects.create(owner=user, title="alice-living")
    living_album.people.add(person)
    return {
        "album": album,
        "photo": photo,
        "face": face,
        "report": report,
        "user": user,
        "api_key": api_key,
        "person": person,
        "event": PeopleEvent.objects.filter(owner=user).latest("pk"),
        "cluster": FaceCluster.objects.create(owner=user),
        "living_album": living_album,
        "crawl": InstagramCrawl.objects.create(owner=user),
        "upload": InstagramUpload.objects.create(
            key=f"upload-of-{user.pk}", owner=user, file_name="export.zip", size=10, path="/nonexistent.zip"
        ),
        "instagram_import": InstagramImport.objects.create(owner=user),
    }


def urls_for(route: Route, objects: dict) -> list[str]:
    """Every URL of the route with the given user's ids (every combination of PARAMS values)."""
    missing = [p for p in route.params if p not in PARAMS]
    assert not missing, f"route {route.route!r} has parameters {missing} that the tests cannot fill: add them to PARAMS"
    values = [PARAMS[p](objects) for p in route.params]
    return [reverse(route.name, kwargs=dict(zip(route.params, combo))) for combo in itertools.product(*values)]
