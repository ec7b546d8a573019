"""The troubleshooting commands of Rekognition tagging apps, through the real AWS CLI (awscli from
PyPI) against the app's Rekognition-compatible API, with keys issued to users."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexing.face_index import collection_id_for
from indexing.models import EngineCollection
from indexing.rekognition_api.keys import key_issue
from tests.factories import PhotoFactory
from tests.indexing.conftest import REGION

pytestmark = pytest.mark.django_db(transaction=True)
AWS_CLI = Path(sys.executable).parent / "aws"


@pytest.fixture
def aws(rekognition_url, tmp_path):
    """aws(issued_key, *arguments) -> (exit code, parsed JSON or stderr text)."""

    def run(issued, *arguments):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": issued.key.access_key_id,
            "AWS_SECRET_ACCESS_KEY": issued.secret,
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        proc = subprocess.run(
            [
                sys.executable,
                str(AWS_CLI),
                "rekognition",
                *arguments,
                "--endpoint-url",
                rekognition_url,
                "--output",
                "json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return proc.returncode, (json.loads(proc.stdout or "{}") if proc.returncode == 0 else proc.stderr)

    return run


def test_the_aws_cli_lists_indexes_searches_and_deletes_with_a_users_key(aws, user, other_user, faces_dir):
    photos = [PhotoFactory(owner=user, file=n, indexed=True) for n in ("group_kit_rose.jpg", "kit_harington_3.jpg")]
    alice, bob = key_issue(user, "cli"), key_issue(other_user, "cli")
    own = collection_id_for(user)

    assert aws(alice, "list-collections")[1]["CollectionIds"] == [own]
    code, listed = aws(alice, "list-faces", "--collection-id", own)
    assert code == 0
    assert sorted(f["ExternalImageId"] for f in listed["Faces"]) == sorted(
        [photos[0].external_image_id] * 2 + [photos[1].external_image_id]
    )
    code, refused = aws(bob, "list-faces", "--collection-id", own)
    assert code == 255 and "AccessDeniedException" in refused

    code, found = aws(
        alice,
        "search-faces-by-image",
        "--collection-id",
        own,
        "--image-bytes",
        f"fileb://{faces_dir / 'kit_harington_1.jpg'}",
    )
    assert code == 0 and {m["Face"]["ExternalImageId"] for m in found["FaceMatches"]} == {
        p.external_image_id for p in photos
    }

    tagging = f"{own}-tagging"
    assert aws(alice, "create-collection", "--collection-id", tagging)[1]["StatusCode"] == 200
    code, indexed = aws(
        alice,
        "index-faces",
        "--collection-id",
        tagging,
        "--external-image-id",
        "group.jpg",
        "--image-bytes",
        f"fileb://{faces_dir / 'group_kit_rose.jpg'}",
    )
    assert code == 0 and len(indexed["FaceRecords"]) == 2
    assert aws(alice, "delete-collection", "--collection-id", tagging)[1]["StatusCode"] == 200
    assert not EngineCollection.objects.filter(collection_id=tagging).exists()


def test_the_aws_cli_compares_faces_and_detects_every_attribute(aws, user, faces_dir):
    alice = key_issue(user, "cli")
    code, compared = aws(
        alice,
        "compare-faces",
        "--source-image-bytes",
        f"fileb://{faces_dir / 'rose_leslie_1.jpg'}",
        "--target-image-bytes",
        f"fileb://{faces_dir / 'group_kit_rose.jpg'}",
        "--similarity-threshold",
        "80",
    )
    assert code == 0, compared
    assert [m["Face"]["BoundingBox"]["Left"] < 0.5 for m in compared["FaceMatches"]] == [True]  # Rose: on the left
    assert compared["FaceMatches"][0]["Similarity"] >= 80 and len(compared["UnmatchedFaces"]) == 1
    assert compared["SourceImageFace"]["Confidence"] >= 99

    code, detected = aws(
        alice, "detect-faces", "--image-bytes", f"fileb://{faces_dir / 'kit_harington_1.jpg'}", "--attributes", "ALL"
    )
    assert code == 0, detected
    (face,) = detected["FaceDetails"]
    assert len(face["Landmarks"]) == 30 and set(face["Pose"]) == {"Roll", "Yaw", "Pitch"}
