"""Naming faces: 'This is…', all matches at once, a whole group, and the suggestions that follow."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ...face_index import Match, face_matches, faces_matches
from ...models import Face
from ..models import FaceCluster, FaceDecision, PeopleEvent, Person
from ..selectors import threshold_for
from .engine_users import sync_engine_users
from .errors import PeopleError
from .events import record
from .exclusions import people_in_photos, rejected_people
from .face_changes import set_person
from .person_names import person_get_or_create


@dataclass
class Named:
    person: Person
    created: bool
    confirmed: int  # faces the user named
    suggested: int  # other faces tagged from them, to accept or reject
    skipped: int = 0  # faces left alone: rejected for this person, or their photo already has them
    event: PeopleEvent | None = None


def similar_faces(owner, face: Face, threshold: float, limit: int = 4096) -> list[Match]:
    """The owner's faces that look like `face` (itself excluded), most similar first, hidden photos
    included: people are named across every photo of their owner (face_index.face_matches)."""
    return face_matches(owner, face, threshold, limit, include_hidden=True)


def similar_faces_many(owner, faces: list[Face], threshold: float, limit: int) -> list[list[Match]]:
    """similar_faces of each face (one engine search each, the rows in one query), lean rows: their
    photo, person and group ids only (face_index.LEAN_FIELDS)."""
    return faces_matches(owner, faces, threshold, limit, include_hidden=True)


def confirm_face_as(face: Face, person: Person, states: list, removed: list) -> None:
    """Confirm `face` as `person`; a suggestion of the same person on another face of the photo gives way."""
    if face.person_id == person.pk and face.person_confirmed:
        return
    for other in Face.objects.filter(photo_id=face.photo_id, person=person).exclude(pk=face.pk):
        if other.person_confirmed:
            raise PeopleError(
                f"{person.name} is already on another face of {face.photo.file_name}: "
                "two faces of one photo are two people."
            )
        set_person(other, None, False, states=states)
    decisions = FaceDecision.objects.filter(face=face, person=person, kind=FaceDecision.Kind.REJECTED)
    removed.extend(decision_state(d) for d in decisions)  # naming it overrides an earlier 'not this person'
    decisions.delete()
    set_person(face, person, True, states=states)


def decision_state(d: FaceDecision) -> dict:
    return {
        "photo": d.photo_id,
        "face": d.face_id,
        "person": d.person_id,
        "kind": d.kind,
        "box": [d.left, d.top, d.width, d.height],
    }


def _free_faces(person: Person, candidates: list[tuple[Face, float]], *, unnamed_only: bool):
    """The candidates `person` may take: at most one per photo (the most similar), none in a photo that
    has them already, none the user rejected for them; with unnamed_only, only faces of nobody."""
    rejected = rejected_people([f for f, _ in candidates])
    taken = people_in_photos({f.photo_id for f, _ in candidates}, exclude_faces=[f.pk for f, _ in candidates])
    chosen: dict[int, tuple[Face, float]] = {}
    for face, similarity in candidates:  # most similar first
        if person.pk in rejected.get(face.pk, ()) or person.pk in taken.get(face.photo_id, ()):
            continue
        if face.person_confirmed or (unnamed_only and face.person_id is not None) or face.photo_id in chosen:
            continue
        chosen[face.photo_id] = (face, similarity)
    return list(chosen.values())


def suggest_from(owner, person: Person, faces: list[Face], states: list) -> int:
    """Tag (unconfirmed) the unnamed faces that look like these faces of `person`, above the threshold."""
    threshold, best = threshold_for(owner), {}
    for face in faces:
        for other, similarity in similar_faces(owner, face, threshold):
            if other.pk not in best or best[other.pk][1] < similarity:
                best[other.pk] = (other, similarity)
    candidates = sorted(best.values(), key=lambda p: (-p[1], p[0].pk))
    chosen = _free_faces(person, candidates, unnamed_only=True)
    for face, similarity in chosen:
        set_person(face, person, False, similarity, states=states)
    return len(chosen)


def _finish(owner, person: Person, named: Named, states: list, summary: str, **payload) -> Named:
    if not person.cover_face_id:
        person.cover_face = Face.objects.filter(person=person, person_confirmed=True).order_by("-quality").first()
        person.save(update_fields=["cover_face"])
    named.event = record(
        owner, person, PeopleEvent.Action.NAME, summary, created=named.created, faces=states, **payload
    )
    others = Person.objects.filter(pk__in={s["person"] for s in states if s["person"]})
    transaction.on_commit(lambda: sync_engine_users([person, *others]))
    return named


@transaction.atomic
def name_face(owner, face: Face, name: str, with_matches: bool = False) -> Named:
    """'This is <name>': the face becomes (a new or existing) person; with_matches, every match above
    the owner's threshold too; then the unnamed faces like them are suggested."""
    person, created = person_get_or_create(owner, name)
    states, unrejected = [], []
    confirm_face_as(face, person, states, unrejected)
    named = Named(person, created, 1, 0)
    if with_matches:
        matches = similar_faces(owner, face, threshold_for(owner))
        free = _free_faces(person, [(f, s) for f, s in matches if f.photo_id != face.photo_id], unnamed_only=False)
        for match, _ in free:
            confirm_face_as(match, person, states, unrejected)
        named.confirmed += len(free)
        named.skipped = len(matches) - len(free)
    confirmed = list(Face.objects.filter(person=person, person_confirmed=True, pk__in=[s["id"] for s in states]))
    named.suggested = suggest_from(owner, person, confirmed, states)
    return _finish(
        owner, person, named, states, f"Named {named.confirmed} face(s) {person.name}", unrejected=unrejected
    )


