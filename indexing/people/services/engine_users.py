"""Each named person is a user of the owner's engine collection, holding their best 100 confirmed faces.

The database is the truth: the engine side is brought in line after each change, and an engine
failure is logged and mended by the next sync of that person.
"""

from __future__ import annotations

import logging

from ...engine.base import MAX_FACES_PER_USER
from ...engine.errors import Conflict, EngineError, ResourceNotFound
from ...face_index import collection_id_for, get_engine
from ..models import Person

log = logging.getLogger(__name__)


def _wanted(person: Person) -> list[str]:
    if person.merged_into_id:
        return []
    faces = person.faces.filter(person_confirmed=True).order_by("-quality", "id")
    return list(faces.values_list("engine_face_id", flat=True)[:MAX_FACES_PER_USER])


def sync_engine_users(people: list[Person]) -> None:
    """Bring the engine users of these people in line with their confirmed faces.

    Removals run first for every person, so that a face moving from one person to another is
    free when the second takes it (a face belongs to at most one engine user).
    """
    plans = []
    for person in {p.pk: p for p in people if p is not None}.values():
        person.refresh_from_db()
        plans.append((person, _wanted(person)))
    for person, wanted in plans:
        try:
            _remove(person, wanted)
        except (EngineError, NotImplementedError) as e:
            log.warning("could not update the engine user of person %s: %s", person.pk, e)
    for person, wanted in plans:
        try:
            _add(person, wanted)
        except (EngineError, NotImplementedError) as e:
            log.warning("could not update the engine user of person %s: %s", person.pk, e)


def _remove(person: Person, wanted: list[str]) -> None:
    engine, collection, had = get_engine(), collection_id_for(person.owner), list(person.engine_face_ids)
    if had and not wanted:
        try:
            engine.delete_user(collection, person.engine_user_id)
        except ResourceNotFound:
            pass
        _save(person, [])
        return
    gone = [f for f in had if f not in set(wanted)]
    for start in range(0, len(gone), MAX_FACES_PER_USER):
        try:
            engine.disassociate_faces(collection, person.engine_user_id, gone[start : start + MAX_FACES_PER_USER])
        except ResourceNotFound:
            break
    if gone:
        _save(person, [f for f in had if f in set(wanted)])


def _add(person: Person, wanted: list[str]) -> None:
    engine, collection = get_engine(), collection_id_for(person.owner)
    new = [f for f in wanted if f not in set(person.engine_face_ids)]
    if not new:
        return
    if not person.engine_face_ids:
        _create(engine, collection, person)
    # The user said these faces are this person: associate them whatever their similarity.
    try:
        answer = engine.associate_faces(collection, person.engine_user_id, new, user_match_threshold=0)
    except ResourceNotFound:  # the engine lost the user (a collection made anew): make it again
        _create(engine, collection, person)
        new = wanted
        answer = engine.associate_faces(collection, person.engine_user_id, new, user_match_threshold=0)
    done = {f["FaceId"] for f in answer["AssociatedFaces"]}
    _save(person, [f for f in wanted if f in done or f in set(person.engine_face_ids)])


def _create(engine, collection: str, person: Person) -> None:
    try:
        engine.create_user(collection, person.engine_user_id)
    except Conflict:
        pass


def _save(person: Person, face_ids: list[str]) -> None:
    person.engine_face_ids = face_ids
    Person.objects.filter(pk=person.pk).update(engine_face_ids=face_ids)


def delete_engine_user(person: Person) -> None:
    """Before a person row is deleted: its engine user goes too."""
    if not person.engine_face_ids:
        return
    try:
        get_engine().delete_user(collection_id_for(person.owner), person.engine_user_id)
    except (EngineError, NotImplementedError) as e:
        log.warning("could not delete the engine user of person %s: %s", person.pk, e)
