"""Changing a face's person, its state before kept so that undo can put it back."""

from __future__ import annotations

from ...models import Face
from ..models import Person


# A face's person fields, as recorded in an event so that undo can put them back.
def face_state(face: Face) -> dict:
    return {
        "id": face.pk,
        "person": face.person_id,
        "confirmed": face.person_confirmed,
        "similarity": face.person_similarity,
        "cluster": face.cluster_id,
    }


def set_person(
    face: Face, person: Person | None, confirmed: bool, similarity: float | None = None, states: list | None = None
) -> None:
    """Give the face a person (None: unnamed); its old state goes to `states` first."""
    if states is not None:
        states.append(face_state(face))
    face.person, face.person_confirmed, face.person_similarity = person, confirmed and person is not None, similarity
    if person is not None:
        face.cluster = None  # a named face leaves the groups of unnamed faces
    face.save(update_fields=["person", "person_confirmed", "person_similarity", "cluster"])
