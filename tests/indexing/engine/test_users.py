"""Rekognition's user operations: one contract suite for every engine that serves them.

`engine` is parametrised: the local engine on memory and on the app's database, and the
Rekognition engine (boto3) over HTTP to the app's own Rekognition-compatible API on a real port,
signed with a service key (as in test_contract.py).
"""

import pytest

from indexing.engine import errors
from indexing.engine.local import LocalEngine
from indexing.engine.store import MemoryStore
from tests.indexing.conftest import rekognition_client

PHOTOS = (
    "barack_obama_1.jpg",
    "barack_obama_2.jpg",
    "barack_obama_3.jpg",
    "joe_biden_2.jpg",
    "group_kit_rose.jpg",
    "kit_harington_1.jpg",
)


OVER_API = pytest.param("rekognition-over-local-api", marks=pytest.mark.django_db(transaction=True))


@pytest.fixture(params=["memory", pytest.param("database", marks=pytest.mark.django_db), OVER_API])
def engine(request):
    if request.param == "database":
        from indexing.face_index.store import DatabaseStore

        return LocalEngine(DatabaseStore())
    if request.param == "rekognition-over-local-api":
        return request.getfixturevalue("engine_over_local_api")
    return LocalEngine(MemoryStore())


@pytest.fixture
def faces(engine, faces_dir):
    """The collection "c" with PHOTOS indexed: {file name: [face ids, largest first]}."""
    engine.create_collection("c")
    return {
        name: [
            r["Face"]["FaceId"]
            for r in engine.index_faces("c", (faces_dir / name).read_bytes(), external_image_id=name)["FaceRecords"]
        ]
        for name in PHOTOS
    }


def _users(engine):
    return [(u["UserId"], u["UserStatus"]) for u in engine.list_users("c")["Users"]]


def test_users_are_created_listed_in_pages_and_deleted(engine, faces):
    for user_id in ("u3", "u1", "u2"):
        assert engine.create_user("c", user_id) == {}
    assert _users(engine) == [("u1", "CREATED"), ("u2", "CREATED"), ("u3", "CREATED")]
    first = engine.list_users("c", max_results=2)
    assert [u["UserId"] for u in first["Users"]] == ["u1", "u2"]
    rest = engine.list_users("c", next_token=first["NextToken"], max_results=2)
    assert [u["UserId"] for u in rest["Users"]] == ["u3"] and "NextToken" not in rest
    assert engine.describe_collection("c")["UserCount"] == 3
    assert engine.delete_user("c", "u2") == {}
    assert [u for u, _ in _users(engine)] == ["u1", "u3"]
    with pytest.raises(errors.ResourceNotFound):
        engine.delete_user("c", "u2")


def test_create_user_refuses_a_duplicate_but_accepts_a_retry_with_its_token(engine, faces):
    engine.create_user("c", "jane", client_request_token="req-1")
    assert engine.create_user("c", "jane", client_request_token="req-1") == {}
    with pytest.raises(errors.Conflict):
        engine.create_user("c", "jane")
    with pytest.raises(errors.Conflict):
        engine.create_user("c", "jane", client_request_token="req-2")
    with pytest.raises(errors.Validation):
        engine.create_user("c", "bad user!")
    with pytest.raises(errors.ResourceNotFound):
        engine.create_user("missing", "jane")


def test_associate_takes_faces_that_match_and_reports_the_others(engine, faces):
    obama = [faces[n][0] for n in PHOTOS[:3]]
    biden = faces["joe_biden_2.jpg"][0]
    missing = "00000000-0000-0000-0000-000000000000"
    engine.create_user("c", "obama")
    answer = engine.associate_faces("c", "obama", obama[:1])
    assert answer["AssociatedFaces"] == [{"FaceId": obama[0]}] and answer["UserStatus"] == "ACTIVE"
    answer = engine.associate_faces("c", "obama", [obama[1], obama[2], biden, missing])
    assert {f["FaceId"] for f in answer["AssociatedFaces"]} == set(obama[1:])
    failed = {f["FaceId"]: f for f in answer["UnsuccessfulFaceAssociations"]}
    assert failed[missing]["Reasons"] == ["FACE_NOT_FOUND"]
    assert failed[biden]["Reasons"] == ["LOW_MATCH_CONFIDENCE"] and failed[biden]["Confidence"] < 75
    # the user's own face again is fine; a face of another user is refused
    assert engine.associate_faces("c", "obama", obama[:1])["AssociatedFaces"] == [{"FaceId": obama[0]}]
    engine.create_user("c", "someone")
    refused = engine.associate_faces("c", "someone", obama[:1])["UnsuccessfulFaceAssociations"][0]
    assert refused["Reasons"] == ["ASSOCIATED_TO_A_DIFFERENT_USER"] and refused["UserId"] == "obama"
    # a forced association (threshold 0) takes any face
    assert engine.associate_faces("c", "obama", [biden], user_match_threshold=0)["AssociatedFaces"]
    with pytest.raises(errors.ResourceNotFound):
        engine.associate_faces("c", "nobody", obama[:1])
    with pytest.raises(errors.Validation):
        engine.associate_faces("c", "obama", [])


