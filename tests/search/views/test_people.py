"""People pages: naming from the match page, the person page, search by names, living albums, privacy."""

import pytest
from django.urls import reverse

from indexing.models import Face, FaceCluster, LivingAlbum, PeopleEvent, Person
from indexing.people import selectors as people_selectors
from indexing.people import services as people
from indexing.photos.pipeline.runner import index_photo_now
from indexing.tagging import services as tagging
from tests.factories import PhotoFactory
from tests.indexing.people.conftest import committed_library, labelled_faces

pytestmark = pytest.mark.django_db
PHOTOS = ("group_kit_rose.jpg", "kit_harington_1.jpg", "kit_harington_3.jpg", "rose_leslie_1.jpg", "joe_biden_2.jpg")


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker, faces_dir, faces_manifest, media_root):
    with committed_library("dora", faces_dir, faces_manifest, PHOTOS, media_root, django_db_blocker) as found:
        yield found


@pytest.fixture
def user(library):
    return library.owner


@pytest.fixture
def photos(library):
    return library.photos


def _face(photo, position=0):
    return labelled_faces(photo, 2)[position]


def test_this_is_names_a_face_and_its_matches_and_the_person_page_shows_their_photos(client, user, photos):
    client.force_login(user)
    kit = _face(photos["kit_harington_1.jpg"])
    page = client.get(reverse("face_matches", args=[kit.pk])).content.decode()
    assert "This is…" in page and "and the 2 matches" in page
    response = client.post(reverse("face_name", args=[kit.pk]), {"name": "Kit", "matches": "1"})
    person = Person.objects.get(owner=user, name="Kit")
    assert response.status_code == 302 and response["Location"] == reverse("person", args=[person.pk])
    assert person.faces.filter(person_confirmed=True).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 photos" in page and "kit_harington_3.jpg" in page and "rose_leslie" not in page
    assert "Named 3 face(s) Kit" in page  # the history, with its undo button
    photo_page = client.get(reverse("photo", args=[photos["group_kit_rose.jpg"].pk])).content.decode()
    assert ">Kit</a>" in photo_page and "Who is this?" in photo_page  # Rose is not named yet


