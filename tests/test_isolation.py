"""Isolation: every route of the project, tried by another user with the first user's ids, answers 404.

The routes are found by walking the URL resolver, so a new route is tested the day it is added; a
route with a parameter the tests have no value for fails until one is added to PARAMS (tests/routes.py).
"""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from indexing.models import Album, Face, Photo, Report
from tests.routes import PARAMS, ROUTES, ROUTES_WITH_IDS, urls_for, user_objects

pytestmark = pytest.mark.django_db


# Routes every project of this shape has: the walk must find them, or it is walking the wrong tree.
KNOWN = {"photo", "photo_file", "face_matches", "face_crop", "photo_report", "face_report"}


@pytest.fixture
def alices(user, faces_dir):
    return user_objects(user, faces_dir)


def _snapshot(user) -> dict:
    return {
        "photos": list(Photo.objects.filter(owner=user).values_list("pk", "status", "hidden", "file_name")),
        "faces": list(Face.objects.filter(owner=user).values_list("pk", "engine_face_id")),
        "albums": list(Album.objects.filter(owner=user).values_list("pk", "title")),
        "reports": list(Report.objects.filter(owner=user).values_list("pk", "status")),
    }


def test_the_walk_finds_every_route_with_an_id():
    names = {r.name for r in ROUTES_WITH_IDS}
    assert KNOWN <= names, KNOWN - names
    assert all(r.name for r in ROUTES_WITH_IDS), "every route with an id needs a name so this test can build it"
    assert all(p in PARAMS for r in ROUTES_WITH_IDS for p in r.params), {
        r.route: r.params for r in ROUTES_WITH_IDS if any(p not in PARAMS for p in r.params)
    }


@pytest.mark.parametrize("route", ROUTES_WITH_IDS, ids=[r.route for r in ROUTES_WITH_IDS])
def test_another_users_ids_answer_404(client, alices, other_user, route):
    alice = alices["user"]
    before = _snapshot(alice)
    tried = 0
    for url, method in itertools.product(urls_for(route, alices), ("get", "post")):
        client.force_login(other_user)
        bob = getattr(client, method)(url)
        client.force_login(alice)
        owner = getattr(client, method)(url)
        if owner.status_code == 405:  # the route takes no such method, for anyone
            assert bob.status_code == 405, (method, url)
            continue
        tried += 1
        assert owner.status_code < 400, f"the owner cannot {method.upper()} {url}: {owner.status_code}"
        assert bob.status_code == 404, f"another user's {method.upper()} {url} answered {bob.status_code}"
        if method == "get":
            assert _snapshot(alice) == before, "another user's request changed the owner's data"
    assert tried, f"no method of {route.route} was tried"


def test_a_moderator_is_refused_every_route_of_a_users_data_like_anyone(client, alices, django_user_model):
    """Moderating happens in the admin only: on the app's own routes a moderator is just another user."""
    from indexing.moderation.services import moderator_grant

    moderator = django_user_model.objects.create_user("mod", password="pw-mod-123")
    moderator_grant(moderator)
    before, refused = _snapshot(alices["user"]), []
    client.force_login(moderator)
    for route in ROUTES_WITH_IDS:
        for url, method in itertools.product(urls_for(route, alices), ("get", "post")):
            status = getattr(client, method)(url).status_code
            if status != 405:
                assert status == 404, f"a moderator's {method.upper()} {url} answered {status}"
                refused.append(url)
    assert refused and _snapshot(alices["user"]) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.params], ids=[r.route for r in ROUTES if not r.params])
def test_pages_without_ids_show_another_user_nothing_of_the_first(client, alices, other_user, route):
    client.force_login(other_user)
    response = client.get(reverse(route.name))
    assert response.status_code in (200, 302, 405), response.status_code
    body = b"".join(response) if response.streaming else response.content
    for marker in ("barack_obama_1", "Holidays", "alice-report", alices["face"].engine_face_id):
        assert marker.encode() not in body, (route.route, marker)


def _admin_urls(objects: dict) -> list[str]:
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["indexing"]),
        reverse("admin:app_list", args=["auth"]),
        reverse("admin:indexing_photo_file", args=[objects["photo"].pk, "original"]),
        reverse("admin:indexing_face_crop", args=[objects["face"].pk]),
    ]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        obj = model.objects.order_by("pk").first()
        urls += [reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_add" % info)]
        if obj is not None:
            urls += [reverse(f"admin:%s_%s_{view}" % info, args=[obj.pk]) for view in ("change", "delete", "history")]
    return urls


def test_a_user_who_is_not_staff_gets_nothing_of_the_admin(client, alices, other_user):
    before = _snapshot(alices["user"])
    client.force_login(other_user)
    for url, method in itertools.product(_admin_urls(alices), ("get", "post")):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), (
            method,
            url,
            response.status_code,
        )
    assert _snapshot(alices["user"]) == before


def test_media_files_are_never_served_from_their_storage_path(client, alices, media_root):
    photo, face = alices["photo"], alices["face"]
    client.force_login(alices["user"])
    for field in (photo.original, photo.thumbnail, face.crop):
        assert (media_root / field.name).is_file()
        assert client.get(settings.MEDIA_URL + field.name).status_code == 404, field.name
    client.logout()
    assert client.get(settings.MEDIA_URL + photo.original.name).status_code == 404
    assert not any(r.route.startswith(settings.MEDIA_URL.strip("/")) for r in ROUTES)
