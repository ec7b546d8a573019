"""The operations of the API: Rekognition's parameters and answers, on the local engine.

Which collections a key reaches: a service key, every one. An owner key, its owner's only: the
app's collection of the owner, `collection_id_for(owner)` (faceapp-user-7), and collections named
`<that id>-<anything>` (faceapp-user-7-tagging), which the key may create and delete. Any other
collection id is refused with AccessDeniedException, whether it exists or not.
"""

from __future__ import annotations

from ..account.services import FaceIndexingOff, indexing_allowed
from ..engine.base import DEFAULT_ASSOCIATE_THRESHOLD, DEFAULT_USER_MATCH_THRESHOLD
from ..engine.errors import AccessDenied, InvalidParameter, InvalidS3Object
from ..engine.paging import decode_token, encode_token
from ..face_index import collection_id_for, local_collections_named
from .models import ApiAccessKey


def owns(key: ApiAccessKey, collection_id: str) -> bool:
    if key.scope == ApiAccessKey.Scope.SERVICE:
        return True
    own = collection_id_for(key.owner)
    return collection_id == own or collection_id.startswith(own + "-")


def _collection(key: ApiAccessKey, params: dict) -> str:
    collection_id = params["CollectionId"]
    if not owns(key, collection_id):
        own = collection_id_for(key.owner)
        raise AccessDenied(
            f"The access key {key.access_key_id} may not use collection {collection_id}; "
            f"its collections are {own} and {own}-<name>."
        )
    return collection_id


def _image(params: dict, name: str = "Image") -> bytes:
    image = params[name]
    if "Bytes" in image:
        return image["Bytes"]
    if "S3Object" in image:
        raise InvalidS3Object("This server reads images from Image.Bytes only, not from S3.")
    raise InvalidParameter("Requested image should contain either bytes or an S3 object.")


def create_collection(engine, key, p):
    return engine.create_collection(_collection(key, p))


def delete_collection(engine, key, p):
    return engine.delete_collection(_collection(key, p))


def describe_collection(engine, key, p):
    return engine.describe_collection(_collection(key, p))


def list_collections(engine, key, p):
    if key.scope == ApiAccessKey.Scope.SERVICE:
        return engine.list_collections(p.get("NextToken"), p.get("MaxResults"))
    limit = p.get("MaxResults") or 1000
    after = decode_token(p.get("NextToken"))
    # the prefix matches case-insensitively on SQLite: owns() decides, case-sensitively as Rekognition.
    rows = local_collections_named(collection_id_for(key.owner))
    owned = [(c, m) for c, m in rows if owns(key, c) and (after is None or c > after)]
    answer = {"CollectionIds": [c for c, _ in owned[:limit]], "FaceModelVersions": [m for _, m in owned[:limit]]}
    if len(owned) > limit:
        answer["NextToken"] = encode_token(owned[limit - 1][0])
    return answer


def index_faces(engine, key, p):
    return engine.index_faces(
        _collection(key, p),
        _image(p),
        external_image_id=p.get("ExternalImageId"),
        max_faces=p.get("MaxFaces", 100),
        quality_filter=p.get("QualityFilter", "AUTO"),
        detection_attributes=p.get("DetectionAttributes"),
    )


def list_faces(engine, key, p):
    collection_id = _collection(key, p)
    if "FaceIds" in p:
        engine.describe_collection(collection_id)  # ResourceNotFound first, as Rekognition
        found = engine.store.get_faces(collection_id, p["FaceIds"])
        return {"Faces": engine.faces_of(collection_id, found), "FaceModelVersion": engine.version}
    if "UserId" in p:
        engine.describe_collection(collection_id)
        mine = [f for f, u in engine.users.face_users(collection_id).items() if u == p["UserId"]]
        found = engine.store.get_faces(collection_id, mine)
        return {"Faces": engine.faces_of(collection_id, found), "FaceModelVersion": engine.version}
    return engine.list_faces(collection_id, p.get("NextToken"), p.get("MaxResults"))