def test_disassociate_frees_faces_for_another_user(engine, faces):
    kit = faces["kit_harington_1.jpg"][0]
    engine.create_user("c", "kit")
    engine.create_user("c", "other")
    engine.associate_faces("c", "kit", [kit])
    refused = engine.disassociate_faces("c", "other", [kit])["UnsuccessfulFaceDisassociations"][0]
    assert refused["Reasons"] == ["ASSOCIATED_TO_A_DIFFERENT_USER"]
    answer = engine.disassociate_faces("c", "kit", [kit])
    assert answer == {
        "DisassociatedFaces": [{"FaceId": kit}],
        "UnsuccessfulFaceDisassociations": [],
        "UserStatus": "CREATED",
    }
    assert engine.associate_faces("c", "other", [kit])["AssociatedFaces"] == [{"FaceId": kit}]


def _named(engine, faces):
    """Users obama (two photos), kit (his face in the group photo) and biden."""
    engine.create_user("c", "obama")
    engine.associate_faces("c", "obama", [faces["barack_obama_1.jpg"][0], faces["barack_obama_2.jpg"][0]])
    kit_in_group = _face_of(engine, faces, "group_kit_rose.jpg", right=True)
    engine.create_user("c", "kit")
    engine.associate_faces("c", "kit", [kit_in_group])
    engine.create_user("c", "biden")
    engine.associate_faces("c", "biden", faces["joe_biden_2.jpg"])


def _face_of(engine, faces, name, right):
    listed = {f["FaceId"]: f for f in engine.list_faces("c")["Faces"]}
    ordered = sorted(faces[name], key=lambda i: listed[i]["BoundingBox"]["Left"])
    return ordered[-1] if right else ordered[0]


def test_search_users_by_face_and_by_user_finds_who_it_is(engine, faces):
    _named(engine, faces)
    answer = engine.search_users("c", face_id=faces["barack_obama_3.jpg"][0])
    assert [m["User"]["UserId"] for m in answer["UserMatches"]] == ["obama"]
    assert answer["SearchedFace"] == {"FaceId": faces["barack_obama_3.jpg"][0]}
    assert answer["UserMatches"][0]["Similarity"] >= 80 and answer["UserMatches"][0]["User"]["UserStatus"] == "ACTIVE"
    kit = engine.search_users("c", face_id=faces["kit_harington_1.jpg"][0], user_match_threshold=80)
    assert [m["User"]["UserId"] for m in kit["UserMatches"]] == ["kit"]
    everyone = engine.search_users("c", user_id="obama", user_match_threshold=0)
    assert everyone["SearchedUser"] == {"UserId": "obama"}
    assert {m["User"]["UserId"] for m in everyone["UserMatches"]} == {"kit", "biden"}
    assert all(m["Similarity"] < 80 for m in everyone["UserMatches"])
    with pytest.raises(errors.InvalidParameter):
        engine.search_users("c")
    with pytest.raises(errors.InvalidParameter):
        engine.search_users("c", user_id="obama", face_id=faces["barack_obama_3.jpg"][0])
    with pytest.raises(errors.ResourceNotFound):
        engine.search_users("c", user_id="nobody")


