"""What a moderator can reach in the admin, view by view: they moderate, they never own accounts.

MODERATOR_REACH lists every model the admin registers with the status a moderator gets on each of its
views (and on the extra views the admin adds); a model registered later fails the test until it is listed.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from social_django.models import UserSocialAuth

from indexing.models import (
    EngineCollection,
    Face,
    InstagramAccount,
    InstagramCrawl,
    InstagramMedia,
    ModerationAction,
    Report,
)
from indexing.moderation.services import Kind
from indexing.photos.services import album_get_or_create
from indexing.rekognition_api.keys import key_issue
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db

OK, DENIED = 200, 403
# model -> {view: status for a moderator}; the views are the admin's changelist, add, change (the form),
# delete, history, plus the extra views a ModelAdmin adds (password, file, crop, progress).
MODERATOR_REACH = {
    ("auth", "user"): {
        "changelist": OK, "add": DENIED, "change": OK, "delete": DENIED, "history": OK, "password": DENIED,
    },
    ("indexing", "album"): {"changelist": OK, "add": DENIED, "change": OK, "delete": DENIED, "history": OK},
    ("indexing", "photo"): {
        "changelist": OK, "add": DENIED, "change": OK, "delete": OK, "history": OK, "file": OK,
    },
    ("indexing", "face"): {"changelist": OK, "add": DENIED, "change": OK, "delete": OK, "history": OK, "crop": OK},
    ("indexing", "enginecollection"): {
        "changelist": OK, "add": DENIED, "change": OK, "delete": DENIED, "history": OK,
    },
    ("indexing", "report"): {"changelist": OK, "add": DENIED, "change": OK, "delete": DENIED, "history": OK},
    ("indexing", "moderationaction"): {
        "changelist": OK, "add": DENIED, "change": OK, "delete": DENIED, "history": OK,
    },
    # Not a moderator's business: Instagram's rows, OAuth links and API keys are the operator's.
    ("indexing", "instagramaccount"): {
        "changelist": DENIED, "add": DENIED, "change": DENIED, "delete": DENIED, "history": DENIED,
    },
    ("indexing", "instagramcrawl"): {
        "changelist": DENIED, "add": DENIED, "change": DENIED, "delete": DENIED, "history": DENIED, "progress": DENIED,
    },
    ("indexing", "instagrammedia"): {
        "changelist": DENIED, "add": DENIED, "change": DENIED, "delete": DENIED, "history": DENIED,
    },
    ("social_django", "usersocialauth"): {
        "changelist": DENIED, "add": DENIED, "change": DENIED, "delete": DENIED, "history": DENIED,
    },
    ("indexing", "apiaccesskey"): {
        "changelist": DENIED, "add": DENIED, "change": DENIED, "delete": DENIED, "history": DENIED,
    },
    **{
        key: {"changelist": DENIED, "add": DENIED, "change": DENIED, "delete": DENIED, "history": DENIED}
        for key in [
            ("auth", "group"),  # permissions: a superuser's
            ("axes", "accessattempt"),
            ("axes", "accessfailurelog"),
            ("axes", "accesslog"),
            ("social_django", "nonce"),
            ("social_django", "association"),
        ]
    },
}  # fmt: skip


@pytest.fixture
def rows(user, faces_dir):
    """One row of every model the admin shows, all of `user` (an ordinary account)."""
    album = album_get_or_create(user, "Trip")
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg", album=album, indexed=True)
    crawl = InstagramCrawl.objects.create(owner=user)
    social = UserSocialAuth.objects.create(user=user, provider="instagram", uid="17", extra_data={})
    report = Report.objects.create(reporter=user, owner=user, photo=photo)
    return {
        ("auth", "user"): user,
        ("indexing", "album"): album,
        ("indexing", "photo"): photo,
        ("indexing", "face"): Face.objects.get(photo=photo),
        ("indexing", "enginecollection"): EngineCollection.objects.get(),
        ("indexing", "report"): report,
        ("indexing", "moderationaction"): ModerationAction.objects.create(
            action=Kind.REPORT_DISMISS, target_type="report", target_id=str(report.pk)
        ),
        ("indexing", "instagramaccount"): InstagramAccount.objects.create(user=user, instagram_id="17"),
        ("indexing", "instagramcrawl"): crawl,
        ("indexing", "instagrammedia"): InstagramMedia.objects.create(
            owner=user, media_id="1", post_id="1", media_type="IMAGE", crawl=crawl
        ),
        ("social_django", "usersocialauth"): social,
        ("indexing", "apiaccesskey"): key_issue(user, "k").key,
    }


def _any_row(key):
    """A row of a model the app does not own (axes' records, social_django's OpenID tables, groups)."""
    from django.apps import apps

    model = apps.get_model(*key)
    found = model.objects.first()
    if found is None:
        fields = {"ip_address": "10.0.0.1", "username": "alice", "user_agent": "test"}
        if key[0] == "social_django":
            fields = {"server_url": "https://idp.test", "handle": "h", "secret": "s", "issued": 0, "lifetime": 1}
            fields |= {"assoc_type": "HMAC-SHA1"} if key[1] == "association" else {"timestamp": 0, "salt": "s"}
            fields.pop("handle") if key[1] == "nonce" else None
        if key == ("axes", "accessattempt"):
            fields |= {"failures_since_start": 1, "get_data": "", "post_data": ""}
        found = model.objects.create(**{k: v for k, v in fields.items() if k in _field_names(model)})
    return found


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.fields}


def _urls(app_label: str, model: str, obj) -> dict[str, str]:
    name = f"admin:{app_label}_{model}"
    urls = {
        "changelist": reverse(f"{name}_changelist"),
        "add": reverse(f"{name}_add"),
        "change": reverse(f"{name}_change", args=[obj.pk]),
        "delete": reverse(f"{name}_delete", args=[obj.pk]),
        "history": reverse(f"{name}_history", args=[obj.pk]),
    }
    extra = {
        "user": ("password", "auth_user_password_change", [obj.pk]),
        "photo": ("file", "indexing_photo_file", [obj.pk, "thumbnail"]),
        "face": ("crop", "indexing_face_crop", [obj.pk]),
        "instagramcrawl": ("progress", "indexing_instagramcrawl_progress", [obj.pk]),
    }
    if model in extra:
        view, url_name, args = extra[model]
        urls[view] = reverse(f"admin:{url_name}", args=args)
    return urls


def test_every_admin_view_a_moderator_reaches_is_listed_with_what_they_may_do(staff, rows):
    registered = {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    assert registered == set(MODERATOR_REACH), "list what a moderator may do with a newly registered model"
    reached = {}
    for key in registered:
        obj = rows.get(key) or _any_row(key)
        reached[key] = {view: staff.get(url).status_code for view, url in _urls(*key, obj).items()}
    assert reached == MODERATOR_REACH


def test_a_moderator_cannot_take_over_an_ordinary_account(staff, user, moderator):
    password_url = reverse("admin:auth_user_password_change", args=[user.pk])
    form = {"password1": "mod-owns-you-123", "password2": "mod-owns-you-123", "usable_password": "true"}
    assert staff.post(password_url, form).status_code == 403
    change = {"username": "mallory", "email": "mod@evil.test", "is_active": "on", "is_staff": "on"}
    staff.post(reverse("admin:auth_user_change", args=[user.pk]), change)
    user.refresh_from_db()
    assert user.check_password("pw-alice-123") and not user.check_password("mod-owns-you-123")
    assert (user.username, user.email, user.is_staff, user.is_superuser) == ("alice", "", False, False)
    assert b"password/" not in staff.get(reverse("admin:auth_user_change", args=[user.pk])).content


def test_a_moderators_bans_are_recorded_and_staff_accounts_are_out_of_reach(staff, user, moderator, django_user_model):
    other_mod = django_user_model.objects.create_user("mod2", password="pw-mod2-123", is_staff=True)
    url = reverse("admin:auth_user_changelist")
    for action in ("ban", "unban"):
        staff.post(url, {"action": action, "_selected_action": [user.pk, other_mod.pk]})
    kinds = list(ModerationAction.objects.filter(moderator=moderator, target_id=str(user.pk)).values_list("action"))
    assert sorted(kinds) == [(Kind.USER_BAN,), (Kind.USER_UNBAN,)]
    assert not ModerationAction.objects.filter(target_id=str(other_mod.pk)).exists()
    other_page = reverse("admin:auth_user_change", args=[other_mod.pk])
    assert staff.post(other_page, {"username": "mod2", "is_staff": ""}).status_code == 403, "seen, never changed"
    other_mod.refresh_from_db()
    assert other_mod.is_staff and other_mod.is_active


def test_a_superuser_still_changes_passwords(user, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-123")
    session = Client()
    session.force_login(root)
    form = {"password1": "new-pass-alice-9", "password2": "new-pass-alice-9", "usable_password": "true"}
    assert session.post(reverse("admin:auth_user_password_change", args=[user.pk]), form).status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-pass-alice-9")
