"""Library management over HTTP: move and delete a selection, rename and delete albums, the timeline,
a hidden photo explained to its owner; another user's ids are never touched."""

from datetime import datetime, timezone

import pytest
from django.test import Client
from django.urls import reverse

from indexing.account.services import face_indexing_disable
from indexing.models import Album, Face, PeopleEvent, Photo
from indexing.photos.services import album_get_or_create
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


def test_a_selection_moves_to_a_new_album_and_covers_follow(client, user, other_user, indexed_photos):
    client.force_login(user)
    trip = Album.objects.get(owner=user, title="Trip")
    chosen = [indexed_photos["barack_obama_1.jpg"].pk, indexed_photos["joe_biden_2.jpg"].pk]
    stranger = album_get_or_create(other_user, "Bob's")
    response = client.post(reverse("photos_selected"), {"photo": chosen, "new_album": "Leaders", "next": "/"})
    assert response.status_code == 302
    leaders = Album.objects.get(owner=user, title="Leaders")
    assert set(leaders.photos.values_list("pk", flat=True)) == set(chosen)
    assert leaders.featured_photo_id in chosen
    trip.refresh_from_db()
    assert trip.featured_photo_id == indexed_photos["barack_obama_2.jpg"].pk  # its own photo, not a moved one
    assert client.post(reverse("photos_selected"), {"photo": chosen, "album": stranger.pk}).status_code == 404


def test_a_selection_is_deleted_with_its_faces_and_other_users_ids_are_ignored(
    client, user, other_user, indexed_photos, faces_dir
):

    bobs = PhotoFactory(owner=other_user, file="joe_biden_2.jpg", file_name="b.jpg")
    client.force_login(user)
    doomed = indexed_photos["barack_obama_1.jpg"]
    assert doomed.faces.exists()
    client.post(reverse("photos_selected"), {"photo": [doomed.pk, bobs.pk], "do": "delete"})
    assert not Photo.objects.filter(pk=doomed.pk).exists() and not Face.objects.filter(photo_id=doomed.pk).exists()
    assert Photo.objects.filter(pk=bobs.pk).exists()


def test_an_album_is_renamed_unless_the_title_is_taken_and_deleted_keeping_its_photos(client, user, indexed_photos):
    client.force_login(user)
    trip = Album.objects.get(owner=user, title="Trip")
    album_get_or_create(user, "Taken")
    client.post(reverse("album_rename", args=[trip.pk]), {"title": "Taken"})
    trip.refresh_from_db()
    assert trip.title == "Trip"
    client.post(reverse("album_rename", args=[trip.pk]), {"title": "  Summer   2024 "})
    trip.refresh_from_db()
    assert trip.title == "Summer 2024"
    client.post(reverse("album_delete", args=[trip.pk]), {"photos": "keep"})  # not confirmed
    assert Album.objects.filter(pk=trip.pk).exists()
    client.post(reverse("album_delete", args=[trip.pk]), {"photos": "keep", "confirm": "yes"})
    assert not Album.objects.filter(pk=trip.pk).exists()
    assert Photo.objects.filter(owner=user, album=None).count() == 3


def test_the_timeline_orders_by_date_taken_with_month_headings(client, user, indexed_photos):
    old = indexed_photos["joe_biden_2.jpg"]
    Photo.objects.filter(pk=old.pk).update(taken_at=datetime(2019, 7, 4, 12, tzinfo=timezone.utc))
    client.force_login(user)
    page = client.get(reverse("gallery")).content.decode()
    assert "July 2019" in page
    assert page.index("barack_obama_1.jpg") < page.index("July 2019") < page.index("joe_biden_2.jpg")


def test_a_hidden_photo_is_explained_to_its_owner_only(client, user, other_user, indexed_photos):
    photo = indexed_photos["joe_biden_2.jpg"]
    Photo.objects.filter(pk=photo.pk).update(hidden=True)
    client.force_login(user)
    response = client.get(reverse("photo", args=[photo.pk]))
    assert response.status_code == 404 and "A moderator hid this photo" in response.content.decode()
    client.force_login(other_user)
    response = client.get(reverse("photo", args=[photo.pk]))
    assert response.status_code == 404 and "moderator" not in response.content.decode()


def test_not_a_face_is_undone_from_the_photo_and_back_on_it(client, user, indexed_photos):
    client.force_login(user)
    photo = indexed_photos["joe_biden_2.jpg"]
    client.post(reverse("face_not_a_face", args=[photo.faces.get().pk]))
    page = client.get(reverse("photo", args=[photo.pk])).content.decode()
    assert "Undo “not a face”" in page
    event = PeopleEvent.objects.get(owner=user, action="not_a_face")
    response = client.post(reverse("people_undo", args=[event.pk]), {"next": "photo"})
    assert response["Location"] == reverse("photo", args=[photo.pk])
    event.refresh_from_db()
    assert event.undone_at is not None
    assert "Undo “not a face”" not in client.get(reverse("photo", args=[photo.pk])).content.decode()


def test_errors_have_pages_of_their_own(client, user):
    client.force_login(user)
    missing = client.get("/photos/999999/")
    assert missing.status_code == 404 and "There is nothing here" in missing.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    refused = strict.post(reverse("album_create"), {"title": "x"})
    assert refused.status_code == 403 and "That form had expired" in refused.content.decode()


def test_with_face_indexing_off_tiles_and_pages_say_so(client, user, indexed_photos):

    face_indexing_disable(user)
    client.force_login(user)
    gallery = client.get(reverse("gallery")).content.decode()
    assert gallery.count("Face indexing is off") >= 3 and "Indexed" not in gallery
    faces = client.get(reverse("faces_browse")).content.decode()
    assert "Face indexing is off, so no face is looked for" in faces and "No faces yet" not in faces


def test_the_banners_of_every_page_follow_the_user_s_settings_read_once(client, user):
    """search/context_processors.face_indexing loads the settings row base.html's consent banner reads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indexing.account.services import face_indexing_enable
    from indexing.instagram.models import InstagramAccount

    client.force_login(user)
    face_indexing_disable(user)
    InstagramAccount.objects.create(user=user, instagram_id="1", username="kit", needs_relogin=True, problem="gone")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("people")).content.decode()
    assert "Face indexing is off: your photos are kept" in page and "@kit (gone)" in page
    settings_reads = [q for q in queries.captured_queries if "indexing_accountsettings" in q["sql"]]
    assert len(settings_reads) == 1
    face_indexing_enable(user)
    InstagramAccount.objects.filter(user=user).update(needs_relogin=False)
    page = client.get(reverse("people")).content.decode()
    assert "Face indexing is off" not in page and "no longer accepts" not in page
