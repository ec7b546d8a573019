"""One contract, every engine: the same tests against

- local: the local engine in this process (MemoryStore);
- rekognition-over-local-api: the Rekognition engine (boto3) over HTTP to the app's own
  Rekognition-compatible API on a real port, signed with a service key;
- aws: the Rekognition engine against real AWS, only when AWS credentials and a region are in
  the environment (skipped otherwise, with the reason in the test summary). It creates
  collections named faceapp-contract-* and deletes them afterwards.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image

from indexing.engine import errors
from indexing.engine.local import LocalEngine
from indexing.engine.rekognition import RekognitionEngine, make_client
from indexing.engine.store import MemoryStore
from tests import imagefiles

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NO_SUCH_FACE = "00000000-0000-4000-8000-000000000000"


def _real_aws_engine():
    import boto3

    session = boto3.session.Session()
    if session.get_credentials() is None or not session.region_name:
        pytest.skip(
            "real AWS: no AWS credentials and region in the environment (set AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION, or AWS_PROFILE, to run the contract on Rekognition)"
        )
    return RekognitionEngine(make_client(retry_mode="standard", max_attempts=3))


OVER_API = pytest.param("rekognition-over-local-api", marks=pytest.mark.django_db(transaction=True))


@pytest.fixture(params=["local", OVER_API, "aws"])
def engine(request):
    if request.param == "local":
        return LocalEngine(MemoryStore())
    if request.param == "rekognition-over-local-api":
        return request.getfixturevalue("engine_over_local_api")
    return _real_aws_engine()


@pytest.fixture
def collection(engine):
    """A new collection for the test, deleted afterwards."""
    collection_id = f"faceapp-contract-{uuid.uuid4().hex[:12]}"
    engine.create_collection(collection_id)
    yield collection_id
    try:
        engine.delete_collection(collection_id)
    except errors.ResourceNotFound:
        pass


def _index(engine, collection, faces_dir, *names) -> dict[str, list[dict]]:
    """{file name: its FaceRecords}, each photo indexed with its file name as external image id."""
    return {
        n: engine.index_faces(collection, (faces_dir / n).read_bytes(), external_image_id=n)["FaceRecords"]
        for n in names
    }


def _area(box: dict) -> float:
    return box["Width"] * box["Height"]


def _blank_png() -> bytes:
    return imagefiles.encode(Image.new("RGB", (200, 200), (120, 160, 200)), "PNG")


def test_a_collection_is_created_described_listed_and_deleted(engine):
    collection_id = f"faceapp-contract-{uuid.uuid4().hex[:12]}"
    created = engine.create_collection(collection_id)
    assert created["StatusCode"] == 200 and created["CollectionArn"].endswith(f"collection/{collection_id}")
    with pytest.raises(errors.ResourceAlreadyExists):
        engine.create_collection(collection_id)
    described = engine.describe_collection(collection_id)
    assert described["FaceCount"] == 0 and described["FaceModelVersion"]
    assert isinstance(described["CreationTimestamp"], float) and described["CreationTimestamp"] > 1.7e9
    listed, token = [], None
    while True:
        page = engine.list_collections(next_token=token, max_results=100)
        listed += page["CollectionIds"]
        assert len(page["FaceModelVersions"]) == len(page["CollectionIds"])
        token = page.get("NextToken")
        if not token:
            break
    assert collection_id in listed
    assert engine.delete_collection(collection_id)["StatusCode"] == 200
    with pytest.raises(errors.ResourceNotFound):
        engine.describe_collection(collection_id)
    with pytest.raises(errors.ResourceNotFound):
        engine.delete_collection(collection_id)
    with pytest.raises(errors.Validation):
        engine.create_collection("not a valid id!")


def test_index_faces_answers_every_face_largest_first_with_rekognitions_shapes(engine, collection, faces_dir):
    records = _index(engine, collection, faces_dir, "group_kit_rose.jpg")["group_kit_rose.jpg"]
    assert len(records) == 2
    assert _area(records[0]["Face"]["BoundingBox"]) > _area(records[1]["Face"]["BoundingBox"])
    for record in records:
        face = record["Face"]
        assert UUID.match(face["FaceId"]) and UUID.match(face["ImageId"])
        assert face["ExternalImageId"] == "group_kit_rose.jpg" and 0 < face["Confidence"] <= 100
        box = face["BoundingBox"]
        assert 0 <= box["Left"] < 1 and 0 <= box["Top"] < 1 and 0 < box["Width"] < 1 and 0 < box["Height"] < 1
        assert record["FaceDetail"]["BoundingBox"] == box
    one = engine.index_faces(collection, (faces_dir / "group_kit_rose.jpg").read_bytes(), max_faces=1)
    assert len(one["FaceRecords"]) == 1
    assert [u["Reasons"] for u in one["UnindexedFaces"]] == [["EXCEEDS_MAX_FACES"]]
    assert engine.describe_collection(collection)["FaceCount"] == 3
    with pytest.raises(errors.ResourceNotFound):
        engine.index_faces("faceapp-contract-missing", (faces_dir / "joe_biden_2.jpg").read_bytes())
    with pytest.raises(errors.InvalidImageFormat):
        engine.index_faces(collection, b"<html>not a photo</html>")


def test_list_faces_pages_through_every_face(engine, collection, faces_dir):
    _index(engine, collection, faces_dir, "barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg")
    first = engine.list_faces(collection, max_results=2)
    assert len(first["Faces"]) == 2 and first["NextToken"]
    rest = engine.list_faces(collection, next_token=first["NextToken"], max_results=2)
    assert len(rest["Faces"]) == 1 and not rest.get("NextToken")
    faces = first["Faces"] + rest["Faces"]
    assert len({f["FaceId"] for f in faces}) == 3
    assert {f["ExternalImageId"] for f in faces} == {"barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg"}


def test_search_faces_finds_the_same_person_and_not_itself(engine, collection, faces_dir):
    indexed = _index(engine, collection, faces_dir, "barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg")
    face_id = indexed["barack_obama_1.jpg"][0]["Face"]["FaceId"]
    answer = engine.search_faces(collection, face_id)
    assert answer["SearchedFaceId"] == face_id
    found = [m["Face"]["ExternalImageId"] for m in answer["FaceMatches"]]
    assert found == ["barack_obama_2.jpg"]
    assert all(80 <= m["Similarity"] <= 100 for m in answer["FaceMatches"])
    with pytest.raises((errors.InvalidParameter, errors.ResourceNotFound)):
        engine.search_faces(collection, NO_SUCH_FACE)


def test_search_faces_many_answers_each_face_as_search_faces_and_nothing_for_a_face_gone(engine, collection, faces_dir):
    indexed = _index(engine, collection, faces_dir, "group_kit_rose.jpg", "kit_harington_1.jpg", "rose_leslie_1.jpg")
    group = [r["Face"]["FaceId"] for r in indexed["group_kit_rose.jpg"]]
    gone = indexed["rose_leslie_1.jpg"][0]["Face"]["FaceId"]
    engine.delete_faces(collection, [gone])
    answers = engine.search_faces_many(collection, [*group, gone, NO_SUCH_FACE], 80, 10)
    one_by_one = [engine.search_faces(collection, i, 80, 10)["FaceMatches"] for i in group] + [[], []]
    assert [_lean(a) for a in answers] == [_lean(a) for a in one_by_one]
    kit = indexed["kit_harington_1.jpg"][0]["Face"]["FaceId"]
    assert {m["Face"]["FaceId"] for a in answers for m in a} == {kit}


def _lean(matches: list[dict]) -> list[tuple[str, float]]:
    return [(m["Face"]["FaceId"], m["Similarity"]) for m in matches]


def test_search_by_image_searches_its_largest_face(engine, collection, faces_dir):
    indexed = _index(engine, collection, faces_dir, "joe_biden_2.jpg", "group_kit_rose.jpg", "barack_obama_2.jpg")
    same = engine.search_faces_by_image(collection, (faces_dir / "joe_biden_2.jpg").read_bytes())
    assert same["FaceMatches"][0]["Face"]["ExternalImageId"] == "joe_biden_2.jpg"
    assert same["FaceMatches"][0]["Similarity"] > 99
    group = engine.search_faces_by_image(collection, (faces_dir / "group_kit_rose.jpg").read_bytes())
    largest = indexed["group_kit_rose.jpg"][0]["Face"]
    assert group["SearchedFaceBoundingBox"]["Left"] == pytest.approx(largest["BoundingBox"]["Left"], abs=0.03)
    assert group["FaceMatches"][0]["Face"]["FaceId"] == largest["FaceId"]
    with pytest.raises(errors.InvalidParameter):
        engine.search_faces_by_image(collection, _blank_png())
    with pytest.raises(errors.InvalidImageFormat):
        engine.search_faces_by_image(collection, b"GIF89a but not really")


def test_search_every_face_by_image_answers_each_face_with_its_own_matches(engine, collection, faces_dir):
    indexed = _index(engine, collection, faces_dir, "group_kit_rose.jpg", "kit_harington_1.jpg", "rose_leslie_1.jpg")
    answers = engine.search_every_face_by_image(collection, (faces_dir / "group_kit_rose.jpg").read_bytes())
    assert len(answers) == 2
    boxes = [a["SearchedFaceBoundingBox"] for a in answers]
    assert _area(boxes[0]) > _area(boxes[1])
    for answer, record in zip(answers, indexed["group_kit_rose.jpg"]):
        assert answer["SearchedFaceBoundingBox"]["Left"] == pytest.approx(
            record["Face"]["BoundingBox"]["Left"], abs=0.03
        )
    left, right = sorted(answers, key=lambda a: a["SearchedFaceBoundingBox"]["Left"])
    # The manifest: Rose Leslie on the left of the group photo, Kit Harington on the right.
    assert {m["Face"]["ExternalImageId"] for m in left["FaceMatches"]} == {"group_kit_rose.jpg", "rose_leslie_1.jpg"}
    assert {m["Face"]["ExternalImageId"] for m in right["FaceMatches"]} == {"group_kit_rose.jpg", "kit_harington_1.jpg"}
    assert engine.search_every_face_by_image(collection, _blank_png()) == []


def test_deleted_faces_are_gone_from_search_and_unknown_ids_are_reported(engine, collection, faces_dir):
    indexed = _index(engine, collection, faces_dir, "barack_obama_1.jpg", "barack_obama_2.jpg", "barack_obama_3.jpg")
    ids = {name: records[0]["Face"]["FaceId"] for name, records in indexed.items()}
    answer = engine.delete_faces(collection, [ids["barack_obama_2.jpg"], NO_SUCH_FACE])
    assert answer["DeletedFaces"] == [ids["barack_obama_2.jpg"]]
    assert [(u["FaceId"], u["Reasons"]) for u in answer["UnsuccessfulFaceDeletions"]] == [
        (NO_SUCH_FACE, ["FACE_NOT_FOUND"])
    ]
    matches = engine.search_faces(collection, ids["barack_obama_1.jpg"])["FaceMatches"]
    assert [m["Face"]["FaceId"] for m in matches] == [ids["barack_obama_3.jpg"]]
    assert engine.describe_collection(collection)["FaceCount"] == 2


@pytest.fixture(scope="module")
def awkward_photos(faces_dir) -> tuple[bytes, list[bytes]]:
    """One face as a plain PNG, then as files Rekognition refuses as they are: over 5 MB, WebP, and
    a phone's sideways JPEG with an EXIF orientation."""
    original = Image.open(faces_dir / "joe_biden_2.jpg").convert("RGB")
    big = original.resize((1600, 1600 * original.height // original.width))
    noisy = Image.blend(big, Image.effect_noise(big.size, 60).convert("RGB"), 0.15)
    out = io.BytesIO()
    noisy.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) > 5 * 1024 * 1024
    return imagefiles.encode(original, "PNG"), [
        out.getvalue(),
        imagefiles.encode(original, "WEBP", quality=90),
        imagefiles.rotated_with_exif(original),
    ]


def test_photos_rekognition_would_refuse_as_sent_are_indexed(engine, collection, awkward_photos):
    """One face each, boxed on the upright photo as in the plain PNG."""
    plain, variants = awkward_photos
    reference = engine.index_faces(collection, plain)["FaceRecords"][0]["Face"]
    for data in variants:
        records = engine.index_faces(collection, data)["FaceRecords"]
        assert len(records) == 1
        for side in ("Left", "Top", "Width"):
            assert records[0]["Face"]["BoundingBox"][side] == pytest.approx(reference["BoundingBox"][side], abs=0.03)
