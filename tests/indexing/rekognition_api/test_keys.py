"""Issuing and revoking API keys: on the user's page (the secret shown once, only their own keys)
and with the api_keys command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from indexing.models import ApiAccessKey
from indexing.rekognition_api.keys import key_active, key_issue, key_secret

pytestmark = pytest.mark.django_db


def test_a_user_issues_a_key_sees_its_secret_once_and_revokes_it(client, user):
    client.force_login(user)
    page = client.post(reverse("api_key_issue"), {"name": "tagging app"}).content.decode()
    key = ApiAccessKey.objects.get(owner=user)
    secret = key_secret(key)
    assert key.name == "tagging app" and key.scope == ApiAccessKey.Scope.OWNER
    assert f"AWS_SECRET_ACCESS_KEY={secret}" in page and key.access_key_id in page
    assert secret not in key.secret_encrypted  # stored encrypted
    listing = client.get(reverse("api_keys")).content.decode()
    assert key.access_key_id in listing and secret not in listing
    assert client.post(reverse("api_key_revoke", args=[key.pk])).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key_active(key.access_key_id) is None


def test_another_users_key_cannot_be_seen_or_revoked(client, user, other_user):
    theirs = key_issue(other_user).key
    client.force_login(user)
    assert theirs.access_key_id not in client.get(reverse("api_keys")).content.decode()
    assert client.post(reverse("api_key_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_keys_page_needs_a_login(client):
    response = client.get(reverse("api_keys"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_command_issues_lists_and_revokes_keys(user):
    out = StringIO()
    call_command("api_keys", "issue", "--user", "alice", "--service", stdout=out)
    key = ApiAccessKey.objects.get(owner=user)
    assert key.scope == ApiAccessKey.Scope.SERVICE
    assert f"AWS_SECRET_ACCESS_KEY={key_secret(key)}" in out.getvalue()
    listed = StringIO()
    call_command("api_keys", "list", stdout=listed)
    assert key.access_key_id in listed.getvalue() and key_secret(key) not in listed.getvalue()
    call_command("api_keys", "revoke", key.access_key_id, stdout=StringIO())
    assert key_active(key.access_key_id) is None
    with pytest.raises(CommandError, match="No user"):
        call_command("api_keys", "issue", "--user", "nobody")
