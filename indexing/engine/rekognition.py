"""The face engine on AWS Rekognition, or anything that speaks its protocol, through boto3.

A thin adapter: the contract is Rekognition's own API, so each method is one call, made after the
image is turned into bytes Rekognition takes, with its errors mapped to errors.py. Throttling and
5xx answers are retried by botocore itself (standard or adaptive mode, on the client's Config);
what still fails after that becomes EngineUnavailable, so a photo waits instead of failing.

Cost in Rekognition calls: index_faces, search_faces, search_faces_by_image, list_faces (a page),
delete_faces, the collection and the user operations are one call each; search_every_face_by_image is
1 DetectFaces + 1 SearchFacesByImage per face found (2 calls for the usual single face).
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime

from botocore.exceptions import ClientError, HTTPClientError, ParamValidationError
from botocore.exceptions import ConnectionError as BotoConnectionError
from PIL import Image

from . import errors, images
from .base import (
    DEFAULT_ASSOCIATE_THRESHOLD,
    DEFAULT_THRESHOLD,
    DEFAULT_USER_MATCH_THRESHOLD,
    MAX_FACES_PER_IMAGE,
    FaceEngine,
)

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # Rekognition's limit on Image.Bytes (15 MB applies to S3 objects only)
MIN_IMAGE_SIDE = 80  # Rekognition refuses smaller images
SEARCH_CROP_MARGIN = 0.5  # of the face box on each side, so the crop's largest face is that face
_EXTERNAL_ID_REFUSED = re.compile(r"[^a-zA-Z0-9_.\-:]")
_ERRORS = {
    cls.code: cls
    for cls in (
        errors.InvalidParameter,
        errors.ResourceNotFound,
        errors.ResourceAlreadyExists,
        errors.InvalidImageFormat,
        errors.ImageTooLarge,
        errors.InvalidPaginationToken,
        errors.Validation,
        errors.AccessDenied,
        errors.InvalidS3Object,
        errors.Conflict,
        errors.IdempotentParameterMismatch,
        errors.ServiceQuotaExceeded,
    )
}
# Still failing after botocore's retries: the service is overloaded or down, not the request wrong.
_TRANSIENT = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "InternalServerError",
    "ServiceUnavailableException",
}


def make_client(
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
    retry_mode: str = "standard",
    max_attempts: int = 3,
):
    """A boto3 Rekognition client; whatever is None comes from the usual AWS environment and files."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key, region_name=region
    )
    config = Config(
        retries={"mode": retry_mode, "total_max_attempts": max_attempts}, connect_timeout=10, read_timeout=60
    )
    return session.client("rekognition", endpoint_url=endpoint_url, config=config)


def sanitize_external_image_id(value: str) -> str:
    """Rekognition allows 1-255 characters of [a-zA-Z0-9_.-:]; anything else becomes '_'."""
    return _EXTERNAL_ID_REFUSED.sub("_", value)[:255] or "_"


SEND_LONG_SIDE = 1920  # a re-encoded image keeps enough pixels for Rekognition's smallest faces (40 px)


