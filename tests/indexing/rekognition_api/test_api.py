"""The Rekognition-compatible API through the real boto3 client on a real port: Rekognition's
error types, SigV4 authentication, and each key reaching only its owner's collections."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from PIL import Image

from indexing.face_index import collection_id_for
from indexing.models import ApiAccessKey
from indexing.rekognition_api.keys import key_issue, key_revoke
from tests import imagefiles
from tests.indexing.conftest import REGION, rekognition_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice_key(user):
    return key_issue(user, "tagging app")


@pytest.fixture
def bob_key(other_user):
    return key_issue(other_user)


def _client(url, issued):
    return rekognition_client(url, issued.key.access_key_id, issued.secret)


def _code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_boto3_raises_rekognitions_own_error_types(rekognition_url, alice_key, user, faces_dir):
    rek, own = _client(rekognition_url, alice_key), collection_id_for(user)
    rek.create_collection(CollectionId=own)
    with pytest.raises(rek.exceptions.ResourceAlreadyExistsException):
        rek.create_collection(CollectionId=own)
    with pytest.raises(rek.exceptions.ResourceNotFoundException):
        rek.describe_collection(CollectionId=f"{own}-missing")
    with pytest.raises(rek.exceptions.InvalidParameterException, match="no faces"):
        rek.search_faces_by_image(
            CollectionId=own, Image={"Bytes": imagefiles.encode(Image.new("RGB", (200, 200)), "PNG")}
        )
    with pytest.raises(rek.exceptions.InvalidImageFormatException):
        rek.index_faces(CollectionId=own, Image={"Bytes": b"<html>not a photo</html>"})
    with pytest.raises(rek.exceptions.ImageTooLargeException):
        rek.index_faces(CollectionId=own, Image={"Bytes": b"\xff" * (5 * 1024 * 1024 + 1)})
    with pytest.raises(rek.exceptions.InvalidS3ObjectException):
        rek.index_faces(CollectionId=own, Image={"S3Object": {"Bucket": "photos", "Name": "a.jpg"}})
    with pytest.raises(rek.exceptions.InvalidPaginationTokenException):
        rek.list_faces(CollectionId=own, NextToken="bogus")
    answer = rek.index_faces(
        CollectionId=own,
        Image={"Bytes": (faces_dir / "joe_biden_2.jpg").read_bytes()},
        ExternalImageId="joe_biden_2.jpg",
        MaxFaces=5,
        QualityFilter="NONE",
    )
    face_id = answer["FaceRecords"][0]["Face"]["FaceId"]
    assert rek.search_faces(CollectionId=own, FaceId=face_id)["FaceMatches"] == []
    faces = rek.list_faces(CollectionId=own, MaxResults=10)["Faces"]
    assert [(f["FaceId"], f["ExternalImageId"]) for f in faces] == [(face_id, "joe_biden_2.jpg")]
    assert rek.list_faces(CollectionId=own, FaceIds=[face_id])["Faces"][0]["FaceId"] == face_id


@pytest.mark.parametrize(
    "call, constraint",
    [
        (lambda rek, own: rek.create_collection(CollectionId=f"{own}-not valid!"), "regular expression pattern"),
        (lambda rek, own: rek.list_faces(CollectionId=own, MaxResults=5000), "less than or equal to 4096"),
        (
            lambda rek, own: rek.index_faces(CollectionId=own, Image={"Bytes": b"x"}, QualityFilter="BEST"),
            "enum value set",
        ),
    ],
)
def test_maximums_patterns_and_enums_are_checked_by_the_server(rekognition_url, alice_key, user, call, constraint):
    rek, own = _client(rekognition_url, alice_key), collection_id_for(user)
    with pytest.raises(ClientError, match=constraint) as excinfo:
        call(rek, own)
    assert _code(excinfo) == "ValidationException"


def test_a_key_reaches_only_its_owners_collections(rekognition_url, alice_key, bob_key, service_key, user, other_user):
    alice, bob = _client(rekognition_url, alice_key), _client(rekognition_url, bob_key)
    alice_own, bob_own = collection_id_for(user), collection_id_for(other_user)
    alice.create_collection(CollectionId=alice_own)
    alice.create_collection(CollectionId=f"{alice_own}-tagging")
    bob.create_collection(CollectionId=bob_own)
    assert alice.list_collections()["CollectionIds"] == [alice_own, f"{alice_own}-tagging"]
    assert bob.list_collections()["CollectionIds"] == [bob_own]
    page = alice.list_collections(MaxResults=1)
    assert page["CollectionIds"] == [alice_own]
    assert alice.list_collections(NextToken=page["NextToken"])["CollectionIds"] == [f"{alice_own}-tagging"]
    for call in (
        lambda: alice.list_faces(CollectionId=bob_own),
        lambda: alice.describe_collection(CollectionId=bob_own),
        lambda: alice.delete_collection(CollectionId=bob_own),
        lambda: alice.create_collection(CollectionId="tagging"),
        lambda: alice.create_collection(CollectionId=f"{alice_own}0"),
    ):  # another user's id, not hers
        with pytest.raises(alice.exceptions.AccessDeniedException):
            call()
    everything = _client(rekognition_url, service_key).list_collections()["CollectionIds"]
    assert set(everything) == {alice_own, f"{alice_own}-tagging", bob_own}


def _raw_post(
    url: str,
    access_key_id: str,
    secret: str,
    when: datetime,
    body: bytes = b"{}",
    sent_body: bytes | None = None,
    target: str = "RekognitionService.ListCollections",
    sent_target: str | None = None,
    unsigned: str | None = None,
):
    """A request signed by botocore's signer at `when`, sent with urllib; (status, JSON answer).

    `sent_target` replaces X-Amz-Target after signing (a replay); `unsigned` is a header left out
    of the signature (added after signing)."""
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target, "X-Amz-Date": stamp},
    )
    held_back = request.headers.get(unsigned) if unsigned else None
    if unsigned:
        del request.headers[unsigned]
    if access_key_id:
        signer = SigV4Auth(Credentials(access_key_id, secret), "rekognition", REGION)
        request.context["timestamp"] = stamp
        signature = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        signer._inject_signature_to_request(request, signature)
    if held_back is not None:
        request.headers[unsigned] = held_back
    if sent_target:
        del request.headers["X-Amz-Target"]
        request.headers["X-Amz-Target"] = sent_target
    sent = urllib.request.Request(
        url, data=body if sent_body is None else sent_body, method="POST", headers=dict(request.headers.items())
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_unsigned_unknown_tampered_stale_and_revoked_requests_are_refused(rekognition_url, alice_key):
    key_id, secret, now = alice_key.key.access_key_id, alice_key.secret, datetime.now(UTC)
    assert _raw_post(rekognition_url, key_id, secret, now) == (200, {"CollectionIds": [], "FaceModelVersions": []})
    assert ApiAccessKey.objects.get(pk=alice_key.key.pk).last_used_at is not None
    refused = {
        "unsigned": _raw_post(rekognition_url, "", "", now),
        "unknown key": _raw_post(rekognition_url, "FACEAAAAAAAAAAAAAAAA", secret, now),
        "wrong secret": _raw_post(rekognition_url, key_id, secret[::-1], now),
        "body changed": _raw_post(rekognition_url, key_id, secret, now, sent_body=b'{"MaxResults": 1}'),
        "20 minutes old": _raw_post(rekognition_url, key_id, secret, now - timedelta(minutes=20)),
        "unknown operation": _raw_post(rekognition_url, key_id, secret, now, target="RekognitionService.DetectLabels"),
    }
    assert {why: (status, doc["__type"]) for why, (status, doc) in refused.items()} == {
        "unsigned": (403, "MissingAuthenticationTokenException"),
        "unknown key": (403, "UnrecognizedClientException"),
        "wrong secret": (403, "InvalidSignatureException"),
        "body changed": (403, "InvalidSignatureException"),
        "20 minutes old": (403, "InvalidSignatureException"),
        "unknown operation": (400, "UnknownOperationException"),
    }
    assert "expired" in refused["20 minutes old"][1]["message"]
    key_revoke(alice_key.key)
    with pytest.raises(ClientError) as excinfo:
        _client(rekognition_url, alice_key).list_collections()
    assert _code(excinfo) == "UnrecognizedClientException"
