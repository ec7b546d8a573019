"""photo_create and photo_delete: validation, duplicates, files, and the engine side."""

from pathlib import Path

import pytest

from indexing.face_index import collection_id_for, get_engine
from indexing.models import Face, Photo
from indexing.photos import services
from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import (
    After,
    PhotoRejected,
    PhotoSource,
    album_get_or_create,
    photo_create,
    photo_delete,
    photo_reindex,
)
from tests import imagefiles
from tests.factories import PhotoFactory
from tests.postgres import ON_POSTGRES

pytestmark = pytest.mark.django_db


def _files(media_root: Path) -> set[str]:
    return {str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file() and p.suffix != ".log"}


def test_a_photo_is_stored_pending_then_indexed_with_its_faces(user, faces_dir):
    album = album_get_or_create(user, "Trip")
    photo = PhotoFactory(owner=user, file="group_kit_rose.jpg", album=album)
    assert photo.status == Photo.Status.PENDING and photo.width == 501 and photo.format == "JPEG"
    index_photo_now(photo.pk)
    photo.refresh_from_db()
    assert photo.status == Photo.Status.INDEXED and photo.thumbnail
    faces = list(photo.faces.all())
    assert len(faces) == 2 and all(f.crop and f.owner == user for f in faces)
    assert faces[0].left < faces[1].left
    album.refresh_from_db()
    assert album.featured_photo == photo


def test_the_same_bytes_twice_make_one_photo(user, faces_dir):
    data = (faces_dir / "joe_biden_2.jpg").read_bytes()
    first = photo_create(user, data, "a.jpg", then=After.STORE)
    second = photo_create(user, data, "b.jpg", then=After.STORE)
    assert first.created and not second.created and second.photo == first.photo
    assert Photo.objects.count() == 1


def test_a_photo_already_stored_under_its_source_id_is_not_stored_again(user, faces_dir):
    post = PhotoSource(source_id="17900001")
    first = photo_create(user, (faces_dir / "joe_biden_2.jpg").read_bytes(), "a.jpg", source=post, then=After.STORE)
    again = photo_create(user, (faces_dir / "kit_harington_1.jpg").read_bytes(), "b.jpg", source=post, then=After.STORE)
    other = photo_create(user, (faces_dir / "kit_harington_1.jpg").read_bytes(), "c.jpg", then=After.STORE)
    assert not again.created and again.photo == first.photo
    assert other.created and Photo.objects.filter(owner=user).count() == 2


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans (PostgreSQL plans by its statistics)")
def test_looking_for_a_duplicate_seeks_the_unique_indexes_on_sqlite(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        services._existing(user, "0" * 64, "17900001")
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert len(plans) == 2, plans  # one by the bytes' hash, one by the source id: no OR walking every photo
    assert "photo_content_unique_per_owner" in plans[0] or "sqlite_autoindex" in plans[0], plans
    assert "INDEX photo_source_unique_per_owner" in plans[1], plans


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
        (imagefiles.png_claiming_size(20_000, 10_000), "megapixels"),
    ],
)
def test_bad_input_is_rejected_and_nothing_is_stored(user, media_root, data, reason):
    before = _files(media_root)
    with pytest.raises(PhotoRejected, match=reason):
        photo_create(user, data, "evil.jpg", then=After.STORE)
    assert Photo.objects.count() == 0 and _files(media_root) == before


def test_a_truncated_photo_is_rejected(user, faces_dir):
    with pytest.raises(PhotoRejected, match="truncated"):
        photo_create(
            user, imagefiles.truncated((faces_dir / "joe_biden_2.jpg").read_bytes()), "t.jpg", then=After.STORE
        )


def test_reindexing_replaces_faces_and_never_duplicates_them(user, faces_dir):
    photo = PhotoFactory(owner=user, file="group_obama_biden_2.jpg", file_name="g.jpg")
    index_photo_now(photo.pk)
    old_ids = set(photo.faces.values_list("engine_face_id", flat=True))
    photo_reindex(photo)
    index_photo_now(photo.pk)
    new_ids = set(photo.faces.values_list("engine_face_id", flat=True))
    assert len(new_ids) == 2 and not old_ids & new_ids
    engine_ids = {f["FaceId"] for f in get_engine().list_faces(collection_id_for(user))["Faces"]}
    assert engine_ids == new_ids


