"""What every people service shares: errors, the user's threshold, face states for undo, rules."""

from __future__ import annotations

from django.conf import settings
from django.db.models.functions import Lower

from ..photos.models import Face
from .models import FaceDecision, PeopleEvent, PeopleSettings, Person

MAX_NAME = 100


class PeopleError(Exception):
    """A people change that cannot be done; `str(e)` is for the user."""


def people_settings(owner, *, lock: bool = False) -> PeopleSettings:
    """The owner's people settings (made on first use); `lock`: the row locked until the transaction ends."""
    rows = PeopleSettings.objects.select_for_update() if lock else PeopleSettings.objects
    found, _ = rows.get_or_create(owner=owner, defaults={"match_threshold": settings.FACE_MATCH_THRESHOLD})
    return found


def threshold_for(owner) -> float:
    found = PeopleSettings.objects.filter(owner=owner).values_list("match_threshold", flat=True).first()
    return settings.FACE_MATCH_THRESHOLD if found is None else found


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise PeopleError("Give the person a name.")
    if len(name) > MAX_NAME:
        raise PeopleError(f"A name has at most {MAX_NAME} characters.")
    return name


def people_of(owner):
    """The owner's people (merged ones are kept only for undo)."""
    return Person.objects.filter(owner=owner, merged_into__isnull=True)


def person_named(owner, name: str) -> Person | None:
    return people_of(owner).annotate(lower=Lower("name")).filter(lower=clean_name(name).lower()).first()


def person_get_or_create(owner, name: str) -> tuple[Person, bool]:
    found = person_named(owner, name)
    if found:
        return found, False
    return Person.objects.create(owner=owner, name=clean_name(name)), True


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


def record(owner, person: Person | None, action: str, summary: str, **payload) -> PeopleEvent:
    return PeopleEvent.objects.create(owner=owner, person=person, action=action, summary=summary[:300], payload=payload)


def iou(a: dict, b: dict) -> float:
    """Intersection over union of two boxes given as {Left, Top, Width, Height} ratios."""
    left, top = max(a["Left"], b["Left"]), max(a["Top"], b["Top"])
    right = min(a["Left"] + a["Width"], b["Left"] + b["Width"])
    bottom = min(a["Top"] + a["Height"], b["Top"] + b["Height"])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = a["Width"] * a["Height"] + b["Width"] * b["Height"] - inter
    return inter / union if union > 0 else 0.0
