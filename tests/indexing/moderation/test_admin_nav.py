"""A big change list's sidebar (moderation/admin/nav.py) is the one Django's templates draw."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _shown(html: str) -> str:
    """The HTML as a browser lays it out: blank runs between and inside tags do not show."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def _djangos(response) -> str:
    context = {"available_apps": response.context["available_apps"]}
    return render_to_string("admin/nav_sidebar.html", context, request=response.wsgi_request)


@pytest.fixture
def superuser(django_user_model):
    session = Client()
    session.force_login(django_user_model.objects.create_superuser("root", password="pw-root-123"))
    return session


@pytest.mark.parametrize("model", ["photo", "face"])
@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_the_sidebar_is_the_one_django_draws(request, who, model):
    response = request.getfixturevalue(who).get(reverse(f"admin:indexing_{model}_changelist") + "?o=2")
    assert response.status_code == 200
    ours = response.context["big_nav_sidebar"]
    assert ours and _shown(ours) == _shown(_djangos(response))
    assert f'class="model-{model} current-model"' in ours and 'aria-current="page"' in ours
    assert ("addlink" in ours) == (who == "superuser")  # the moderator adds nothing
    assert _shown(ours) in _shown(response.content.decode())


def test_a_list_drawn_by_django_keeps_django_s_sidebar(staff):
    response = staff.get(reverse("admin:indexing_album_changelist"))
    assert response.status_code == 200 and "big_nav_sidebar" not in response.context
    assert _shown(_djangos(response)) in _shown(response.content.decode())


def test_a_popup_has_no_sidebar(staff):
    response = staff.get(reverse("admin:indexing_photo_changelist") + "?_popup=1&_to_field=id")
    assert response.status_code == 200 and 'id="nav-sidebar"' not in response.content.decode()


def _app_list(session):
    response = session.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.context["app_list"], response.wsgi_request


def test_the_kept_app_list_is_django_s_and_follows_the_user_s_permissions(staff, moderator):
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    from indexing.moderation.admin_site import AdminSite

    kept, request = _app_list(staff)
    assert isinstance(admin.site, AdminSite)
    assert kept == admin.AdminSite.get_app_list(admin.site, request)  # Django's own, made afresh
    assert _app_list(staff)[0] is kept  # the next page reuses it
    models = {m["object_name"] for app in kept for m in app["models"]}
    assert "Photo" in models and "Group" not in models
    moderator.user_permissions.add(Permission.objects.get(codename="view_group"))
    again, request = _app_list(staff)
    assert again is not kept and again == admin.AdminSite.get_app_list(admin.site, request)
    assert "Group" in {m["object_name"] for app in again for m in app["models"]}
