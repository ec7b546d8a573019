"""The moderation tests' personas: a moderator made by `make_moderator`, and their own browser session."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def moderator(django_user_model):
    mod = django_user_model.objects.create_user("mod", password="pw-mod-123")
    call_command("make_moderator", "mod", stdout=open("/dev/null", "w"))
    return mod


@pytest.fixture
def staff(moderator):
    """The moderator's own browser session (the `client` fixture is left for the photos' owner)."""
    session = Client()
    session.force_login(moderator)
    return session
