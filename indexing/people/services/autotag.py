"""Auto-tagging a newly indexed photo with the owner's people, and the user's decisions kept across re-indexing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from ...engine.errors import EngineError
from ...face_index import Match
from ...models import Face, Photo
from ..models import FaceDecision, Person
from ..selectors import threshold_for
from .edits import drop_faces
from .engine_users import sync_engine_users
from .exclusions import people_in_photos
from .face_changes import set_person
from .grouping import group_new_faces
from .naming import similar_faces_many

log = logging.getLogger(__name__)
SAME_BOX_IOU = 0.5  # a face of a re-indexed photo is the one a decision was about from this overlap
CANDIDATE_FACES = 200  # the most similar faces looked at for a new face: plenty to find its person


def iou(a: dict, b: dict) -> float:
    """Intersection over union of two boxes given as {Left, Top, Width, Height} ratios."""
    left, top = max(a["Left"], b["Left"]), max(a["Top"], b["Top"])
    right = min(a["Left"] + a["Width"], b["Left"] + b["Width"])
    bottom = min(a["Top"] + a["Height"], b["Top"] + b["Height"])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = a["Width"] * a["Height"] + b["Width"] * b["Height"] - inter
    return inter / union if union > 0 else 0.0


def _box(d: FaceDecision) -> dict:
    return {"Left": d.left, "Top": d.top, "Width": d.width, "Height": d.height}


def relink_decisions(photo: Photo, faces: list[Face], decisions: list[FaceDecision]) -> list[Face]:
    """Point the photo's decisions at its current faces (indexing again made new ones); faces the
    user marked 'not a face' are dropped again. Answers the faces that stay."""
    dropped = []
    for d in decisions:
        best = max(faces, key=lambda f: iou(f.box, _box(d)), default=None)
        if best is None or iou(best.box, _box(d)) < SAME_BOX_IOU:
            continue
        if d.kind == FaceDecision.Kind.NOT_A_FACE:
            dropped.append(best)
        elif d.face_id != best.pk:
            FaceDecision.objects.filter(pk=d.pk).update(face=best)
            d.face_id = best.pk
    if dropped:
        drop_faces(photo.owner, dropped)
    return [f for f in faces if f not in dropped]


def _rejected(decisions: list[FaceDecision], faces: list[Face]) -> dict[int, set[int]]:
    """exclusions.rejected_people of the photo's faces, from its decisions already read (and relinked)."""
    ids, rejected = {f.pk for f in faces}, {}
    for d in decisions:
        if d.kind == FaceDecision.Kind.REJECTED and d.face_id in ids:
            rejected.setdefault(d.face_id, set()).add(d.person_id)
    return rejected


def _candidates(face: Face, matches: list[Match], threshold: float) -> dict[int, float]:
    """{person id: best similarity of `face` to a confirmed face of that person} above the threshold."""
    best: dict[int, float] = {}
    for other, similarity in matches:
        if similarity >= threshold and other.person_id and other.person_confirmed and other.photo_id != face.photo_id:
            best[other.person_id] = max(best.get(other.person_id, 0.0), similarity)
    return best


def remember_people(photo: Photo) -> list[dict]:
    """The names on a photo's faces, by box, before indexing it again replaces the faces."""
    covers = set(Person.objects.filter(cover_face__photo=photo).values_list("cover_face_id", flat=True))
    return [
        {
            "box": f.box,
            "person": f.person_id,
            "confirmed": f.person_confirmed,
            "similarity": f.person_similarity,
            "cover": f.pk in covers,
        }
        for f in photo.faces.filter(person__isnull=False)
    ]


def _restore_people(faces: list[Face], remembered: list[dict]) -> list[Person]:
    """Give the new faces of a re-indexed photo the names their boxes had; answers the people restored."""
    people = Person.objects.in_bulk({r["person"] for r in remembered})
    restored = []
    for r in remembered:
        best = max(faces, key=lambda f: iou(f.box, r["box"]), default=None)
        person = people.get(r["person"])
        if best is None or person is None or best.person_id or iou(best.box, r["box"]) < SAME_BOX_IOU:
            continue
        set_person(best, person, r["confirmed"], r["similarity"])
        if r["cover"] and not Person.objects.filter(pk=person.pk, cover_face__isnull=False).exists():
            Person.objects.filter(pk=person.pk).update(cover_face=best)
        restored.append(person)
    return restored


def search_threshold(threshold: float) -> float:
    """One search serves tagging (at the owner's `threshold`) and grouping: down to the lower of the two."""
    return min(threshold, settings.PEOPLE_CLUSTER_SIMILARITY)


@transaction.atomic
def autotag_photo(photo: Photo, remembered: list[dict] = (), faces: list[Face] | None = None, first=False):
    """Tag each unnamed face of the photo with the person whose confirmed faces it matches best, above
    the owner's threshold; never a person rejected for that face, never one person on two faces.
    `remembered` (from remember_people) gives a re-indexed photo its names back first. `faces`: the
    photo's faces as the pipeline has just written them (else read); `first`: the photo was never
    indexed before, so no decision and no name is on it yet. Answers the faces tagged."""
    owner = photo.owner
    decisions = [] if first else list(FaceDecision.objects.filter(photo=photo))
    faces = relink_decisions(photo, _faces_of(photo, faces), decisions)
    restored = _restore_people(faces, list(remembered))
    if restored:
        transaction.on_commit(lambda: sync_engine_users(restored))
    threshold, rejected = threshold_for(owner), _rejected(decisions, faces)
    unnamed = [f for f in faces if f.person_id is None]
    searched = list(zip(unnamed, similar_faces_many(owner, unnamed, search_threshold(threshold), CANDIDATE_FACES)))
    pairs = [
        (sim, face, person_id)
        for face, matches in searched
        for person_id, sim in _candidates(face, matches, threshold).items()
        if person_id not in rejected.get(face.pk, ())
    ]
    used = {f.person_id for f in faces if f.person_id} if first else people_in_photos([photo.pk]).get(photo.pk, set())
    people, tagged = Person.objects.in_bulk({p for _, _, p in pairs}), []
    for sim, face, person_id in sorted(pairs, key=lambda p: (-p[0], p[1].pk, p[2])):
        if face in tagged or person_id in used:
            continue
        set_person(face, people[person_id], False, sim)
        used.add(person_id)
        tagged.append(face)
    group_new_faces(owner, [(f, matches) for f, matches in searched if f.person_id is None])
    return tagged


def _faces_of(photo: Photo, written: list[Face] | None) -> list[Face]:
    """The photo's faces in the order of Face.Meta.ordering: the ones just written when they have their ids."""
    if written is None or any(f.pk is None for f in written):
        return list(photo.faces.all())
    return sorted(written, key=lambda f: (f.left, f.pk))


def tag_people_step(photo: Photo, remembered: list[dict] = (), faces: list[Face] | None = None, first=False):
    """The pipeline's last step: auto-tag; an engine failure here leaves the photo indexed, untagged."""
    try:
        autotag_photo(photo, remembered, faces, first)
    except EngineError as e:
        log.warning("auto-tagging photo %s failed: %s", photo.pk, e)