def rekognition_image(data: bytes, max_pixels: int = images.MAX_PIXELS, max_bytes: int = images.MAX_BYTES) -> bytes:
    """Bytes Rekognition takes: a JPEG or PNG, upright, at most 5 MB.

    Such a file is sent as it is; anything else (WebP, HEIC, GIF, an EXIF-rotated JPEG, more than
    5 MB) is decoded here, upright and at most 1920 pixels on its long side, and sent as a JPEG.
    Files that are not images fail here, with the same messages as the local engine.
    """
    if len(data) <= MAX_IMAGE_BYTES and _sendable_as_is(data):
        return data
    loaded = images.load_image(data, max_pixels=max_pixels, max_bytes=max_bytes, long_side=SEND_LONG_SIDE)
    picture, quality = loaded.image, 90
    encoded = _jpeg(picture, quality)
    while len(encoded) > MAX_IMAGE_BYTES:  # only noise-like pictures get here at 1920 pixels
        picture = picture.resize((max(1, picture.width * 3 // 4), max(1, picture.height * 3 // 4)))
        encoded = _jpeg(picture, quality)
    return encoded


def _sendable_as_is(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.format in ("JPEG", "PNG") and im.getexif().get(0x0112, 1) == 1 and min(im.size) >= MIN_IMAGE_SIDE
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False  # load_image says what is wrong with it


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    if min(picture.size) < MIN_IMAGE_SIDE:
        scale = MIN_IMAGE_SIDE / min(picture.size)
        picture = picture.resize((round(picture.width * scale), round(picture.height * scale)))
    return images.jpeg_bytes(picture, quality)


class RekognitionEngine(FaceEngine):
    """The engine contract on a boto3 Rekognition client (see make_client)."""

    def __init__(self, client, max_pixels: int = images.MAX_PIXELS, max_bytes: int = images.MAX_BYTES):
        self.client = client
        self.max_pixels, self.max_bytes = max_pixels, max_bytes

    def _call(self, operation: str, **params) -> dict:
        try:
            answer = getattr(self.client, operation)(**params)
        except ClientError as e:
            raise _engine_error(e) from e
        except ParamValidationError as e:
            raise errors.Validation(str(e)) from e
        except (BotoConnectionError, HTTPClientError) as e:
            raise errors.EngineUnavailable(f"The face engine could not be reached: {e}") from e
        answer.pop("ResponseMetadata", None)
        return answer

    def _image(self, image_bytes: bytes) -> dict:
        return {"Bytes": rekognition_image(image_bytes, self.max_pixels, self.max_bytes)}

    # collections
    def create_collection(self, collection_id):
        return self._call("create_collection", CollectionId=collection_id)

    def delete_collection(self, collection_id):
        return self._call("delete_collection", CollectionId=collection_id)

    def list_collections(self, next_token=None, max_results=1000):
        return self._call("list_collections", **_paging(next_token, max_results))

    def describe_collection(self, collection_id):
        answer = self._call("describe_collection", CollectionId=collection_id)
        if isinstance(answer.get("CreationTimestamp"), datetime):  # epoch seconds, as on the wire
            answer["CreationTimestamp"] = answer["CreationTimestamp"].timestamp()
        return answer

    # faces
    def detect_faces(self, image_bytes, attributes=None):
        extra = {"Attributes": list(attributes)} if attributes else {}
        answer = self._call("detect_faces", Image=self._image(image_bytes), **extra)
        answer["FaceDetails"].sort(key=lambda d: -_area(d["BoundingBox"]))
        return answer

    def compare_faces(self, source_bytes, target_bytes, similarity_threshold=DEFAULT_THRESHOLD, quality_filter="NONE"):
        return self._call(
            "compare_faces",
            SourceImage=self._image(source_bytes),
            TargetImage=self._image(target_bytes),
            SimilarityThreshold=similarity_threshold,
            QualityFilter=quality_filter,
        )

    def index_faces(
        self,
        collection_id,
        image_bytes,
        external_image_id=None,
        max_faces=MAX_FACES_PER_IMAGE,
        quality_filter="AUTO",
        detection_attributes=None,
    ):
        params = {
            "CollectionId": collection_id,
            "Image": self._image(image_bytes),
            "MaxFaces": max_faces,
            "QualityFilter": quality_filter,
        }
        if detection_attributes:
            params["DetectionAttributes"] = list(detection_attributes)
        if external_image_id:
            params["ExternalImageId"] = sanitize_external_image_id(external_image_id)
        answer = self._call("index_faces", **params)
        answer["FaceRecords"].sort(key=lambda r: -_area(r["Face"]["BoundingBox"]))
        return answer

    def list_faces(self, collection_id, next_token=None, max_results=1000):
        return self._call("list_faces", CollectionId=collection_id, **_paging(next_token, max_results))

    def delete_faces(self, collection_id, face_ids):
        return self._call("delete_faces", CollectionId=collection_id, FaceIds=list(face_ids))

    # search
    def search_faces(self, collection_id, face_id, threshold=DEFAULT_THRESHOLD, max_faces=4096):
        return self._call(
            "search_faces", CollectionId=collection_id, FaceId=face_id, FaceMatchThreshold=threshold, MaxFaces=max_faces
        )

    def search_faces_by_image(
        self, collection_id, image_bytes, threshold=DEFAULT_THRESHOLD, max_faces=4096, quality_filter="NONE"
    ):
        sendable = self._image(image_bytes)["Bytes"]
        return self._search_image(collection_id, sendable, threshold, max_faces, quality_filter)

    def _search_image(self, collection_id, sendable: bytes, threshold, max_faces, quality_filter="NONE") -> dict:
        return self._call(
            "search_faces_by_image",
            CollectionId=collection_id,
            Image={"Bytes": sendable},
            FaceMatchThreshold=threshold,
            MaxFaces=max_faces,
            QualityFilter=quality_filter,
        )

    def search_every_face_by_image(self, collection_id, image_bytes, threshold=DEFAULT_THRESHOLD, max_faces=4096):
        """Rekognition searches only the largest face: DetectFaces, then one search per face.

        A single face searches the whole image; several faces search a crop around each (the
        face centred, so it is the crop's largest), answered with the box in the whole image.
        """
        sendable = self._image(image_bytes)["Bytes"]
        details = sorted(
            self._call("detect_faces", Image={"Bytes": sendable})["FaceDetails"], key=lambda d: -_area(d["BoundingBox"])
        )
        picture = images.load_image(sendable).image if len(details) > 1 else None
        answers = []
        for detail in details:
            query = (
                _jpeg(images.crop_box(picture, detail["BoundingBox"], SEARCH_CROP_MARGIN), 92) if picture else sendable
            )
            try:
                found = self._search_image(collection_id, query, threshold, max_faces)
            except errors.InvalidParameter:  # too small to be found again on its own
                found = {"FaceMatches": []}
            if picture is None:
                return [found] if "SearchedFaceBoundingBox" in found else [_answer(detail, found)]
            answers.append(_answer(detail, found))
        return answers

    # users
    def create_user(self, collection_id, user_id, client_request_token=None):
        return self._call("create_user", CollectionId=collection_id, UserId=user_id, **_token(client_request_token))

    def delete_user(self, collection_id, user_id, client_request_token=None):
        return self._call("delete_user", CollectionId=collection_id, UserId=user_id, **_token(client_request_token))

    def list_users(self, collection_id, next_token=None, max_results=None):
        return self._call("list_users", CollectionId=collection_id, **_paging(next_token, max_results))

    def associate_faces(
        self,
        collection_id,
        user_id,
        face_ids,
        user_match_threshold=DEFAULT_ASSOCIATE_THRESHOLD,
        client_request_token=None,
    ):
        return self._call(
            "associate_faces",
            CollectionId=collection_id,
            UserId=user_id,
            FaceIds=list(face_ids),
            UserMatchThreshold=user_match_threshold,
            **_token(client_request_token),
        )

    def disassociate_faces(self, collection_id, user_id, face_ids, client_request_token=None):
        return self._call(
            "disassociate_faces",
            CollectionId=collection_id,
            UserId=user_id,
            FaceIds=list(face_ids),
            **_token(client_request_token),
        )

    def search_users(
        self,
        collection_id,
        user_id=None,
        face_id=None,
        user_match_threshold=DEFAULT_USER_MATCH_THRESHOLD,
        max_users=500,
    ):
        searched = {k: v for k, v in (("UserId", user_id), ("FaceId", face_id)) if v is not None}
        return self._call(
            "search_users",
            CollectionId=collection_id,
            UserMatchThreshold=user_match_threshold,
            MaxUsers=max_users,
            **searched,
        )

    def search_users_by_image(
        self,
        collection_id,
        image_bytes,
        user_match_threshold=DEFAULT_USER_MATCH_THRESHOLD,
        max_users=500,
        quality_filter="NONE",
    ):
        return self._call(
            "search_users_by_image",
            CollectionId=collection_id,
            Image=self._image(image_bytes),
            UserMatchThreshold=user_match_threshold,
            MaxUsers=max_users,
            QualityFilter=quality_filter,
        )


def _answer(detail: dict, found: dict) -> dict:
    return {
        "SearchedFaceBoundingBox": detail["BoundingBox"],
        "SearchedFaceConfidence": detail.get("Confidence", 0.0),
        "FaceMatches": found["FaceMatches"],
        "FaceModelVersion": found.get("FaceModelVersion", ""),
    }


def _engine_error(e: ClientError) -> Exception:
    code = e.response.get("Error", {}).get("Code", "")
    message = e.response.get("Error", {}).get("Message", "") or code
    if code in _TRANSIENT:
        return errors.EngineUnavailable(f"{code}: {message}")
    if code in _ERRORS:
        return _ERRORS[code](message)
    error = errors.EngineError(f"{code}: {message}")
    error.code = code or error.code
    return error


def _paging(next_token: str | None, max_results: int | None) -> dict:
    params = {}
    if next_token:
        params["NextToken"] = next_token
    if max_results is not None:
        params["MaxResults"] = max_results
    return params


def _token(client_request_token: str | None) -> dict:
    """Without one, botocore makes up a token per call (the parameter is its idempotency token)."""
    return {"ClientRequestToken": client_request_token} if client_request_token else {}


def _area(box: dict) -> float:
    return box["Width"] * box["Height"]