@transaction.atomic
def name_cluster(owner, cluster: FaceCluster, name: str) -> Named:
    """Name a whole group of unnamed faces in one step; the group is gone after."""
    person, created = person_get_or_create(owner, name)
    faces = list(cluster.faces.select_related("photo").order_by("-quality", "id"))
    free = _free_faces(person, [(f, 100.0) for f in faces], unnamed_only=True)
    states, unrejected = [], []
    for face, _ in free:
        confirm_face_as(face, person, states, unrejected)
    named = Named(person, created, len(free), 0, skipped=len(faces) - len(free))
    named.suggested = suggest_from(owner, person, [f for f, _ in free], states)
    payload = {"cluster": {"id": cluster.pk, "hidden": cluster.hidden}}
    cluster.delete()
    return _finish(
        owner,
        person,
        named,
        states,
        f"Named a group of {named.confirmed} face(s) {person.name}",
        unrejected=unrejected,
        **payload,
    )


@transaction.atomic
def accept_suggestions(owner, person: Person, face_ids: list[int]) -> int:
    """Confirm the faces auto-tagged with this person (the person's own photos only)."""
    faces = list(person.faces.filter(pk__in=face_ids, person_confirmed=False))
    states = []
    for face in faces:
        set_person(face, person, True, face.person_similarity, states=states)
    if faces:
        record(
            owner, person, PeopleEvent.Action.ACCEPT, f"Confirmed {len(faces)} face(s) as {person.name}", faces=states
        )
        transaction.on_commit(lambda: sync_engine_users([person]))
    return len(faces)


@transaction.atomic
def reject_faces(owner, person: Person, face_ids: list[int]) -> int:
    """'Not this person': the faces leave the person, and are never suggested for them again."""
    faces = list(person.faces.filter(pk__in=face_ids))
    states, decisions = [], []
    for face in faces:
        decisions.append(reject_decision(owner, face, person).pk)
        set_person(face, None, False, states=states)
    if faces:
        record(
            owner,
            person,
            PeopleEvent.Action.REJECT,
            f"{len(faces)} face(s) are not {person.name}",
            faces=states,
            decisions=decisions,
        )
        transaction.on_commit(lambda: sync_engine_users([person]))
    return len(faces)


def reject_decision(owner, face: Face, person: Person) -> FaceDecision:
    box = face.box
    return FaceDecision.objects.create(
        owner=owner,
        photo_id=face.photo_id,
        face=face,
        person=person,
        kind=FaceDecision.Kind.REJECTED,
        left=box["Left"],
        top=box["Top"],
        width=box["Width"],
        height=box["Height"],
    )