def test_search_users_by_image_searches_the_largest_face(engine, faces, faces_dir):
    _named(engine, faces)
    answer = engine.search_users_by_image("c", (faces_dir / "kit_harington_3.jpg").read_bytes())
    assert [m["User"]["UserId"] for m in answer["UserMatches"]] == ["kit"]
    assert answer["SearchedFace"]["FaceDetail"]["BoundingBox"]["Width"] > 0 and answer["UnsearchedFaces"] == []
    group = engine.search_users_by_image("c", (faces_dir / "group_obama_biden_2.jpg").read_bytes())
    assert len(group["UserMatches"]) == 1 and group["UnsearchedFaces"][0]["Reasons"] == ["FACE_NOT_LARGEST"]
    with pytest.raises(errors.InvalidImageFormat):
        engine.search_users_by_image("c", b"not an image")


def test_a_deleted_face_leaves_its_user(engine, faces):
    obama = faces["barack_obama_1.jpg"][0]
    engine.create_user("c", "obama")
    engine.associate_faces("c", "obama", [obama])
    engine.delete_faces("c", [obama])
    assert _users(engine) == [("obama", "CREATED")]
    assert engine.search_users("c", face_id=faces["barack_obama_2.jpg"][0])["UserMatches"] == []


def test_face_similarities_pair_the_same_person_only(engine, faces):
    ids = [faces[n][0] for n in PHOTOS[:4]]
    pairs = engine.face_similarities("c", ids, 80)
    assert set(pairs[ids[0]]) == {ids[1], ids[2]} and pairs[ids[3]] == {}
    assert pairs[ids[0]][ids[1]] == pairs[ids[1]][ids[0]] >= 80


def test_face_neighbours_are_the_k_most_similar_above_the_threshold(engine, faces):
    ids = [faces[n][0] for n in PHOTOS[:4]]
    everyone = engine.face_neighbours("c", ids, 80, k=5)
    assert everyone == engine.face_similarities("c", ids, 80)  # k covers every neighbour
    nearest = engine.face_neighbours("c", ids, 80, k=1)
    assert len(nearest[ids[0]]) == 1 and nearest[ids[3]] == {}
    best = max(everyone[ids[0]], key=everyone[ids[0]].get)
    assert nearest[ids[0]] == {best: everyone[ids[0]][best]}


def test_a_user_holds_at_most_100_faces(faces_dir):
    engine = LocalEngine(MemoryStore())
    engine.create_collection("c")
    data = (faces_dir / "barack_obama_5_small.jpg").read_bytes()  # each indexing makes a new face id
    ids = [engine.index_faces("c", data)["FaceRecords"][0]["Face"]["FaceId"] for _ in range(101)]
    engine.create_user("c", "obama")
    assert len(engine.associate_faces("c", "obama", ids[:100])["AssociatedFaces"]) == 100
    with pytest.raises(errors.ServiceQuotaExceeded):
        engine.associate_faces("c", "obama", ids[100:])


@pytest.mark.django_db(transaction=True)
def test_a_key_may_not_create_a_user_in_another_users_collection(rekognition_url, user, other_user, faces_dir):
    from indexing.face_index import collection_id_for
    from indexing.rekognition_api.keys import key_issue

    alice, bob = key_issue(user), key_issue(other_user)
    alice_own, bob_own = collection_id_for(user), collection_id_for(other_user)
    bobs = rekognition_client(rekognition_url, bob.key.access_key_id, bob.secret)
    bobs.create_collection(CollectionId=bob_own)
    alices = rekognition_client(rekognition_url, alice.key.access_key_id, alice.secret)
    with pytest.raises(alices.exceptions.AccessDeniedException):
        alices.create_user(CollectionId=bob_own, UserId="intruder")
    assert bobs.list_users(CollectionId=bob_own)["Users"] == []
    # her own collection takes users, and ListFaces by UserId answers the user's faces
    alices.create_collection(CollectionId=alice_own)
    alices.create_user(CollectionId=alice_own, UserId="jane")
    face_id = alices.index_faces(CollectionId=alice_own, Image={"Bytes": (faces_dir / "joe_biden_2.jpg").read_bytes()})[
        "FaceRecords"
    ][0]["Face"]["FaceId"]
    assert alices.list_faces(CollectionId=alice_own, UserId="jane")["Faces"] == []
    alices.associate_faces(CollectionId=alice_own, UserId="jane", FaceIds=[face_id])
    assert [f["FaceId"] for f in alices.list_faces(CollectionId=alice_own, UserId="jane")["Faces"]] == [face_id]
    assert alices.list_users(CollectionId=alice_own)["Users"] == [{"UserId": "jane", "UserStatus": "ACTIVE"}]
