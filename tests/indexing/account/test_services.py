"""Consent to face indexing, export of one's data and deletion of one's data."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from indexing.account import services as account
from indexing.engine.errors import ResourceNotFound
from indexing.face_index import collection_id_for, get_engine
from indexing.models import AccountSettings, Album, EngineCollection, EngineFace, Face, Photo, Report
from indexing.photos.pipeline.context import Abandon
from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import album_get_or_create, photo_delete
from tests.factories import PhotoFactory, UserFactory
from tests.indexing.account.helpers import user_files

pytestmark = pytest.mark.django_db


def _user_files(media_root: Path, user) -> set[str]:
    return set(user_files(media_root, user))


def _engine_face_ids(user) -> set[str]:
    try:
        return {f["FaceId"] for f in get_engine().list_faces(collection_id_for(user))["Faces"]}
    except ResourceNotFound:
        return set()


def test_face_indexing_is_off_until_the_user_switches_it_on(
    django_user_model, faces_dir, django_capture_on_commit_callbacks
):
    carol = UserFactory(username="carol", consent=False)
    photo = PhotoFactory(owner=carol, file="joe_biden_2.jpg", file_name="j.jpg")
    assert index_photo_now(photo.pk) is None
    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING and not photo.faces.exists() and not _engine_face_ids(carol)

    with django_capture_on_commit_callbacks() as queued:
        account.face_indexing_enable(carol)
    assert len(queued) == 1, "switching on queues the indexing of the photos"
    settings_row = AccountSettings.objects.get(user=carol)
    assert settings_row.face_indexing_enabled and settings_row.face_indexing_consented_at
    index_photo_now(photo.pk)
    assert photo.faces.count() == 1


def test_the_account_page_shows_the_notice_and_switches_face_indexing(client, django_user_model):
    carol = UserFactory(username="carol", consent=False)
    client.force_login(carol)
    page = client.get(reverse("account")).content.decode()
    assert "Face indexing is off" in page and "biometric data" in page
    client.post(reverse("account_face_indexing"), {"enabled": "on"})
    assert account.indexing_allowed(carol)
    assert "Face indexing is on" in client.get(reverse("account")).content.decode()
    client.post(reverse("account_face_indexing"), {"enabled": "off"})
    assert not account.indexing_allowed(carol)


def test_switching_face_indexing_off_deletes_faces_and_collection_and_keeps_photos(
    user, faces_dir, media_root, django_capture_on_commit_callbacks
):
    photos = [PhotoFactory(owner=user, file=n, indexed=True) for n in ("group_obama_biden_2.jpg", "barack_obama_2.jpg")]
    crops = [f.crop.name for f in Face.objects.filter(owner=user)]
    assert len(crops) == 3 and _engine_face_ids(user)
    with django_capture_on_commit_callbacks(execute=True):
        account.face_indexing_disable(user)
    assert not Face.objects.filter(owner=user).exists()
    assert not any((media_root / name).exists() for name in crops)
    with pytest.raises(ResourceNotFound):
        get_engine().describe_collection(collection_id_for(user))
    assert not EngineCollection.objects.filter(collection_id=collection_id_for(user)).exists()
    for photo in photos:
        photo.refresh_from_db()
        assert (media_root / photo.original.name).is_file() and (media_root / photo.thumbnail.name).is_file()
    # and nothing indexes them again behind the user's back
    Photo.objects.filter(owner=user).update(status=Photo.Status.PENDING)
    assert index_photo_now(photos[0].pk) is None and not Face.objects.filter(owner=user).exists()


def test_export_gives_the_photos_and_a_json_of_albums_faces_and_people(client, user, other_user, faces_dir):
    album = album_get_or_create(user, "Summer")
    group = PhotoFactory(owner=user, file="group_obama_biden_2.jpg", album=album, indexed=True)
    hidden = PhotoFactory(owner=user, file="joe_biden_2.jpg", indexed=True)
    Photo.objects.filter(pk=hidden.pk).update(hidden=True)
    PhotoFactory(owner=other_user, file="barack_obama_2.jpg", indexed=True)
    client.force_login(user)
    response = client.get(reverse("account_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert [a["title"] for a in data["albums"]] == ["Summer"]
    assert [p["id"] for p in data["photos"]] == [group.pk], "hidden photos and other users' are not exported"
    assert archive.read(data["photos"][0]["file"]) == (faces_dir / "group_obama_biden_2.jpg").read_bytes()
    assert sorted(archive.namelist()) == ["data.json", data["photos"][0]["file"]]
    assert len(data["faces"]) == 2 and set(data["faces"][0]) == {
        "id", "photo_id", "box", "confidence", "quality", "person_id", "person_confirmed", "group_id"
    }  # fmt: skip
    assert set(data["faces"][0]["box"]) == {"Left", "Top", "Width", "Height"}
    assert data["face_indexing"]["enabled"] is True
    assert b"embedding" not in archive.read("data.json").lower()


def test_export_file_names_cannot_climb_out_of_the_archive(user, faces_dir):
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="x.jpg")
    Photo.objects.filter(pk=photo.pk).update(file_name="../../../../tmp/evil.jpg")
    with account.export_archive(user) as f:
        names = zipfile.ZipFile(f).namelist()
    assert names == [f"photos/{photo.pk}-evil.jpg", "data.json"]


def _everything_of(user) -> dict:
    return {
        "photos": Photo.objects.filter(owner=user).count(),
        "faces": Face.objects.filter(owner=user).count(),
        "albums": Album.objects.filter(owner=user).count(),
        "reports": Report.objects.filter(reporter=user).count(),
        "settings": AccountSettings.objects.filter(user=user).count(),
        "engine_collections": EngineCollection.objects.filter(collection_id=collection_id_for(user)).count(),
        "engine_faces": EngineFace.objects.filter(collection__collection_id=collection_id_for(user)).count(),
    }


def test_delete_my_data_leaves_nothing_behind_and_touches_no_one_else(
    client, user, other_user, faces_dir, media_root, django_capture_on_commit_callbacks
):
    album = album_get_or_create(user, "Trip")
    photo = PhotoFactory(owner=user, file="group_kit_rose.jpg", album=album, indexed=True)
    hidden = PhotoFactory(owner=user, file="kit_harington_1.jpg", album=album, indexed=True)
    Photo.objects.filter(pk=hidden.pk).update(hidden=True)
    Report.objects.create(reporter=user, owner=user, photo=photo, note="mine")
    bobs = PhotoFactory(owner=other_user, file="kit_harington_3.jpg", indexed=True)
    before_bob = (_everything_of(other_user), _user_files(media_root, other_user), _engine_face_ids(other_user))
    files = [f.crop.name for f in Face.objects.filter(owner=user)]
    files += [n for p in Photo.objects.filter(owner=user) for n in (p.original.name, p.thumbnail.name)]
    assert len(files) == 2 * 2 + 3 and all((media_root / n).is_file() for n in files)
    assert all(_everything_of(user).values())

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"confirm": "DELETE"})
    assert response.status_code == 302
    assert _everything_of(user) == dict.fromkeys(_everything_of(user), 0)
    assert _user_files(media_root, user) == set()
    assert not any((media_root / name).exists() for name in files)
    with pytest.raises(ResourceNotFound):
        get_engine().describe_collection(collection_id_for(user))
    assert (
        _everything_of(other_user),
        _user_files(media_root, other_user),
        _engine_face_ids(other_user),
    ) == before_bob and Photo.objects.filter(pk=bobs.pk).exists()
    assert client.get(reverse("gallery")).status_code == 200, "the login itself stays"


def test_delete_my_data_needs_the_confirmation(client, user, faces_dir):
    PhotoFactory(owner=user, file="joe_biden_2.jpg", indexed=True)
    client.force_login(user)
    client.post(reverse("account_delete"), {"confirm": "yes"})
    assert Photo.objects.filter(owner=user).count() == 1 and Face.objects.filter(owner=user).count() == 1


def test_delete_my_data_forgets_the_instagram_token(user):
    from social_django.models import UserSocialAuth

    UserSocialAuth.objects.create(
        user=user, provider="instagram", uid="1789", extra_data={"access_token": "IGQ-secret", "token_type": "bearer"}
    )
    account.account_data_delete(user)
    assert "IGQ-secret" not in json.dumps(list(UserSocialAuth.objects.values_list("extra_data", flat=True)))


def test_deleting_one_photo_removes_its_faces_from_the_collection(user, faces_dir):
    keep = PhotoFactory(owner=user, file="barack_obama_1.jpg", indexed=True)
    gone = PhotoFactory(owner=user, file="group_obama_biden_2.jpg", indexed=True)
    gone_ids = set(gone.faces.values_list("engine_face_id", flat=True))
    photo_delete(gone)
    assert _engine_face_ids(user) == set(keep.faces.values_list("engine_face_id", flat=True))
    assert not gone_ids & _engine_face_ids(user) and not Face.objects.filter(engine_face_id__in=gone_ids).exists()


def test_a_photo_being_indexed_while_its_owner_deletes_everything_does_not_come_back(
    user, faces_dir, media_root, django_capture_on_commit_callbacks
):
    from indexing.photos.pipeline.context import PhotoContext
    from indexing.photos.pipeline.runner import claim
    from indexing.photos.pipeline.steps import index_faces, load_original, make_thumbnail, save_faces

    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    ctx = PhotoContext(claim(photo.pk))
    for step in (load_original, make_thumbnail, index_faces):  # the worker is half-way through
        step(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        account.account_data_delete(user)
    with pytest.raises(Abandon):
        save_faces(ctx)
    assert not Photo.objects.filter(pk=photo.pk).exists() and not Face.objects.filter(owner=user).exists()
    assert not _engine_face_ids(user)
    assert not EngineCollection.objects.filter(collection_id=collection_id_for(user)).exists(), "not recreated"
    assert _user_files(media_root, user) == set(), "neither its thumbnail nor a crop is left"


def test_a_photo_being_indexed_while_its_owner_withdraws_consent_leaves_no_face(
    user, faces_dir, media_root, django_capture_on_commit_callbacks
):
    from indexing.photos.pipeline.context import PhotoContext
    from indexing.photos.pipeline.runner import claim
    from indexing.photos.pipeline.steps import index_faces, load_original, make_thumbnail, save_faces

    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    ctx = PhotoContext(claim(photo.pk))
    for step in (load_original, make_thumbnail):
        step(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        account.face_indexing_disable(user)
    index_faces(ctx)  # the engine write lands after the withdrawal: it recreates the collection
    assert _engine_face_ids(user)
    with pytest.raises(Abandon):
        save_faces(ctx)
    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING and not Face.objects.filter(owner=user).exists()
    assert not EngineCollection.objects.filter(collection_id=collection_id_for(user)).exists()
    assert not list((media_root / "faces" / str(user.pk)).rglob("*.jpg")), "no crop is left"
