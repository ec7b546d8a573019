"""The security baseline: deploy checks, headers and CSP, CSRF, rate limits, login throttling, bans,
secrets, and embeddings that never leave the server."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.backends import AllowAllUsersModelBackend
from django.test import Client
from django.urls import reverse
from social_core.backends.instagram import InstagramOAuth2

from faceapp import checks
from indexing.models import EngineFace
from tests.routes import ROUTES, urls_for, user_objects

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    production = {
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "faces.example.org",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "faceapp.settings",
    }
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "HTTPS", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**environ, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout
    assert "WARNING" not in result.stderr, result.stderr


def test_check_deploy_would_catch_a_site_without_https(tmp_path):
    result = _check_deploy(tmp_path, HTTPS="false")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout, warning


def test_every_page_sends_the_security_headers(client, user):
    client.force_login(user)
    response = client.get(reverse("gallery"))
    csp = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'" and "unsafe" not in csp["style-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_templates_hold_no_inline_script():
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline <script> in {template}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler in {template}"
        assert "javascript:" not in html, template


def test_every_state_change_needs_the_csrf_token(user, faces_dir):
    objects = user_objects(user, faces_dir)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    tried = []
    for route in ROUTES:
        for url in urls_for(route, objects):
            response = browser.post(url, {"reason": "other", "enabled": "on", "confirm": "DELETE"})
            if response.status_code == 405:
                continue
            assert response.status_code == 403, f"POST {url} without a CSRF token answered {response.status_code}"
            tried.append(url)
    admin_action = browser.post(reverse("admin:indexing_photo_changelist"), {"action": "hide"})
    assert admin_action.status_code == 403
    assert {reverse("account_delete"), reverse("account_face_indexing"), reverse("login")} <= set(tried)


def test_search_is_rate_limited_per_user(client, user, other_user, faces_dir, settings):
    settings.RATE_LIMIT_SEARCH = "3/d"  # a day-long window: the count cannot roll over mid-test
    alice, bob = user_objects(user, faces_dir), user_objects(other_user, faces_dir)
    client.force_login(user)
    url = reverse("face_matches", args=[alice["face"].pk])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    client.force_login(other_user)
    assert client.get(reverse("face_matches", args=[bob["face"].pk])).status_code == 200


def _log_in(client, username, password, url="login"):
    return client.post(reverse(url), {"username": username, "password": password})


def test_logins_are_throttled_after_five_wrong_passwords(client, user, other_user):
    assert [_log_in(client, "alice", "wrong").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    locked = _log_in(client, "alice", "pw-alice-123")
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    assert client.get(reverse("gallery")).status_code == 302, "not logged in"
    assert _log_in(client, "alice", "pw-alice-123", "admin:login").status_code == 429
    assert _log_in(client, "bob", "pw-bob-123").status_code == 302, "other accounts are not locked"


def test_good_logins_never_lock_anyone_out(client, user):
    for _ in range(3):
        _log_in(client, "alice", "wrong")
        for _ in range(4):
            assert _log_in(client, "alice", "pw-alice-123").status_code == 302
            client.logout()


def test_a_banned_user_is_logged_out_whatever_backend_logged_them_in(client, user, settings):
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
    ]
    client.force_login(user, backend=f"{AllowAllUsersModelBackend.__module__}.AllowAllUsersModelBackend")
    assert client.get(reverse("gallery")).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("gallery")).status_code == 302
    assert "_auth_user_id" not in client.session


class NoStateOAuth2(InstagramOAuth2):
    STATE_PARAMETER = False
    REDIRECT_STATE = False


def test_an_oauth_backend_that_skips_the_state_check_is_an_error(settings):
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "social_core.backends.instagram.InstagramOAuth2",
    ]
    assert checks.oauth_state_checked(None) == []
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, f"{__name__}.NoStateOAuth2"]
    assert [e.id for e in checks.oauth_state_checked(None)] == ["faceapp.E001"]


def test_secrets_come_only_from_the_environment():
    source = (ROOT / "faceapp" / "settings.py").read_text()
    assert not re.search(r"(SECRET|PASSWORD|TOKEN|_KEY)\w*\s*=\s*['\"][^'\"]{8,}", source)
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^SECRET_KEY=\s*(#|$)", example, re.M), "the example holds no secret"


def test_no_endpoint_ever_shows_an_embedding(user, faces_dir, django_user_model):
    objects = user_objects(user, faces_dir)
    embedding = np.frombuffer(EngineFace.objects.get(face_id=objects["face"].engine_face_id).embedding, np.float32)
    needles = [embedding.tobytes()[:16]] + [f"{v:.6f}"[:8].encode() for v in embedding[:4] if abs(v) > 1e-3]
    owner = Client()
    owner.force_login(user)
    root = Client()
    root.force_login(django_user_model.objects.create_superuser("root", password="pw-root-123"))
    pages = [(owner, url) for route in ROUTES for url in urls_for(route, objects)]
    pages += [(root, reverse(f"admin:indexing_{m}_changelist")) for m in ("face", "enginecollection", "photo")]
    pages += [(root, reverse("admin:indexing_face_change", args=[objects["face"].pk]))]
    for browser, url in pages:
        response = browser.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"embedding" not in body.lower() or url == reverse("account"), url
        assert not any(n in body for n in needles), url