def test_an_unnamed_face_shows_its_candidates(client, user, photos, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        people.name_face(user, _face(photos["rose_leslie_1.jpg"]), "Rose")
    rose_in_group = _face(photos["group_kit_rose.jpg"], 0)
    Face.objects.filter(pk=rose_in_group.pk).update(person=None)  # as if the suggestion were not made
    page = client.get(reverse("face_matches", args=[rose_in_group.pk])).content.decode()
    assert "Maybe:" in page and "Rose ·" in page


def test_person_actions_accept_reject_rename_hide_and_undo(client, user, photos):
    client.force_login(user)
    named = people.name_face(user, _face(photos["kit_harington_1.jpg"]), "Kit")
    person = named.person
    suggested = list(person.faces.filter(person_confirmed=False).values_list("pk", flat=True))
    assert len(suggested) == 2
    client.post(reverse("person_action", args=[person.pk, "reject"]), {"face": suggested[:1]})
    client.post(reverse("person_action", args=[person.pk, "accept"]), {"face": suggested[1:]})
    named_face = named.event.payload["faces"][0]["id"]
    assert sorted(person.faces.values_list("pk", flat=True)) == sorted([named_face, suggested[1]])
    client.post(reverse("person_action", args=[person.pk, "rename"]), {"name": "Kit Harington"})
    client.post(reverse("person_action", args=[person.pk, "hide"]), {"hidden": "1"})
    person.refresh_from_db()
    assert person.name == "Kit Harington" and person.hidden
    assert "Kit Harington" not in client.get(reverse("people")).content.decode()
    undo = person.events.get(action="hide")
    client.post(reverse("people_undo", args=[undo.pk]))
    person.refresh_from_db()
    assert not person.hidden


def test_search_by_names_all_of_them_and_only_them(client, user, photos):
    client.force_login(user)
    people.name_face(user, _face(photos["kit_harington_1.jpg"]), "Kit")
    people.name_face(user, _face(photos["rose_leslie_1.jpg"]), "Rose")
    url = reverse("people_search")
    kit = client.get(url, {"q": "kit"}).content.decode()
    assert "Kit: 3 photos" in kit
    both = client.get(url, {"q": "Kit and Rose"}).content.decode()
    assert "Kit and Rose: 1 photo" in both and "group_kit_rose.jpg" in both
    only_rose = client.get(url, {"q": "rose", "only": "1"}).content.decode()
    assert "Only Rose: 1 photo" in only_rose and "rose_leslie_1.jpg" in only_rose and "group_kit" not in only_rose
    assert "Nobody is named Jane" in client.get(url, {"q": "Rose, Jane"}).content.decode()


def test_a_living_album_fills_itself_as_photos_are_indexed(client, user, photos, faces_dir):
    client.force_login(user)
    rose = people.name_face(user, _face(photos["rose_leslie_1.jpg"]), "Rose").person
    response = client.post(reverse("living_albums"), {"person": [rose.pk], "rule": "any", "title": "Rose"})
    album = LivingAlbum.objects.get(owner=user)
    assert response["Location"] == reverse("living_album", args=[album.pk])
    assert "2 photos" in client.get(response["Location"]).content.decode()
    PhotoFactory(owner=user, file="rose_leslie_2.jpg", indexed=True)
    page = client.get(response["Location"]).content.decode()
    assert "3 photos" in page and "rose_leslie_2.jpg" in page


def test_a_group_of_unnamed_faces_is_named_in_one_step(client, user, photos):
    client.force_login(user)
    people.cluster_user_faces(user)
    page = client.get(reverse("people_groups")).content.decode()
    kit_group = _face(photos["kit_harington_1.jpg"]).cluster
    assert f'id="group-{kit_group.pk}"' in page and "3 faces" in page
    client.post(reverse("people_group_action", args=[kit_group.pk, "name"]), {"name": "Kit"})
    assert Person.objects.get(name="Kit").faces.count() == 3
    assert not FaceCluster.objects.filter(pk=kit_group.pk).exists()


def test_another_user_gets_404_for_every_people_id(client, user, other_user, photos):
    named = people.name_face(user, _face(photos["kit_harington_1.jpg"]), "Kit")
    people.cluster_user_faces(user)
    cluster = FaceCluster.objects.filter(owner=user).first()
    album = LivingAlbum.objects.create(owner=user, title="A")
    face = _face(photos["rose_leslie_1.jpg"])
    client.force_login(other_user)
    gets = [reverse("person", args=[named.person.pk]), reverse("living_album", args=[album.pk])]
    posts = [
        reverse("person_action", args=[named.person.pk, "rename"]),
        reverse("people_undo", args=[named.event.pk]),
        reverse("people_group_action", args=[cluster.pk, "name"]),
        reverse("face_name", args=[face.pk]),
        reverse("face_not_a_face", args=[face.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"name": "Mine"}).status_code == 404, url
    assert "Kit" not in client.get(reverse("people")).content.decode()
    assert "group_kit_rose" not in client.get(reverse("people_search"), {"q": "Kit"}).content.decode()
    assert Face.objects.filter(pk=face.pk, person__isnull=True).exists()


def test_people_pages_need_a_login(client):
    for name in ("people", "people_groups", "living_albums", "people_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_settings_set_the_threshold_make_a_token_and_undo_a_not_a_face(client, user, photos):
    client.force_login(user)
    url = reverse("people_settings")
    client.post(url, {"do": "threshold", "threshold": "90"})
    assert people_selectors.threshold_for(user) == 90
    assert "0 to 100" in client.post(url, {"do": "threshold", "threshold": "300"}, follow=True).content.decode()
    page = client.post(url, {"do": "credentials"}).content.decode()
    token = page.split('id="api-token">')[1].split("<")[0]
    assert tagging.owner_for_token(token) == user and "/api/tagging/webhook/" in page
    photo = photos["joe_biden_2.jpg"]
    client.post(reverse("face_not_a_face", args=[photo.faces.get().pk]))
    assert not photo.faces.exists()
    event = PeopleEvent.objects.get(owner=user, action="not_a_face")
    assert "Undo (index the photo again)" in client.get(url).content.decode()
    client.post(reverse("people_undo", args=[event.pk]))
    index_photo_now(photo.pk)  # what the worker does once the undo is committed
    assert photo.faces.count() == 1
