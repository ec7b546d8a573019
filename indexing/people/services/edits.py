"""Changing people: rename, merge, split, hide, cover, and 'not a face'. Each change is an event to undo."""

from __future__ import annotations

from django.db import transaction

from ...face_index import faces_remove_from_engine
from ...models import Face
from ...stored_files import files_delete
from ..models import FaceCluster, FaceDecision, LivingAlbum, PeopleEvent, Person
from .engine_users import sync_engine_users
from .errors import PeopleError
from .events import record
from .exclusions import people_in_photos
from .face_changes import set_person
from .naming import confirm_face_as, reject_decision
from .person_names import clean_name, person_get_or_create, person_named


@transaction.atomic
def rename_person(owner, person: Person, name: str) -> PeopleEvent:
    name = clean_name(name)
    same = person_named(owner, name)
    if same and same.pk != person.pk:
        raise PeopleError(f"You already have someone named {same.name}: merge the two instead.")
    old, person.name = person.name, name
    person.save(update_fields=["name"])
    return record(owner, person, PeopleEvent.Action.RENAME, f"Renamed {old} to {name}", old=old, new=name)


@transaction.atomic
def merge_people(owner, source: Person, target: Person) -> PeopleEvent:
    """Every face of `source` goes to `target`, except where both are in one photo (two faces of one
    photo are two people): there the source's face is left unnamed. `source` is kept, merged, for undo."""
    if source.pk == target.pk:
        raise PeopleError("Choose two different people to merge.")
    states = []
    in_target = people_in_photos(source.faces.values_list("photo_id", flat=True))
    for face in source.faces.all():
        if target.pk in in_target.get(face.photo_id, ()):
            set_person(face, None, False, states=states)
        else:
            set_person(face, target, face.person_confirmed, face.person_similarity, states=states)
    decisions = list(FaceDecision.objects.filter(person=source).values_list("pk", flat=True))
    FaceDecision.objects.filter(pk__in=decisions).update(person=target)  # 'not source' is 'not target' now
    albums = [a.pk for a in LivingAlbum.objects.filter(people=source).exclude(people=target)]
    for album in LivingAlbum.objects.filter(pk__in=albums):
        album.people.add(target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    if not target.cover_face_id and source.cover_face_id:
        target.cover_face_id = source.cover_face_id
        target.save(update_fields=["cover_face"])
    event = record(
        owner,
        target,
        PeopleEvent.Action.MERGE,
        f"Merged {source.name} into {target.name}",
        source=source.pk,
        faces=states,
        decisions=decisions,
        albums=albums,
    )
    transaction.on_commit(lambda: sync_engine_users([source, target]))
    return event


@transaction.atomic
def split_faces(owner, person: Person, face_ids: list[int], new_name: str = "") -> PeopleEvent:
    """Take wrongly assigned faces off `person`: to another (new or existing) person when named,
    else unnamed. They are never suggested for `person` again."""
    faces = list(person.faces.filter(pk__in=face_ids).select_related("photo"))
    if not faces:
        raise PeopleError("Choose the faces to split off.")
    target, created = person_get_or_create(owner, new_name) if new_name.strip() else (None, False)
    if target is not None and target.pk == person.pk:
        raise PeopleError(f"These faces are {person.name} already.")
    states, decisions, unrejected = [], [], []
    for face in faces:
        decisions.append(reject_decision(owner, face, person).pk)
        if target is None:
            set_person(face, None, False, states=states)
        else:
            confirm_face_as(face, target, states, unrejected)
    if person.cover_face_id in {f.pk for f in faces}:
        person.cover_face = person.faces.filter(person_confirmed=True).order_by("-quality").first()
        person.save(update_fields=["cover_face"])
    if target is not None and not target.cover_face_id:
        target.cover_face = faces[0]
        target.save(update_fields=["cover_face"])
    where = f" to {target.name}" if target else ""
    event = record(
        owner,
        person,
        PeopleEvent.Action.SPLIT,
        f"Split {len(faces)} face(s) off {person.name}{where}",
        faces=states,
        decisions=decisions,
        target=target.pk if target else None,
        created=created,
        unrejected=unrejected,
    )
    transaction.on_commit(lambda: sync_engine_users([person, target]))
    return event


@transaction.atomic
def hide_person(owner, person: Person, hidden: bool = True) -> PeopleEvent:
    previous, person.hidden = person.hidden, hidden
    person.save(update_fields=["hidden"])
    return record(
        owner, person, PeopleEvent.Action.HIDE, f"{'Hid' if hidden else 'Showed'} {person.name}", previous=previous
    )


@transaction.atomic
def set_cover(owner, person: Person, face: Face) -> PeopleEvent:
    if face.person_id != person.pk:
        raise PeopleError(f"That face is not {person.name}.")
    previous, person.cover_face = person.cover_face_id, face
    person.save(update_fields=["cover_face"])
    return record(owner, person, PeopleEvent.Action.COVER, f"New cover for {person.name}", previous=previous)


@transaction.atomic
def mark_not_a_face(owner, face: Face) -> PeopleEvent:
    """The face leaves the collection, its person and its group; the decision stays with the photo's
    box, so that indexing the photo again drops it again."""
    box, person = face.box, face.person
    decision = FaceDecision.objects.create(
        owner=owner,
        photo_id=face.photo_id,
        kind=FaceDecision.Kind.NOT_A_FACE,
        left=box["Left"],
        top=box["Top"],
        width=box["Width"],
        height=box["Height"],
    )
    drop_faces(owner, [face])
    event = record(
        owner,
        person,
        PeopleEvent.Action.NOT_A_FACE,
        f"A box of {face.photo.file_name} is not a face",
        decision=decision.pk,
        photo=face.photo_id,
    )
    if person is not None:
        transaction.on_commit(lambda: sync_engine_users([person]))
    return event


@transaction.atomic
def join_groups(owner, keep: FaceCluster, other: FaceCluster) -> int:
    """Two groups of unnamed faces are one person: `other`'s faces join `keep`, `other` goes."""
    if keep.owner_id != owner.pk or other.owner_id != owner.pk or keep.pk == other.pk:
        raise PeopleError("Choose two different groups of yours.")
    moved = Face.objects.filter(cluster=other, person__isnull=True).update(cluster=keep)
    other.delete()
    return moved


def drop_faces(owner, faces: list[Face]) -> None:
    """Remove faces from the engine and the database (their crops once committed)."""
    faces_remove_from_engine(owner, [f.engine_face_id for f in faces])
    crops = [f.crop for f in faces]
    Person.objects.filter(cover_face__in=faces).update(cover_face=None)
    Face.objects.filter(pk__in=[f.pk for f in faces]).delete()
    transaction.on_commit(lambda: files_delete(crops))