def search_faces(engine, key, p):
    return engine.search_faces(
        _collection(key, p), p["FaceId"], p.get("FaceMatchThreshold", 80.0), p.get("MaxFaces", 4096)
    )


def search_faces_by_image(engine, key, p):
    return engine.search_faces_by_image(
        _collection(key, p),
        _image(p),
        p.get("FaceMatchThreshold", 80.0),
        p.get("MaxFaces", 4096),
        p.get("QualityFilter", "NONE"),
    )


def delete_faces(engine, key, p):
    return engine.delete_faces(_collection(key, p), p["FaceIds"])


def detect_faces(engine, key, p):
    return engine.detect_faces(_image(p), p.get("Attributes"))


def compare_faces(engine, key, p):
    return engine.compare_faces(
        _image(p, "SourceImage"),
        _image(p, "TargetImage"),
        p.get("SimilarityThreshold", 80.0),
        p.get("QualityFilter", "NONE"),
    )


# users: AssociateFaces' threshold defaults to 75, the searches' to 80, as on Rekognition
def create_user(engine, key, p):
    return engine.create_user(_collection(key, p), p["UserId"], p.get("ClientRequestToken"))


def delete_user(engine, key, p):
    return engine.delete_user(_collection(key, p), p["UserId"], p.get("ClientRequestToken"))


def list_users(engine, key, p):
    return engine.list_users(_collection(key, p), p.get("NextToken"), p.get("MaxResults"))


def associate_faces(engine, key, p):
    return engine.associate_faces(
        _collection(key, p),
        p["UserId"],
        p["FaceIds"],
        p.get("UserMatchThreshold", DEFAULT_ASSOCIATE_THRESHOLD),
        p.get("ClientRequestToken"),
    )


def disassociate_faces(engine, key, p):
    return engine.disassociate_faces(_collection(key, p), p["UserId"], p["FaceIds"], p.get("ClientRequestToken"))


def search_users(engine, key, p):
    return engine.search_users(
        _collection(key, p),
        p.get("UserId"),
        p.get("FaceId"),
        p.get("UserMatchThreshold", DEFAULT_USER_MATCH_THRESHOLD),
        p.get("MaxUsers", 500),
    )


def search_users_by_image(engine, key, p):
    return engine.search_users_by_image(
        _collection(key, p),
        _image(p),
        p.get("UserMatchThreshold", DEFAULT_USER_MATCH_THRESHOLD),
        p.get("MaxUsers", 500),
        p.get("QualityFilter", "NONE"),
    )


OPERATIONS = {
    "CreateCollection": create_collection,
    "DeleteCollection": delete_collection,
    "ListCollections": list_collections,
    "DescribeCollection": describe_collection,
    "IndexFaces": index_faces,
    "ListFaces": list_faces,
    "SearchFaces": search_faces,
    "SearchFacesByImage": search_faces_by_image,
    "DeleteFaces": delete_faces,
    "DetectFaces": detect_faces,
    "CompareFaces": compare_faces,
    "CreateUser": create_user,
    "DeleteUser": delete_user,
    "ListUsers": list_users,
    "AssociateFaces": associate_faces,
    "DisassociateFaces": disassociate_faces,
    "SearchUsers": search_users,
    "SearchUsersByImage": search_users_by_image,
}

# Operations that store face templates (or make room for them): refused to an owner key while its owner's
# face indexing is off (or the owner is banned), with the account page's reason. A service key is an app
# server's, whose user ids are its own (the app's pipeline checks consent itself before it writes).
STORING = ("CreateCollection", "IndexFaces", "CreateUser", "AssociateFaces")


def _consent_required(operation):
    def checked(engine, key, p):
        _collection(key, p)  # ownership first: a key learns nothing of others' accounts
        if key.scope == ApiAccessKey.Scope.OWNER and not indexing_allowed(key.owner):
            raise AccessDenied(str(FaceIndexingOff()))
        return operation(engine, key, p)

    return checked


for _name in STORING:
    OPERATIONS[_name] = _consent_required(OPERATIONS[_name])