def test_deleting_a_photo_removes_its_faces_from_the_collection_and_its_files(
    user, faces_dir, media_root, django_capture_on_commit_callbacks
):
    before = _files(media_root)
    keep = PhotoFactory(owner=user, file="barack_obama_1.jpg", file_name="keep.jpg")
    gone = PhotoFactory(owner=user, file="barack_obama_2.jpg", file_name="gone.jpg")
    index_photo_now(keep.pk)
    index_photo_now(gone.pk)
    keep_face = keep.faces.get()
    assert get_engine().search_faces(collection_id_for(user), keep_face.engine_face_id)["FaceMatches"]
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(gone)
    keep.refresh_from_db()
    assert not Face.objects.filter(photo_id=gone.pk).exists()
    assert get_engine().search_faces(collection_id_for(user), keep_face.engine_face_id)["FaceMatches"] == []
    assert get_engine().describe_collection(collection_id_for(user))["FaceCount"] == 1
    leftover = _files(media_root) - before
    assert leftover == {keep.original.name, keep.thumbnail.name, keep_face.crop.name}


def test_a_photo_is_claimed_once(user, faces_dir):
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    assert index_photo_now(photo.pk) is not None
    assert index_photo_now(photo.pk) is None  # a second delivery of the task does nothing
    assert photo.faces.count() == 1


def test_a_photo_handed_on_is_indexed_from_the_picture_photo_create_decoded(user, faces_dir, media_root):
    created = photo_create(user, (faces_dir / "group_kit_rose.jpg").read_bytes(), "g.jpg", then=After.INDEX_HERE)
    assert created.decoded.loaded.image.size == (501, 700)  # whole: under the engine's 1000 px
    (media_root / created.photo.original.name).unlink()  # so a read of the stored file would fail the photo
    services.photo_index_now(created.photo.pk, created.decoded)
    photo = Photo.objects.get(pk=created.photo.pk)
    assert photo.status == Photo.Status.INDEXED and photo.thumbnail and photo.faces.count() == 2


def test_a_photo_moved_or_hidden_while_it_is_indexed_stays_so(user, faces_dir):
    created = photo_create(user, (faces_dir / "joe_biden_2.jpg").read_bytes(), "j.jpg", then=After.INDEX_HERE)
    elsewhere = album_get_or_create(user, "Elsewhere")
    services.photos_move(user, [created.photo.pk], elsewhere)  # the indexing run holds the photo as it was
    Photo.objects.filter(pk=created.photo.pk).update(hidden=True)  # and a moderator hides it
    services.photo_index_now(created.photo.pk, created.decoded)
    photo = Photo.objects.get(pk=created.photo.pk)
    assert photo.status == Photo.Status.INDEXED and photo.album == elsewhere and photo.hidden


def test_an_item_never_stored_that_is_a_duplicate_is_still_stored_once(user, faces_dir, media_root):
    data = (faces_dir / "joe_biden_2.jpg").read_bytes()
    first = photo_create(user, data, "a.jpg", source=PhotoSource(source_id="17900001"), then=After.STORE)
    files = _files(media_root)
    new_post = PhotoSource(source_id="17900002", never_stored=True)
    same_bytes = photo_create(user, data, "b.jpg", source=new_post, then=After.STORE)
    same_post = PhotoSource(source_id="17900001", never_stored=True)
    same_id = photo_create(user, (faces_dir / "kit_harington_1.jpg").read_bytes(), "c.jpg", source=same_post)
    assert not same_bytes.created and not same_id.created
    assert same_bytes.photo == first.photo and same_id.photo == first.photo
    assert Photo.objects.filter(owner=user).count() == 1 and _files(media_root) == files  # no copy left behind
