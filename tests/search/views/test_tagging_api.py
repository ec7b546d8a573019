"""The tagging API and its webhook: tokens, labels, URL fetching rules, signatures, replays, the worker."""

import base64
import json
import os
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve, reverse

from indexing.models import Face, WebhookDelivery
from indexing.tagging import fetch
from indexing.tagging import services as tagging
from tests.waiting import wait_until
from tests.webhook_signing import signed

# The Celery worker subprocess inherits this (it starts after collection): it may fetch photos from
# the local test server below over plain http. Nothing else relaxes the fetching rules.
os.environ.setdefault("TAGGING_ALLOW_HTTP_HOSTS", "127.0.0.1")
ROOT = Path(__file__).resolve().parents[3]


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/kit_harington_3.jpg")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def photo_server(faces_dir):
    """A real HTTP server on 127.0.0.1 serving ../shared/faces."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(faces_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def allow_local(settings):
    settings.TAGGING_ALLOW_HTTP_HOSTS = ["127.0.0.1"]


@pytest.fixture
def token(user, db):
    return tagging.credentials_create(user).token


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post_json(client, url, body, token):
    return client.post(url, json.dumps(body), content_type="application/json", **_auth(token))


@pytest.mark.django_db
def test_a_label_makes_a_known_face_and_a_new_photo_answers_the_names_found(
    client, token, faces_dir, django_capture_on_commit_callbacks
):
    with open(faces_dir / "kit_harington_1.jpg", "rb") as f, django_capture_on_commit_callbacks(execute=True):
        labelled = client.post(reverse("tagging_photos"), {"photo": f, "label": "Kit"}, **_auth(token))
    assert labelled.status_code == 200, labelled.content
    assert labelled.json()["person"]["name"] == "Kit" and labelled.json()["faces"][0]["confirmed"]
    image = base64.b64encode((faces_dir / "group_kit_rose.jpg").read_bytes()).decode()
    answer = _post_json(client, reverse("tagging_photos"), {"image_base64": image}, token).json()
    faces = sorted(answer["faces"], key=lambda f: f["box"]["Left"])
    assert [f["person"]["name"] if f["person"] else None for f in faces] == [None, "Kit"]  # Rose is unknown
    assert faces[1]["similarity"] >= 80 and not faces[1]["confirmed"]
    who = _post_json(
        client,
        reverse("tagging_identify"),
        {"image_base64": base64.b64encode((faces_dir / "kit_harington_3.jpg").read_bytes()).decode()},
        token,
    ).json()
    assert [p["name"] for p in who["people"]] == ["Kit"]


@pytest.mark.django_db
def test_a_url_is_fetched_from_an_allowed_server(client, token, photo_server, allow_local):
    answer = _post_json(
        client, reverse("tagging_photos"), {"url": f"{photo_server}/rose_leslie_1.jpg", "label": "Rose"}, token
    )
    assert answer.status_code == 200 and answer.json()["file_name"] == "rose_leslie_1.jpg"
    refused = _post_json(client, reverse("tagging_photos"), {"url": f"{photo_server}/redirect"}, token)
    assert refused.status_code == 422 and "redirects" in refused.json()["error"]


@pytest.mark.django_db
def test_bad_requests_get_a_clear_error(client, user, token):
    url = reverse("tagging_photos")
    assert client.post(url, "{}", content_type="application/json").status_code == 401
    assert _post_json(client, url, {}, "wrong").status_code == 401
    assert "url" in _post_json(client, url, {}, token).json()["error"]
    assert _post_json(client, url, {"image_base64": "%%%"}, token).status_code == 400
    bad = _post_json(client, url, {"image_base64": base64.b64encode(b"<svg/>").decode()}, token)
    assert bad.status_code == 400 and "not an image" in bad.json()["error"]
    https_only = _post_json(client, url, {"url": "http://example.com/a.jpg"}, token)
    assert https_only.status_code == 422 and "https" in https_only.json()["error"]


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://example.com/a.jpg", "Only https"),
        ("ftp://example.com/a.jpg", "Only https"),
        ("https://127.0.0.1/a.jpg", "not a public address"),
        ("https://localhost/a.jpg", "not a public address"),
        ("https://10.1.2.3/a.jpg", "not a public address"),
        ("https://169.254.169.254/latest/meta-data", "not a public address"),
        ("https://[::1]/a.jpg", "not a public address"),
        ("https://[::ffff:127.0.0.1]/a.jpg", "not a public address"),
        ("https://user:secret@example.com/a.jpg", "user name or password"),
        ("https:///a.jpg", "no host"),
    ],
)
def test_urls_that_could_reach_the_servers_own_network_are_refused(url, reason):
    with pytest.raises(fetch.FetchRefused, match=reason):
        fetch.check_url(url)


@pytest.mark.django_db
def test_an_oversized_body_is_refused(photo_server, allow_local, settings):
    settings.TAGGING_FETCH_MAX_BYTES = 1000
    with pytest.raises(fetch.FetchRefused, match="larger than 1000 bytes"):
        fetch.fetch_photo(f"{photo_server}/joe_biden_2.jpg")


@pytest.mark.django_db
def test_the_webhook_takes_a_signed_notification_once(
    client, user, photo_server, allow_local, django_capture_on_commit_callbacks
):
    made = tagging.credentials_create(user)
    credential, secret = made.credential, made.webhook_secret
    assert secret not in credential.webhook_secret, "kept sealed, not in plain text"
    url = reverse("tagging_webhook", args=[credential.webhook_id])
    body = json.dumps({"url": f"{photo_server}/joe_biden_2.jpg", "label": "Joe"}).encode()
    headers = signed(secret, body)
    with django_capture_on_commit_callbacks() as queued:
        accepted = client.post(url, body, content_type="application/json", **headers)
    assert accepted.status_code == 202 and len(queued) == 1
    assert client.post(url, body, content_type="application/json", **headers).status_code == 409  # a replay
    assert client.post(url, body, content_type="application/json", **signed("not-the-secret", body)).status_code == 401
    old = signed(secret, body, when=int(time.time()) - 3600)
    assert client.post(url, body, content_type="application/json", **old).status_code == 400
    assert (
        client.post(
            reverse("tagging_webhook", args=["nope"]), body, content_type="application/json", **headers
        ).status_code
        == 404
    )
    tagging.webhook_process(accepted.json()["delivery_id"])  # what the task does, here in-process
    delivery = WebhookDelivery.objects.get(pk=accepted.json()["delivery_id"])
    assert delivery.status == "done" and "Joe" in delivery.detail
    assert Face.objects.get(photo=delivery.photo).person.name == "Joe"


@pytest.mark.django_db(transaction=True)
def test_the_worker_fetches_indexes_and_tags_a_webhook_photo(client, user, celery_worker, photo_server, allow_local):
    new = tagging.credentials_create(user)
    credential, token = new.credential, new.token
    with open(ROOT.parent / "shared" / "faces" / "barack_obama_1.jpg", "rb") as f:
        client.post(reverse("tagging_photos"), {"photo": f, "label": "Barack"}, **_auth(token))
    body = json.dumps({"url": f"{photo_server}/barack_obama_3.jpg"}).encode()
    response = client.post(
        reverse("tagging_webhook", args=[credential.webhook_id]),
        body,
        content_type="application/json",
        **signed(new.webhook_secret, body),
    )
    status_url = reverse("tagging_delivery", args=[response.json()["delivery_id"]])
    state = wait_until(
        lambda: (answer := client.get(status_url, **_auth(token)).json())["status"] != "pending" and answer,
        120,
        "the delivery to be done",
        every=0.3,
    )
    assert state["status"] == "done", state
    face = Face.objects.get(photo_id=state["photo_id"])
    assert face.person.name == "Barack" and not face.person_confirmed


@pytest.mark.django_db
def test_another_users_token_sees_none_of_the_first_users_deliveries(client, user, other_user, token):
    delivery = WebhookDelivery.objects.create(owner=user, signature="x", url="https://example.com/a.jpg")
    theirs = tagging.credentials_create(other_user).token
    assert client.get(reverse("tagging_delivery", args=[delivery.pk]), **_auth(theirs)).status_code == 404
    assert client.get(reverse("tagging_delivery", args=[delivery.pk]), **_auth(token)).status_code == 200


def test_every_path_of_the_openapi_description_is_served():
    spec = yaml.safe_load((ROOT / "static" / "openapi.yaml").read_text())
    assert spec["openapi"].startswith("3.")
    for path, operations in spec["paths"].items():
        concrete = path.replace("{webhook_id}", "abc123").replace("{delivery_id}", "7")
        try:
            match = resolve(concrete)
        except Resolver404:
            pytest.fail(f"{path} is documented but not served")
        assert match.url_name.startswith("tagging_"), path
        assert set(operations) <= {"get", "post"}, path
