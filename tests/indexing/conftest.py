"""Fixtures for the AWS-shaped parts: the local Rekognition-compatible API on the live server
(with keys issued as a user would get them) and moto's S3 server on a real port."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

REGION = "us-east-1"


@pytest.fixture(autouse=True, scope="session")
def _no_aws_metadata_probe():
    """botocore looks for credentials at an instance-metadata address off this machine otherwise."""
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


def rekognition_client(endpoint_url: str, access_key_id: str, secret: str):
    """The real boto3 client, failing fast (one attempt) for tests."""
    from indexing.engine.rekognition import make_client

    return make_client(endpoint_url, REGION, access_key_id, secret, retry_mode="standard", max_attempts=1)


@pytest.fixture
def rekognition_url(transactional_db, live_server) -> str:
    """The Rekognition-compatible API of the app running on a real port."""
    return f"{live_server.url}/rekognition"


@pytest.fixture
def service_key(transactional_db, django_user_model):
    """A service key (every collection), as an operator issues for an app server."""
    from indexing.models import ApiAccessKey
    from indexing.rekognition_api.keys import key_issue

    operator = django_user_model.objects.create_user(username="operator")  # no password to hash
    return key_issue(operator, "app server", scope=ApiAccessKey.Scope.SERVICE)


@pytest.fixture
def engine_over_local_api(rekognition_url, service_key):
    """A RekognitionEngine on boto3, signed with a service key, against the app's own API."""
    from indexing.engine.rekognition import RekognitionEngine

    return RekognitionEngine(rekognition_client(rekognition_url, service_key.key.access_key_id, service_key.secret))


@pytest.fixture
def rekognition_engine_over_api(settings, rekognition_url, service_key):
    """FACE_ENGINE=rekognition pointed at the app's own API: the app talks to itself through boto3."""
    from indexing.face_index import get_engine

    settings.FACE_ENGINE = "rekognition"
    settings.AWS_REKOGNITION_ENDPOINT_URL = rekognition_url
    settings.AWS_REKOGNITION_REGION = REGION
    settings.AWS_REKOGNITION_ACCESS_KEY_ID = service_key.key.access_key_id
    settings.AWS_REKOGNITION_SECRET_ACCESS_KEY = service_key.secret
    settings.AWS_MAX_ATTEMPTS = 1
    get_engine.cache_clear()
    yield get_engine()
    get_engine.cache_clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_s3_url():
    """moto's server on a real port (S3 is what it is used for here)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(moto_s3_url, settings):
    """A new bucket on moto, and the app's S3 storage settings pointed at it."""
    import boto3

    name = f"faceapp-media-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client(
        "s3", endpoint_url=moto_s3_url, region_name=REGION, aws_access_key_id="moto", aws_secret_access_key="moto"
    )
    s3.create_bucket(Bucket=name)
    options = {
        **settings.S3_STORAGE["OPTIONS"],
        "bucket_name": name,
        "endpoint_url": moto_s3_url,
        "region_name": REGION,
        "access_key": "moto",
        "secret_key": "moto",
    }
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.S3_STORAGE, "OPTIONS": options}}
    return s3, name
