"""index_photos and search_faces, as a script would run them."""

import json
import re

import pytest
from django.core.management import call_command

from indexing.models import Face, Photo

pytestmark = pytest.mark.django_db


def _index(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("index_photos", *args, stdout=out)
        code = 0
    except SystemExit as e:
        code = e.code
    return code, out.getvalue()


def _search(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("search_faces", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_index_the_shared_folder_then_search_finds_each_persons_photos(faces_dir, faces_manifest):
    code, out = _index(str(faces_dir), "--user", "demo", "--create-user")  # creating the account records consent
    assert code == 0, out
    faces = int(re.search(r"(\d+) faces", out).group(1))
    assert "22 photos indexed" in out and faces >= sum(len(p) for p in faces_manifest.values())
    assert Photo.objects.filter(status=Photo.Status.INDEXED).count() == 22
    queries = ["barack_obama_2.jpg", "kit_harington_3.jpg", "group_kit_rose.jpg"]
    doc = _search(*[str(faces_dir / q) for q in queries], "--user", "demo")
    assert [r["image"].rsplit("/", 1)[-1] for r in doc["results"]] == queries
    for result in doc["results"]:
        name = result["image"].rsplit("/", 1)[-1]
        people = faces_manifest[name]
        assert len(result["faces"]) == len(people)
        lefts = [f["box"]["Left"] for f in result["faces"]]
        assert lefts == sorted(lefts)
        for face, person in zip(result["faces"], people, strict=True):
            sims = [m["similarity"] for m in face["matches"]]
            assert sims == sorted(sims, reverse=True)
            files = [m["file_name"] for m in face["matches"]]
            assert files[0] == name  # the photo itself is in the collection
            expected = {f for f, ps in faces_manifest.items() if person in ps}
            assert set(files) == expected


def test_bad_files_are_reported_and_the_rest_of_the_batch_goes_on(tmp_path, faces_dir):
    (tmp_path / "good.jpg").write_bytes((faces_dir / "joe_biden_2.jpg").read_bytes())
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "page.jpg").write_bytes(b"<html>hi</html>")
    (tmp_path / "cut.jpg").write_bytes((faces_dir / "kit_harington_1.jpg").read_bytes()[:5000])
    code, out = _index(str(tmp_path), "--user", "carol", "--create-user", "--enable-face-indexing", "--album", "Mixed")
    assert code == 1
    assert "4 files, 1 photos indexed, 1 faces" in out and "3 failed" in out
    assert "empty.jpg: The file is empty" in out
    assert "page.jpg: This file is not an image" in out and "cut.jpg: The image is damaged" in out
    assert Photo.objects.count() == 1 and Face.objects.count() == 1


def test_a_photo_without_faces_is_indexed_and_said_so(tmp_path):
    from PIL import Image

    Image.new("RGB", (300, 200), (30, 120, 40)).save(tmp_path / "lawn.png")
    code, out = _index(str(tmp_path / "lawn.png"), "--user", "dan", "--create-user", "--enable-face-indexing")
    assert code == 0 and "no face found in lawn.png" in out


def test_search_needs_an_existing_user(faces_dir):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("search_faces", str(faces_dir / "joe_biden_2.jpg"), "--user", "nobody")


def test_an_existing_account_without_consent_is_refused_until_it_is_recorded(django_user_model, faces_dir):
    from django.core.management.base import CommandError

    django_user_model.objects.create_user(username="erin")
    with pytest.raises(CommandError, match="Face indexing is off"):
        _index(str(faces_dir / "joe_biden_2.jpg"), "--user", "erin")
    assert Photo.objects.count() == 0
    code, out = _index(str(faces_dir / "joe_biden_2.jpg"), "--user", "erin", "--enable-face-indexing")
    assert code == 0 and "1 photos indexed" in out


def test_index_photos_works_offline_with_no_broker_running(tmp_path, faces_dir, fresh_database_url):
    """In-process indexing (what face_eval and a laptop without `make run` use) needs no Redis."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = dict(
        os.environ,
        REDIS_URL="redis://127.0.0.1:9/0",
        DATABASE_URL=fresh_database_url,  # a new database of the run's kind: migrate creates its tables
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    photos = [str(faces_dir / n) for n in ("group_kit_rose.jpg", "kit_harington_1.jpg")]
    done = subprocess.run(
        [*run, "index_photos", *photos, "--user", "fay", "--create-user"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 photos indexed, 3 faces, 0 failed" in done.stdout
