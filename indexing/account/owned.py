"""Which rows are a user's: the one rule that the erasure, the consent withdrawal and the export walk.

Every foreign key (or one-to-one) to the user model, in every installed app, is one of:
- an owner link: the rows where it is the user are theirs. A field named `owner` or `user` is one;
  a link with another name is one when OWNER_LINKS declares it;
- a link that does not make the row theirs, declared in NOT_OWNER_LINKS with the reason.
tests/indexing/account/test_owned.py fails on a link that is neither, so a model added later is
erased (or consciously left out) the day it is added. Rows that hang off owned rows without a user
link of their own (a living album's people, the engine's tables) go with them: cascades, collections.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

OWNER_FIELD_NAMES = ("owner", "user")
# "<app_label>.<Model>.<field>": owner links whose name does not say so.
OWNER_LINKS = {"indexing.Report.reporter": "the reports the user made"}
# "<app_label>.<Model>.<field>": links to a user that do not make the row theirs, and why.
NOT_OWNER_LINKS = {
    "indexing.Report.owner": "whose photo was reported: the report is its reporter's (the photo goes with its owner)",
    "indexing.Report.resolved_by": "the moderator who closed the report",
    "indexing.ModerationAction.moderator": "the record of moderator actions, which nobody edits or deletes",
    "indexing.ModerationAction.target_owner": "the record of moderator actions, which nobody edits or deletes",
    "admin.LogEntry.user": "the admin's log of what a staff member changed",
    "auth.User_groups.user": "the login itself, which 'Delete my data' keeps (deleting the account removes it)",
    "auth.User_user_permissions.user": "the login itself, which 'Delete my data' keeps",
}
# Owned rows the erasure keeps, emptied of what is personal: "<app_label>.<Model>" -> (fields to clear, why).
KEPT_SCRUBBED = {
    "social_django.UserSocialAuth": (
        {"extra_data": {}},
        "the link to the Instagram login (so logging in with Instagram still works); its tokens go",
    ),
}
# Owned models that exist because faces were indexed: withdrawing consent deletes their rows.
FACE_DERIVED = {
    "indexing.Face": "a face: its box, crop and the id of its template in the engine",
    "indexing.FaceCluster": "a group of faces that look alike",
}
# Owned fields that hold engine face ids: withdrawing consent empties them.
FACE_DERIVED_FIELDS = {"indexing.Person.engine_face_ids": []}


@dataclass(frozen=True)
class OwnerLink:
    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows_of(self, user) -> models.QuerySet:
        return self.model._base_manager.filter(**{self.field: user})


def user_links() -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete foreign key or one-to-one to the user model, auto-created tables included."""
    user_model = get_user_model()
    return [
        (model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.many_to_one | field.one_to_one
        and field.related_model is user_model
    ]


def _key(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def is_owner_link(model, field) -> bool:
    key = _key(model, field)
    return key not in NOT_OWNER_LINKS and (field.name in OWNER_FIELD_NAMES or key in OWNER_LINKS)


def unclassified_links() -> list[str]:
    """User links the rule does not place: each must become an owner link or a declared exception."""
    return [_key(m, f) for m, f in user_links() if not is_owner_link(m, f) and _key(m, f) not in NOT_OWNER_LINKS]


def owner_links() -> list[OwnerLink]:
    return [OwnerLink(model, field.name) for model, field in user_links() if is_owner_link(model, field)]


def owned_models() -> set[str]:
    return {link.label for link in owner_links()}


def owned_files(user, labels: set[str] | None = None) -> list:
    """The stored files (FieldFile) of the user's rows, of every owned model or of those in `labels`."""
    found = []
    for link in owner_links():
        if labels is not None and link.label not in labels:
            continue
        for field in link.model._meta.fields:
            if isinstance(field, models.FileField):
                for row in link.rows_of(user).exclude(**{field.name: ""}).only(field.name):
                    found.append(getattr(row, field.name))
    return found
