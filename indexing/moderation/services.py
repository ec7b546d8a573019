"""What moderators do: each action does its engine side-effects and records who did what, when."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..account.services import account_data_delete
from ..face_index import Match, face_matches, faces_remove_from_engine
from ..models import Face, ModerationAction, Photo, Report
from ..photos.services import photo_delete, photo_reindex, photos_enqueue
from ..stored_files import files_delete

log = logging.getLogger(__name__)
Kind = ModerationAction.Kind


def record(
    moderator, action: str, target, target_owner=None, report: Report | None = None, detail: str = ""
) -> ModerationAction:
    """Write the audit row: who (moderator), what (action on target), when (now)."""
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        target_owner=target_owner,
        report=report,
        detail=detail[:2000],
    )


def report_create(
    reporter, *, photo: Photo | None = None, face: Face | None = None, reason: str = "", note: str = ""
) -> Report:
    """A user reports one of the photos or faces they can see."""
    if face is not None:
        photo = face.photo
    if reason not in Report.Reason.values:
        reason = Report.Reason.OTHER
    return Report.objects.create(
        reporter=reporter, owner=photo.owner, photo=photo, face=face, reason=reason, note=note[:2000]
    )


def photo_hide(moderator, photo: Photo, report: Report | None = None) -> None:
    Photo.objects.filter(pk=photo.pk).update(hidden=True)
    photo.hidden = True
    record(moderator, Kind.PHOTO_HIDE, photo, photo.owner, report, photo.file_name)


def photo_unhide(moderator, photo: Photo) -> None:
    Photo.objects.filter(pk=photo.pk).update(hidden=False)
    photo.hidden = False
    record(moderator, Kind.PHOTO_UNHIDE, photo, photo.owner, detail=photo.file_name)


def photo_reindex_by(moderator, photo: Photo) -> None:
    photo_reindex(photo)
    record(moderator, Kind.PHOTO_REINDEX, photo, photo.owner, detail=photo.file_name)


def photo_delete_by(moderator, photo: Photo, report: Report | None = None) -> None:
    """Delete the photo, its faces in the engine collection and its files."""
    owner, detail = photo.owner, f"{photo.file_name} ({photo.faces.count()} faces)"
    action = record(moderator, Kind.PHOTO_DELETE, photo, owner, report, detail)
    photo_delete(photo)
    log.info("moderator %s deleted photo %s of user %s", getattr(moderator, "pk", None), action.target_id, owner.pk)


def face_remove(moderator, face: Face) -> None:
    """Remove one face from its owner's collection: engine entry, row and crop."""
    record(moderator, Kind.FACE_REMOVE, face, face.owner, detail=f"{face.engine_face_id} in {face.photo}")
    faces_remove_from_engine(face.owner, [face.engine_face_id])
    crop = face.crop
    with transaction.atomic():
        face.delete()
        transaction.on_commit(lambda: files_delete([crop]))


def user_ban(moderator, user, report: Report | None = None) -> None:
    """The user cannot log in any more (sessions end at their next request) and their pending work stops."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    record(moderator, Kind.USER_BAN, user, user, report, user.get_username())


def user_unban(moderator, user) -> None:
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    record(moderator, Kind.USER_UNBAN, user, user, detail=user.get_username())
    pending = list(Photo.objects.filter(owner=user, status=Photo.Status.PENDING).values_list("pk", flat=True))
    transaction.on_commit(lambda: photos_enqueue(pending))


def user_delete(moderator, user) -> None:
    """Delete a user with every piece of their data, the engine collection included."""
    record(moderator, Kind.USER_DELETE, user, None, detail=user.get_username())
    account_data_delete(user)
    user.delete()


def report_resolve(moderator, report: Report, decision: str) -> None:
    """Close a report with one decision: dismiss it, hide or delete the photo, or ban its owner."""
    photo = report.photo
    if decision == Report.Status.DISMISSED:
        record(moderator, Kind.REPORT_DISMISS, report, report.owner, report, report.note)
    elif decision == Report.Status.HIDDEN and photo:
        photo_hide(moderator, photo, report)
    elif decision == Report.Status.DELETED and photo:
        photo_delete_by(moderator, photo, report)
    elif decision == Report.Status.BANNED and report.owner:
        user_ban(moderator, report.owner, report)
    else:
        raise ValueError(f"report {report.pk} cannot be resolved as {decision!r}: its photo or owner is gone")
    Report.objects.filter(pk=report.pk).update(status=decision, resolved_at=timezone.now(), resolved_by=moderator)


def face_neighbours(face: Face, limit: int = 8) -> list[Match]:
    """The faces of the same owner most similar to `face` (moderators only: hidden photos included)."""
    return face_matches(face.owner, face, settings.FACE_MATCH_THRESHOLD, limit, include_hidden=True)


# What a moderator may do in the admin: model name -> permissions (codename prefixes).
MODERATOR_PERMISSIONS = {
    ("auth", "user"): ("view", "change"),
    ("indexing", "album"): ("view",),
    ("indexing", "photo"): ("view", "change", "delete"),
    ("indexing", "face"): ("view", "delete"),
    ("indexing", "enginecollection"): ("view",),
    ("indexing", "report"): ("view", "change"),
    ("indexing", "moderationaction"): ("view",),
}


def moderator_grant(user) -> None:
    """Make `user` a moderator: staff, in the Moderators group (created with its permissions if needed)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Moderators")
    for (app_label, model), actions in MODERATOR_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    user.is_staff = True
    user.groups.add(group)
