"""Who a face may not be: a person the user rejected for it, a person already on another face of its
photo (two faces of one photo are two people)."""

from __future__ import annotations

from ...models import Face
from ..models import FaceDecision


def rejected_people(faces: list[Face]) -> dict[int, set[int]]:
    """{face id: ids of the people the user said it is not}."""
    rejected: dict[int, set[int]] = {}
    for face_id, person_id in FaceDecision.objects.filter(face__in=faces, kind=FaceDecision.Kind.REJECTED).values_list(
        "face_id", "person_id"
    ):
        rejected.setdefault(face_id, set()).add(person_id)
    return rejected


def people_in_photos(photo_ids, exclude_faces=()) -> dict[int, set[int]]:
    """{photo id: ids of the people already on a face of it} (two faces of a photo are two people)."""
    taken: dict[int, set[int]] = {}
    rows = Face.objects.filter(photo_id__in=photo_ids, person__isnull=False).exclude(pk__in=exclude_faces)
    for photo_id, person_id in rows.values_list("photo_id", "person_id"):
        taken.setdefault(photo_id, set()).add(person_id)
    return taken
