"""Importing data downloads into the Instagram album: dates, captions, no duplicates, consent, uploads."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from indexing.models import (
    Album,
    InstagramExportItem,
    InstagramImport,
    InstagramUpload,
    Photo,
)

from .exports import build_export

pytestmark = pytest.mark.django_db
POSTS = [
    (1704067200, "Café ☀", ["kit_harington_1.jpg"]),
    (1704153600, "Carousel", ["group_kit_rose.jpg", "rose_leslie_1.jpg"]),
]


def run_command(paths, user="alice"):
    call_command("import_instagram_export", *map(str, paths), "--user", user, "--index-here")
    return InstagramImport.objects.first()


def test_the_command_imports_both_layouts_once_with_dates_captions_and_faces(tmp_path, user, faces_manifest):
    old = build_export(tmp_path / "old.zip", POSTS, "old", stories=[(1706745600, "rose_leslie_2.jpg")])
    run = run_command([old])
    assert run.state == InstagramImport.State.DONE
    photos = Photo.objects.filter(owner=user)
    assert photos.count() == 4 and {p.album.title for p in photos} == {"Instagram"}
    assert Album.objects.get(owner=user).source == Album.Source.INSTAGRAM
    assert all(p.status == Photo.Status.INDEXED for p in photos)
    first = InstagramExportItem.objects.get(uri__contains="kit_harington_1")
    assert first.caption == "Café ☀" and first.photo.taken_at.timestamp() == 1704067200
    assert first.photo.faces.count() == len(faces_manifest["kit_harington_1.jpg"])

    # the same export again, then a later one in the new layout that overlaps it: nothing twice
    run_command([old])
    assert InstagramImport.objects.first().already_imported == 4 and photos.all().count() == 4
    later = POSTS + [(1709251200, "New one", ["kit_harington_3.jpg"])]
    run_command([build_export(tmp_path / "new.zip", later, "new")])
    assert photos.all().count() == 5 and InstagramExportItem.objects.count() == 5


def test_the_same_photo_under_another_name_is_one_photo(tmp_path, user):
    run_command([build_export(tmp_path / "a.zip", [(1, "a", ["kit_harington_1.jpg"])])])
    run_command([build_export(tmp_path / "b.zip", [(2, "b", ["kit_harington_1.jpg"])])])  # other uri, same bytes
    assert Photo.objects.filter(owner=user).count() == 1


def test_with_face_indexing_off_photos_are_imported_but_not_indexed(tmp_path, django_user_model):
    django_user_model.objects.create_user("carol", password="pw-carol-123")
    run = run_command([build_export(tmp_path / "x.zip", POSTS)], user="carol")
    assert run.state == InstagramImport.State.DONE and "Face indexing is off" in run.message
    assert set(Photo.objects.values_list("status", flat=True)) == {Photo.Status.PENDING}
    assert not Photo.objects.filter(faces__isnull=False).exists()


def test_a_refused_export_fails_with_its_reason(tmp_path, user, settings):
    settings.INSTAGRAM_EXPORT_MAX_ENTRIES = 2
    with pytest.raises(Exception, match="entries"):
        run_command([build_export(tmp_path / "x.zip", POSTS)])
    assert InstagramImport.objects.get().state == InstagramImport.State.FAILED and not Photo.objects.exists()


def test_a_chunked_upload_resumes_and_starts_an_import(tmp_path, client, user, other_user, settings):
    settings.INSTAGRAM_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.INSTAGRAM_UPLOAD_CHUNK_BYTES = 64 * 1024
    settings.INSTAGRAM_QUEUE = "instagram-upload-idle"  # the import task waits; this test looks at the upload
    data = build_export(tmp_path / "export.zip", POSTS).read_bytes()
    client.force_login(user)
    start = client.post(
        reverse("instagram_upload_start"), {"name": "export.zip", "size": len(data)}, content_type="application/json"
    ).json()
    assert start["received"] == 0 and start["chunk_bytes"] == 64 * 1024
    url, step = start["url"], start["chunk_bytes"]
    put = client.put(f"{url}?offset=0", data[:step], content_type="application/octet-stream")
    assert put.json()["received"] == step
    # the connection dropped; the page reloads: the same name and size find the upload, and where it stands
    again = client.post(
        reverse("instagram_upload_start"), {"name": "export.zip", "size": len(data)}, content_type="application/json"
    ).json()
    assert again["key"] == start["key"] and again["received"] == step
    stale = client.put(f"{url}?offset=0", data[:step], content_type="application/octet-stream")
    assert stale.status_code == 409 and stale.json()["received"] == step
    early = client.post(reverse("instagram_import_start"), {"uploads": [start["key"]]}, content_type="application/json")
    assert early.status_code == 400 and "Not fully uploaded" in early.json()["error"]
    for offset in range(step, len(data), step):
        client.put(f"{url}?offset={offset}", data[offset : offset + step], content_type="application/octet-stream")
    upload = InstagramUpload.objects.get()
    assert upload.received == len(data) and open(upload.path, "rb").read() == data

    client.force_login(other_user)  # another user sees nothing of it
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("instagram_import_start"), {"uploads": [start["key"]]}, content_type="application/json"
        ).status_code
        == 400
    )
    client.force_login(user)
    started = client.post(
        reverse("instagram_import_start"), {"uploads": [start["key"]]}, content_type="application/json"
    ).json()
    run = InstagramImport.objects.get(pk=started["id"])
    assert run.uploaded and run.files == [upload.path] and run.state == InstagramImport.State.QUEUED
    assert client.get(started["status_url"]).json()["state"] == "queued"
    assert client.put(f"{url}?offset=0", b"x", content_type="application/octet-stream").status_code == 404  # used


def test_only_zip_files_within_the_size_limit_are_accepted(client, user, settings):
    settings.INSTAGRAM_UPLOAD_MAX_BYTES = 1000
    client.force_login(user)
    for name, size in (("photo.jpg", 10), ("export.zip", 1001), ("export.zip", 0)):
        answer = client.post(
            reverse("instagram_upload_start"), {"name": name, "size": size}, content_type="application/json"
        )
        assert answer.status_code == 400
