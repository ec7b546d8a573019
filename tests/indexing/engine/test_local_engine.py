"""The local engine alone (no Django): Rekognition's collection operations on real photos."""

import pytest

from indexing.engine import errors
from indexing.engine.local import LocalEngine
from indexing.engine.store import MemoryStore


@pytest.fixture(scope="module")
def indexed(faces_manifest):
    """One collection holding every shared photo; {file name: [labelled face ids left to right]}.

    The manifest names the largest faces of each photo, left to right; a photo may hold more
    (group_biden_obama_1 has a child in the corner), and those are indexed too but unlabelled.
    """
    from tests.conftest import FACES

    engine = LocalEngine(MemoryStore())
    engine.create_collection("people")
    faces_of = {}
    for path in sorted(FACES.iterdir()):
        if path.suffix.lower() not in (".jpg", ".png"):
            continue
        answer = engine.index_faces("people", path.read_bytes(), external_image_id=path.name)
        labelled = answer["FaceRecords"][: len(faces_manifest[path.name])]  # largest first
        records = sorted(labelled, key=lambda r: r["Face"]["BoundingBox"]["Left"])
        faces_of[path.name] = [r["Face"]["FaceId"] for r in records]
        assert len(answer["FaceRecords"]) >= len(faces_manifest[path.name]), path.name
    return engine, faces_of


def test_every_face_of_the_manifest_is_indexed(indexed, faces_manifest):
    engine, faces_of = indexed
    assert {name: len(ids) for name, ids in faces_of.items()} == {
        name: len(people) for name, people in faces_manifest.items()
    }
    assert engine.describe_collection("people")["FaceCount"] >= sum(len(p) for p in faces_manifest.values())


def test_search_by_face_finds_the_same_person_and_nobody_else(indexed, faces_manifest):
    engine, faces_of = indexed
    person_of_face = {fid: faces_manifest[name][i] for name, ids in faces_of.items() for i, fid in enumerate(ids)}
    for face_id, person in person_of_face.items():
        answer = engine.search_faces("people", face_id)
        found = {m["Face"]["FaceId"] for m in answer["FaceMatches"]}
        expected = {f for f, p in person_of_face.items() if p == person and f != face_id}
        assert found & set(person_of_face) == expected, person
        sims = [m["Similarity"] for m in answer["FaceMatches"]]
        assert sims == sorted(sims, reverse=True) and all(80 <= s <= 100 for s in sims)


def test_search_by_image_answers_every_face_largest_first(indexed, faces_dir):
    engine, faces_of = indexed
    answers = engine.search_every_face_by_image("people", (faces_dir / "group_kit_rose.jpg").read_bytes())
    assert len(answers) == 2
    sizes = [a["SearchedFaceBoundingBox"]["Width"] * a["SearchedFaceBoundingBox"]["Height"] for a in answers]
    assert sizes == sorted(sizes, reverse=True)
    for a in answers:  # each face finds itself in the group photo, plus the person's other photos
        ext = {m["Face"]["ExternalImageId"] for m in a["FaceMatches"]}
        assert "group_kit_rose.jpg" in ext and len(ext) >= 2
    single = engine.search_faces_by_image("people", (faces_dir / "joe_biden_2.jpg").read_bytes())
    assert single["FaceMatches"][0]["Face"]["ExternalImageId"] == "joe_biden_2.jpg"
    assert single["FaceMatches"][0]["Similarity"] > 99


def test_collections_list_page_and_refuse_duplicates():
    engine = LocalEngine(MemoryStore())
    for i in range(5):
        engine.create_collection(f"c{i}")
    with pytest.raises(errors.ResourceAlreadyExists):
        engine.create_collection("c1")
    first = engine.list_collections(max_results=2)
    assert first["CollectionIds"] == ["c0", "c1"] and first["FaceModelVersions"] == [engine.version] * 2
    rest = engine.list_collections(next_token=first["NextToken"], max_results=10)
    assert rest["CollectionIds"] == ["c2", "c3", "c4"] and "NextToken" not in rest
    engine.delete_collection("c0")
    with pytest.raises(errors.ResourceNotFound):
        engine.describe_collection("c0")
    with pytest.raises(errors.Validation):
        engine.create_collection("bad name!")
    with pytest.raises(errors.InvalidPaginationToken):
        engine.list_collections(next_token="%%%")


def test_list_faces_pages_and_delete_faces_removes_them_from_search(faces_dir):
    engine = LocalEngine(MemoryStore())
    engine.create_collection("c")
    for name in ("barack_obama_1.jpg", "barack_obama_2.jpg", "barack_obama_3.jpg"):
        engine.index_faces("c", (faces_dir / name).read_bytes(), external_image_id=name)
    page = engine.list_faces("c", max_results=2)
    rest = engine.list_faces("c", next_token=page["NextToken"], max_results=2)
    ids = [f["FaceId"] for f in page["Faces"] + rest["Faces"]]
    assert len(ids) == len(set(ids)) == 3 and "NextToken" not in rest
    answer = engine.delete_faces("c", [ids[0], "00000000-0000-0000-0000-000000000000"])
    assert answer["DeletedFaces"] == [ids[0]]
    assert answer["UnsuccessfulFaceDeletions"][0]["Reasons"] == ["FACE_NOT_FOUND"]
    matches = engine.search_faces("c", ids[1])["FaceMatches"]
    assert [m["Face"]["FaceId"] for m in matches] == [ids[2]]


def test_max_faces_and_bad_images_are_reported(faces_dir):
    engine = LocalEngine(MemoryStore())
    engine.create_collection("c")
    answer = engine.index_faces("c", (faces_dir / "group_kit_rose.jpg").read_bytes(), max_faces=1)
    assert len(answer["FaceRecords"]) == 1
    assert answer["UnindexedFaces"][0]["Reasons"] == ["EXCEEDS_MAX_FACES"]
    with pytest.raises(errors.InvalidImageFormat):
        engine.index_faces("c", b"<html>not a photo</html>")
    with pytest.raises(errors.ResourceNotFound):
        engine.index_faces("missing", (faces_dir / "joe_biden_2.jpg").read_bytes())
    with pytest.raises(errors.InvalidParameter):
        engine.search_faces_by_image("c", _blank_png())


def test_a_collection_of_another_model_is_refused(faces_dir):
    store = MemoryStore()
    LocalEngine(store, model="dlib").create_collection("old")
    with pytest.raises(errors.InvalidParameter, match="Re-index"):
        LocalEngine(store, model="arcface").search_faces_by_image("old", (faces_dir / "joe_biden_2.jpg").read_bytes())


def _blank_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 200), (120, 160, 200)).save(out, "PNG")
    return out.getvalue()


def test_indexing_a_picture_decoded_by_the_caller_finds_what_indexing_the_bytes_finds(faces_dir):
    from indexing.engine import images

    engine = LocalEngine(MemoryStore())
    engine.create_collection("c")
    data = (faces_dir / "group_biden_obama_1.jpg").read_bytes()
    from_bytes = engine.index_faces("c", data)["FaceRecords"]
    decoded = engine.index_faces_decoded("c", data, images.load_image(data), external_image_id="x")["FaceRecords"]
    assert [r["Face"]["BoundingBox"] for r in decoded] == [r["Face"]["BoundingBox"] for r in from_bytes]
    assert all(r["Face"]["ExternalImageId"] == "x" for r in decoded) and len(decoded) >= 3
