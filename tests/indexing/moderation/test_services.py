"""Moderation in the admin: each action does its engine side-effects and is recorded (who, what, when)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indexing.engine.errors import ResourceNotFound
from indexing.face_index import collection_id_for, get_engine
from indexing.models import Face, ModerationAction, Photo, Report
from indexing.photos.pipeline.runner import index_photo_now
from tests.factories import PhotoFactory, indexed_photos

pytestmark = pytest.mark.django_db


@pytest.fixture
def photos(user, faces_dir):
    return indexed_photos(user, ("barack_obama_1.jpg", "barack_obama_2.jpg", "group_obama_biden_2.jpg"))


def _engine_ids(user) -> set[str]:
    try:
        return {f["FaceId"] for f in get_engine().list_faces(collection_id_for(user))["Faces"]}
    except ResourceNotFound:
        return set()


def _act(client, model: str, action: str, *objects):
    url = reverse(f"admin:indexing_{model}_changelist")
    response = client.post(url, {"action": action, "_selected_action": [o.pk for o in objects]})
    assert response.status_code == 302 and response["Location"] == url, response.content[:500]


def _recorded(moderator, action: str, target) -> ModerationAction:
    return ModerationAction.objects.get(
        moderator=moderator, action=action, target_type=target._meta.model_name, target_id=str(target.pk)
    )


def test_every_admin_page_opens_for_a_moderator_with_previews(staff, user, photos):
    photo = photos["group_obama_biden_2.jpg"]
    face = Face.objects.get(photo=photos["barack_obama_1.jpg"])
    Report.objects.create(reporter=user, owner=user, photo=photo, face=photo.faces.first())
    pages = [
        reverse(f"admin:indexing_{m}_changelist")
        for m in ("album", "photo", "face", "enginecollection", "report", "moderationaction")
    ]
    pages += [
        reverse("admin:auth_user_changelist"),
        reverse("admin:indexing_photo_change", args=[photo.pk]),
        reverse("admin:indexing_face_change", args=[face.pk]),
        reverse("admin:auth_user_change", args=[user.pk]),
    ]
    for url in pages:
        assert staff.get(url).status_code == 200, url
    listing = staff.get(reverse("admin:indexing_photo_changelist")).content.decode()
    assert reverse("admin:indexing_photo_file", args=[photo.pk, "thumbnail"]) in listing
    users = staff.get(reverse("admin:auth_user_changelist") + "?q=alice").content.decode()
    assert '<td class="field-photo_count">3</td>' in users and '<td class="field-face_count">4</td>' in users
    # similarity neighbours: the other photo of Obama, with its similarity
    neighbours = staff.get(reverse("admin:indexing_face_change", args=[face.pk])).content.decode()
    twin = Face.objects.get(photo=photos["barack_obama_2.jpg"])
    assert reverse("admin:indexing_face_change", args=[twin.pk]) in neighbours and "%</a>" in neighbours
    thumb = staff.get(reverse("admin:indexing_photo_file", args=[photo.pk, "thumbnail"]))
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"
    assert staff.get(reverse("admin:indexing_face_crop", args=[face.pk])).status_code == 200
    assert staff.get(reverse("admin:indexing_photo_changelist") + "?q=obama_2&status=indexed").status_code == 200


def test_a_report_from_the_owner_reaches_the_queue(client, user, photos, moderator):
    client.force_login(user)
    face = photos["group_obama_biden_2.jpg"].faces.first()
    client.post(reverse("face_report", args=[face.pk]), {"reason": "not_me", "note": "not him"})
    client.force_login(moderator)
    queue = client.get(reverse("admin:indexing_report_changelist") + "?status=open").content.decode()
    assert "not him" in queue and reverse("admin:indexing_face_crop", args=[face.pk]) in queue
    assert Report.objects.get().photo == face.photo


def test_hiding_a_reported_photo_hides_it_from_its_owner_everywhere(staff, client, user, photos, moderator):
    hidden, other = photos["barack_obama_2.jpg"], photos["barack_obama_1.jpg"]
    report = Report.objects.create(reporter=user, owner=user, photo=hidden, reason="inappropriate")
    _act(staff, "report", "hide_photo", report)
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN and report.resolved_by == moderator and report.resolved_at
    assert _recorded(moderator, ModerationAction.Kind.PHOTO_HIDE, hidden).report == report
    client.force_login(user)
    assert "barack_obama_2" not in client.get(reverse("gallery")).content.decode()
    for url in (
        reverse("photo", args=[hidden.pk]),
        reverse("photo_file", args=[hidden.pk, "thumbnail"]),
        reverse("face_matches", args=[hidden.faces.get().pk]),
    ):
        assert client.get(url).status_code == 404, url
    matches = client.get(reverse("face_matches", args=[other.faces.get().pk])).content.decode()
    assert "barack_obama_2" not in matches and "group_obama_biden_2" in matches
    _act(staff, "photo", "unhide", hidden)
    assert client.get(reverse("photo", args=[hidden.pk])).status_code == 200
    assert _recorded(moderator, ModerationAction.Kind.PHOTO_UNHIDE, hidden)


def test_removing_a_face_takes_it_out_of_the_collection_and_the_matches(
    staff, client, user, photos, moderator, media_root, django_capture_on_commit_callbacks
):
    face = photos["barack_obama_2.jpg"].faces.get()
    engine_id, crop = face.engine_face_id, media_root / face.crop.name
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff, "face", "remove_from_collection", face)
    assert not Face.objects.filter(pk=face.pk).exists() and engine_id not in _engine_ids(user) and not crop.exists()
    assert _recorded(moderator, ModerationAction.Kind.FACE_REMOVE, face).target_owner == user
    client.force_login(user)
    matches = client.get(reverse("face_matches", args=[photos["barack_obama_1.jpg"].faces.get().pk]))
    assert "barack_obama_2" not in matches.content.decode()


def test_deleting_a_photo_in_the_admin_deletes_its_faces_and_files(
    staff, user, photos, moderator, media_root, django_capture_on_commit_callbacks
):
    photo = photos["group_obama_biden_2.jpg"]
    ids = set(photo.faces.values_list("engine_face_id", flat=True))
    files = [
        media_root / n for n in (photo.original.name, photo.thumbnail.name, *(f.crop.name for f in photo.faces.all()))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:indexing_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists() and not ids & _engine_ids(user)
    assert not any(f.exists() for f in files)
    assert _recorded(moderator, ModerationAction.Kind.PHOTO_DELETE, photo).detail == "group_obama_biden_2.jpg (2 faces)"
    assert len(_engine_ids(user)) == 2, "the other photos keep their faces"


def test_reindex_queues_the_photo_again(staff, photos, moderator, django_capture_on_commit_callbacks):
    photo = photos["barack_obama_1.jpg"]
    with django_capture_on_commit_callbacks() as queued:
        _act(staff, "photo", "reindex", photo)
    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING and len(queued) == 1
    assert _recorded(moderator, ModerationAction.Kind.PHOTO_REINDEX, photo)


def test_banning_the_owner_ends_their_sessions_and_their_pending_work(
    staff, client, user, photos, moderator, faces_dir
):
    client.force_login(user)
    report = Report.objects.create(reporter=user, owner=user, photo=photos["barack_obama_1.jpg"])
    waiting = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    _act(staff, "report", "ban_owner", report)
    user.refresh_from_db()
    assert not user.is_active and _recorded(moderator, ModerationAction.Kind.USER_BAN, user).report == report
    assert client.get(reverse("gallery")).status_code == 302, "the open session ended"
    response = client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    assert response.status_code == 200 and "Please enter a correct username and password" in response.content.decode()
    assert client.get(reverse("gallery")).status_code == 302
    assert index_photo_now(waiting.pk) is None
    waiting.refresh_from_db()
    assert waiting.status == Photo.Status.PENDING and not waiting.faces.exists()

    _act(staff, "report", "dismiss", report)  # closed already: nothing happens
    assert not ModerationAction.objects.filter(action=ModerationAction.Kind.REPORT_DISMISS).exists()
    staff.post(reverse("admin:auth_user_changelist"), {"action": "unban", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.is_active and _recorded(moderator, ModerationAction.Kind.USER_UNBAN, user)


def test_dismissing_a_report_changes_nothing_but_the_report(staff, user, photos, moderator):
    photo = photos["barack_obama_1.jpg"]
    report = Report.objects.create(reporter=user, owner=user, photo=photo)
    _act(staff, "report", "dismiss", report)
    report.refresh_from_db()
    photo.refresh_from_db()
    assert report.status == Report.Status.DISMISSED and not photo.hidden and photo.faces.count() == 1
    assert _recorded(moderator, ModerationAction.Kind.REPORT_DISMISS, report)


def test_a_moderator_cannot_touch_staff_accounts_nor_the_record(staff, moderator, django_user_model, photos):
    admin_user = django_user_model.objects.create_superuser("root", password="pw-root-123")
    assert staff.get(reverse("admin:auth_user_password_change", args=[admin_user.pk])).status_code == 403
    staff.post(reverse("admin:auth_user_changelist"), {"action": "ban", "_selected_action": [admin_user.pk]})
    admin_user.refresh_from_db()
    assert admin_user.is_active
    _act(staff, "photo", "hide", photos["barack_obama_1.jpg"])
    entry = ModerationAction.objects.get()
    assert (
        staff.post(reverse("admin:indexing_moderationaction_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ModerationAction.objects.count() == 1


def test_deleting_a_user_in_the_admin_deletes_their_collection(
    client, django_user_model, user, photos, django_capture_on_commit_callbacks
):
    root = django_user_model.objects.create_superuser("root", password="pw-root-123")
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert not django_user_model.objects.filter(pk=user.pk).exists() and not Face.objects.exists()
    with pytest.raises(ResourceNotFound):
        get_engine().describe_collection(collection_id_for(user))
    assert ModerationAction.objects.get().action == ModerationAction.Kind.USER_DELETE
