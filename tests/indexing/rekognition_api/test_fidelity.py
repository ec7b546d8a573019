"""What existing Rekognition apps rely on, over the wire: CompareFaces and DetectFaces ALL in
Rekognition's exact output shapes (every key path checked against botocore's model, on the raw
JSON), AWS's error codes and messages as boto3 reads them, ARNs in the signing region, SigV4
covering the operation, and the per-key ThrottlingException."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from indexing.face_index import collection_id_for
from indexing.rekognition_api.keys import key_issue
from indexing.rekognition_api.shapes import service_model
from tests.indexing.conftest import REGION, rekognition_client
from tests.indexing.rekognition_api.test_api import _raw_post

pytestmark = pytest.mark.django_db(transaction=True)
SCALARS = {
    "string": str,
    "float": (int, float),
    "double": (int, float),
    "integer": int,
    "long": int,
    "boolean": bool,
    "timestamp": (int, float),
}


@pytest.fixture
def alice_key(user):
    return key_issue(user, "fidelity")


def _off_model(value, shape, path: str = "") -> list[str]:
    """Every key path of `value` (raw JSON) that botocore's `shape` does not have, or of another type."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        problems = [f"{path}.{k}: not in {shape.name}" for k in value if k not in shape.members]
        for k, v in value.items():
            if k in shape.members:
                problems += _off_model(v, shape.members[k], f"{path}.{k}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [p for i, v in enumerate(value) for p in _off_model(v, shape.member, f"{path}[{i}]")]
    if kind == "string" and shape.enum and value not in shape.enum:
        return [f"{path}: {value!r} not in the enum of {shape.name}"]
    expected = SCALARS.get(kind)
    if expected and (not isinstance(value, expected) or isinstance(value, bool) != (kind == "boolean")):
        return [f"{path}: {type(value).__name__} where {shape.name} is a {kind}"]
    return []


def _key_paths(value, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in {f"{path}.{k}"} | _key_paths(v, f"{path}.{k}")}
    if isinstance(value, list):
        return {p for v in value for p in _key_paths(v, f"{path}[]")}
    return set()


def _b64(path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def test_compare_faces_and_detect_faces_all_answer_rekognitions_shapes(rekognition_url, alice_key, faces_dir):
    key_id, secret, now = alice_key.key.access_key_id, alice_key.secret, datetime.now(UTC)
    body = {
        "SourceImage": {"Bytes": _b64(faces_dir / "kit_harington_1.jpg")},
        "TargetImage": {"Bytes": _b64(faces_dir / "group_kit_rose.jpg")},
    }
    status, compared = _raw_post(
        rekognition_url, key_id, secret, now, json.dumps(body).encode(), target="RekognitionService.CompareFaces"
    )
    assert status == 200
    assert _off_model(compared, service_model().operation_model("CompareFaces").output_shape) == []
    assert len(compared["FaceMatches"]) == 1 and len(compared["UnmatchedFaces"]) == 1
    assert {
        ".FaceMatches[].Face.Pose.Yaw",
        ".FaceMatches[].Face.Quality.Brightness",
        ".FaceMatches[].Face.Landmarks[].Type",
        ".UnmatchedFaces[].Pose.Pitch",
        ".SourceImageFace.BoundingBox.Left",
        ".SourceImageFace.Confidence",
    } <= _key_paths(compared)

    body = {"Image": {"Bytes": _b64(faces_dir / "group_kit_rose.jpg")}, "Attributes": ["ALL"]}
    status, detected = _raw_post(
        rekognition_url, key_id, secret, now, json.dumps(body).encode(), target="RekognitionService.DetectFaces"
    )
    assert status == 200
    assert _off_model(detected, service_model().operation_model("DetectFaces").output_shape) == []
    landmark_types = service_model().shape_for("Landmark").members["Type"].enum
    for face in detected["FaceDetails"]:
        assert sorted(m["Type"] for m in face["Landmarks"]) == sorted(landmark_types)
        assert set(face["Pose"]) == {"Roll", "Yaw", "Pitch"} and set(face["Quality"]) == {"Brightness", "Sharpness"}
        assert face["Confidence"] >= 99


def test_boto3_reads_aws_error_codes_and_messages(rekognition_url, alice_key, user, faces_dir):
    rek = rekognition_client(rekognition_url, alice_key.key.access_key_id, alice_key.secret)
    own = collection_id_for(user)
    rek.create_collection(CollectionId=own)
    errors = {}
    for name, call in {
        "missing collection": lambda: rek.describe_collection(CollectionId=f"{own}-missing"),
        "no face": lambda: rek.search_faces_by_image(
            CollectionId=own, Image={"Bytes": _blank_png()}, QualityFilter="NONE"
        ),
        "compare, no face in the source": lambda: rek.compare_faces(
            SourceImage={"Bytes": _blank_png()}, TargetImage={"Bytes": (faces_dir / "kit_harington_1.jpg").read_bytes()}
        ),
    }.items():
        with pytest.raises(ClientError) as excinfo:
            call()
        errors[name] = (excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"])
    assert errors == {
        "missing collection": ("ResourceNotFoundException", f"The collection id: {own}-missing does not exist"),
        "no face": ("InvalidParameterException", "There are no faces in the image. Should be at least 1."),
        "compare, no face in the source": (
            "InvalidParameterException",
            "There are no faces in the source image. Should be at least 1.",
        ),
    }


def _blank_png() -> bytes:
    from PIL import Image

    from tests import imagefiles

    return imagefiles.encode(Image.new("RGB", (200, 200), (120, 160, 200)), "PNG")


def test_arns_name_the_region_that_signed_the_request(rekognition_url, alice_key, user):
    from indexing.engine.rekognition import make_client

    own = collection_id_for(user)
    for region in ("eu-west-3", REGION):
        rek = make_client(rekognition_url, region, alice_key.key.access_key_id, alice_key.secret, max_attempts=1)
        collection_id = f"{own}-{region}"
        arn = rek.create_collection(CollectionId=collection_id)["CollectionArn"]
        assert arn.startswith(f"arn:aws:rekognition:{region}:") and arn.endswith(f":collection/{collection_id}")
        assert rek.describe_collection(CollectionId=collection_id)["CollectionARN"] == arn


def test_a_captured_request_cannot_be_replayed_as_another_operation(rekognition_url, alice_key, user):
    key_id, secret, now = alice_key.key.access_key_id, alice_key.secret, datetime.now(UTC)
    own = collection_id_for(user)
    rek = rekognition_client(rekognition_url, key_id, secret)
    rek.create_collection(CollectionId=own)
    body = json.dumps({"CollectionId": own}).encode()
    describe = "RekognitionService.DescribeCollection"
    assert _raw_post(rekognition_url, key_id, secret, now, body, target=describe)[0] == 200
    replayed = _raw_post(
        rekognition_url, key_id, secret, now, body, target=describe, sent_target="RekognitionService.DeleteCollection"
    )
    assert replayed[0] == 403 and replayed[1]["__type"] == "InvalidSignatureException"
    for unsigned in ("x-amz-target", "content-type"):  # signed without them: refused before the signature
        status, doc = _raw_post(rekognition_url, key_id, secret, now, body, target=describe, unsigned=unsigned)
        assert (status, doc["__type"]) == (400, "IncompleteSignatureException") and unsigned in doc["message"]
    assert rek.describe_collection(CollectionId=own)["FaceCount"] == 0  # still there


def test_a_key_over_its_rate_limit_gets_throttling_exception(rekognition_url, user, other_user, settings):
    settings.RATE_LIMIT_REKOGNITION = "3/m"
    alice, bob = key_issue(user, "busy"), key_issue(other_user, "calm")
    rek = rekognition_client(rekognition_url, alice.key.access_key_id, alice.secret)
    assert rek.meta.config.retries["total_max_attempts"] == 1
    for _ in range(3):
        rek.list_collections()
    with pytest.raises(ClientError) as excinfo:
        rek.list_collections()
    assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    other = rekognition_client(rekognition_url, bob.key.access_key_id, bob.secret)
    assert other.list_collections()["CollectionIds"] == []  # the limit is per key
