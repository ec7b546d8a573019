"""Local sign-up: a new account lands in its own empty gallery, signed in."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signing_up_creates_the_account_and_signs_in(client):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("gallery")
    gallery = client.get(reverse("gallery"))
    assert gallery.status_code == 200 and "No photos yet" in gallery.content.decode()
    assert get_user_model().objects.filter(username="carol").exists()


def test_a_weak_or_taken_sign_up_is_refused_with_reasons(client, user):
    weak = client.post(reverse("signup"), {"username": "dave", "password1": "123", "password2": "123"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    taken = client.post(
        reverse("signup"),
        {"username": "alice", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    assert "already exists" in taken.content.decode()
    assert not get_user_model().objects.filter(username="dave").exists()
