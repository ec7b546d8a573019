"""The owner rule: every link to a user, in every installed app, is an owner link or a declared exception;
the export covers every owned model (or says why not)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from indexing.account import owned
from indexing.account.services import export


def test_every_link_to_a_user_is_an_owner_link_or_a_declared_exception():
    assert owned.unclassified_links() == []
    assert {"indexing.Photo", "indexing.Person", "indexing.Report", "social_django.UserSocialAuth"} <= (
        owned.owned_models()
    )
    assert "indexing.ModerationAction" not in owned.owned_models()


def test_a_model_added_later_with_an_undeclared_user_link_is_caught():
    class Stray(models.Model):
        friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "indexing"

    try:
        assert owned.unclassified_links() == ["indexing.Stray.friend"]
        assert "indexing.Stray" in owned.owned_models(), "an `owner` link is covered the day it is added"
    finally:
        del apps.all_models["indexing"]["stray"]
        apps.clear_cache()


def test_every_owned_model_is_exported_or_left_out_knowingly():
    assert owned.owned_models() == set(export.EXPORTED) | set(export.LEFT_OUT)
    assert not set(export.EXPORTED) & set(export.LEFT_OUT)


@pytest.mark.django_db(transaction=True)
def test_the_export_holds_people_with_their_faces_and_photos_and_no_secret(user, everything):
    from django.test import Client

    from indexing.models import ApiAccessKey, Face, Person, TaggingCredential

    session = Client()
    session.force_login(user)
    response = session.get(reverse("account_export"))
    raw = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("data.json")
    data = json.loads(raw)
    assert set(export.EXPORTED.values()) <= set(data)
    barack = Person.objects.get(owner=user, name="Barack")
    [person] = data["people"]
    assert person["name"] == "Barack" and person["face_ids"] == list(
        Face.objects.filter(person=barack).values_list("pk", flat=True)
    )
    assert person["photo_ids"] == sorted(set(Face.objects.filter(person=barack).values_list("photo_id", flat=True)))
    assert data["people_history"] and data["face_decisions"] and data["living_albums"][0]["person_ids"] == [barack.pk]
    assert data["face_groups"] and data["reports"] and data["instagram"]["media"] and data["api_keys"]
    assert data["tagging"]["webhook_deliveries"] and data["social_logins"] == [{"provider": "instagram", "uid": "1789"}]
    credential, key = TaggingCredential.objects.get(owner=user), ApiAccessKey.objects.get(owner=user)
    text = raw.decode()
    for secret in (
        credential.token_hash,
        credential.webhook_secret,
        everything["tagging"].webhook_secret,
        everything["tagging"].token,
        key.secret_encrypted,
        "IGQ-x",
    ):
        assert secret not in text
    assert "embedding" not in text.lower()


@pytest.mark.django_db
def test_instagram_tokens_are_sealed_at_rest_and_open_for_the_app(user):
    from social_django.models import UserSocialAuth

    from indexing.instagram.services import token_for

    social = UserSocialAuth.objects.create(
        user=user, provider="instagram", uid="17", extra_data={"access_token": "IGQ-plain", "auth_time": 1}
    )
    raw = json.dumps(list(UserSocialAuth.objects.values_list("extra_data", flat=True)))
    assert "IGQ-plain" not in raw and "sealed:" in raw
    assert social.extra_data["access_token"] == "IGQ-plain", "open in memory after the save"
    assert token_for(user) == "IGQ-plain" and UserSocialAuth.objects.get().extra_data["auth_time"] == 1
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    assert token_for(user) is None, "a banned user's token is refused"
