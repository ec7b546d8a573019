"""Undo: every people event carries what putting things back needs; the newest change goes first."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ...models import Face, Photo

# The module, not its names: the photo pipeline (run by photos.services) tags people through this
# package, so photos.services may still be half-imported when this module is.
from ...photos import services as photo_services
from ..models import FaceCluster, FaceDecision, LivingAlbum, PeopleEvent, Person
from .engine_users import delete_engine_user, sync_engine_users
from .errors import PeopleError
from .person_names import person_named

Action = PeopleEvent.Action


def _people_of(event: PeopleEvent) -> set[int]:
    ids = {event.person_id, event.payload.get("source"), event.payload.get("target")}
    ids |= {s["person"] for s in event.payload.get("faces", [])}
    return {i for i in ids if i}


def _later_change(event: PeopleEvent) -> PeopleEvent | None:
    people = _people_of(event)
    later = PeopleEvent.objects.filter(owner_id=event.owner_id, undone_at__isnull=True, id__gt=event.pk)
    return later.filter(
        Q(person_id__in=people) | Q(payload__source__in=list(people)) | Q(payload__target__in=list(people))
    ).first()


@transaction.atomic
def undo(owner, event: PeopleEvent) -> list[Person]:
    """Put back what `event` changed; the people it touched are answered (to show the user)."""
    event = PeopleEvent.objects.select_for_update().get(pk=event.pk, owner=owner)
    if event.undone_at:
        raise PeopleError("That change was undone already.")
    later = _later_change(event)
    if later:
        raise PeopleError(f"Undo the later change first: {later.summary}.")
    handler = {
        Action.RENAME: _undo_rename,
        Action.MERGE: _undo_merge,
        Action.HIDE: _undo_hide,
        Action.COVER: _undo_cover,
        Action.NOT_A_FACE: _undo_not_a_face,
    }.get(event.action, _undo_faces)
    touched = handler(event)
    event.undone_at = timezone.now()
    event.save(update_fields=["undone_at"])
    alive = [p for p in touched if Person.objects.filter(pk=p.pk).exists()]
    transaction.on_commit(lambda: sync_engine_users(alive))
    return alive


def _restore_faces(states: list[dict]) -> set[int]:
    """Faces back to their recorded state (the earliest record of a face wins); faces gone since are skipped."""
    faces = Face.objects.in_bulk([s["id"] for s in states])
    live_people = set(
        Person.objects.filter(pk__in={s["person"] for s in states if s["person"]}).values_list("pk", flat=True)
    )
    live_clusters = set(
        FaceCluster.objects.filter(pk__in={s["cluster"] for s in states if s["cluster"]}).values_list("pk", flat=True)
    )
    for state in reversed(states):
        face = faces.get(state["id"])
        if face is None:
            continue
        face.person_id = state["person"] if state["person"] in live_people else None
        face.person_confirmed = state["confirmed"] and face.person_id is not None
        face.person_similarity = state["similarity"]
        face.cluster_id = state["cluster"] if state["cluster"] in live_clusters else None
        face.save(update_fields=["person", "person_confirmed", "person_similarity", "cluster"])
    return {s["person"] for s in states if s["person"]}


def _restore_decisions(saved: list[dict], owner_id: int) -> None:
    for d in saved:
        if Photo.objects.filter(pk=d["photo"], owner_id=owner_id).exists():
            left, top, width, height = d["box"]
            FaceDecision.objects.create(
                owner_id=owner_id,
                photo_id=d["photo"],
                person_id=d["person"],
                face_id=d["face"] if Face.objects.filter(pk=d["face"]).exists() else None,
                kind=d["kind"],
                left=left,
                top=top,
                width=width,
                height=height,
            )


def _undo_faces(event: PeopleEvent) -> list[Person]:
    """Naming, assigning, accepting, rejecting, splitting: faces, decisions, groups and new people back."""
    payload = event.payload
    cluster = payload.get("cluster")
    if cluster:
        FaceCluster.objects.get_or_create(
            pk=cluster["id"], owner_id=event.owner_id, defaults={"hidden": cluster["hidden"]}
        )
    FaceDecision.objects.filter(pk__in=payload.get("decisions", []), owner_id=event.owner_id).delete()
    _restore_decisions(payload.get("unrejected", []), event.owner_id)
    touched = _restore_faces(payload.get("faces", [])) | {event.person_id, payload.get("target")}
    people = list(Person.objects.filter(pk__in=[p for p in touched if p], owner_id=event.owner_id))
    created = payload.get("target") if event.action == Action.SPLIT else event.person_id
    if payload.get("created"):
        for person in people:
            if person.pk == created and not person.faces.exists():
                delete_engine_user(person)
                person.delete()
    return people


def _undo_rename(event: PeopleEvent) -> list[Person]:
    person = event.person
    same = person_named(event.owner, event.payload["old"])
    if same and same.pk != person.pk:
        raise PeopleError(f"Someone else is named {same.name} now.")
    person.name = event.payload["old"]
    person.save(update_fields=["name"])
    return [person]


def _undo_merge(event: PeopleEvent) -> list[Person]:
    target = event.person
    source = Person.objects.get(pk=event.payload["source"], owner_id=event.owner_id)
    same = person_named(event.owner, source.name)
    if same and same.pk != target.pk:
        raise PeopleError(f"Someone else is named {source.name} now.")
    source.merged_into = None
    source.save(update_fields=["merged_into"])
    _restore_faces(event.payload["faces"])
    FaceDecision.objects.filter(pk__in=event.payload["decisions"]).update(person=source)
    for album in LivingAlbum.objects.filter(pk__in=event.payload["albums"]):
        album.people.remove(target)
    if target.cover_face_id and target.cover_face.person_id != target.pk:
        target.cover_face = target.faces.filter(person_confirmed=True).order_by("-quality").first()
        target.save(update_fields=["cover_face"])
    return [source, target]


def _undo_hide(event: PeopleEvent) -> list[Person]:
    event.person.hidden = event.payload["previous"]
    event.person.save(update_fields=["hidden"])
    return []


def _undo_cover(event: PeopleEvent) -> list[Person]:
    event.person.cover_face = Face.objects.filter(pk=event.payload["previous"]).first()
    event.person.save(update_fields=["cover_face"])
    return []


def _undo_not_a_face(event: PeopleEvent) -> list[Person]:
    """The decision goes and the photo is indexed again, which brings the face back."""
    FaceDecision.objects.filter(pk=event.payload["decision"], owner_id=event.owner_id).delete()
    photo = Photo.objects.filter(pk=event.payload["photo"], owner_id=event.owner_id).first()
    if photo is not None:
        photo_services.photo_reindex(photo)
    return []
