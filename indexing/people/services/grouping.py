"""Grouping a new unnamed face when it is indexed, from its nearest neighbours (as Immich does).

The neighbours are the owner's unnamed faces of other photos at least PEOPLE_CLUSTER_SIMILARITY
alike, found by the one search auto-tagging already made for the face (so on Rekognition grouping
costs no SearchFaces of its own, and each face is searched once, when it arrives). With fewer than
PEOPLE_CLUSTER_MIN_SIZE faces counting the face itself, the face is deferred: it stays in no group
until a later face finds it among its own neighbours and takes it along. Otherwise it joins the
group of its most similar grouped neighbour (never a group already holding a face of its photo),
or starts a new group with its ungrouped neighbours; ungrouped neighbours come along either way
(one face per photo). The decision is taken under a per-owner row lock on fresh group ids, and the
faces are saved before they are searched, so of two faces indexed at once at least one sees the other.

`assign` is the decision alone, on plain data, so that bench/people_clusters.py measures exactly
what indexing does. A full regrouping (after a threshold change) is clusters.cluster_user_faces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from ...face_index import Match
from ...models import Face
from ..models import FaceCluster
from .owner_settings import people_settings

NEW = "new"  # assign's answer for "a new group"


@dataclass
class Groups:
    """What assign needs to know about the faces around a new one."""

    cluster_of: dict = field(default_factory=dict)  # face -> group id (absent: in no group)
    photos_in: dict = field(default_factory=dict)  # group id -> photo ids holding one of its faces


def assign(photo, neighbours: list[tuple[object, object, float]], groups: Groups, min_size: int):
    """(group id, NEW or None, faces to add besides the new one) for a face of `photo` whose
    `neighbours` are (face, photo, similarity) of other photos above the grouping similarity."""
    if 1 + len({p for _, p, _ in neighbours}) < min_size:
        return None, []
    ranked = sorted(neighbours, key=lambda n: -n[2])
    target = next(
        (
            groups.cluster_of[f]
            for f, _, _ in ranked
            if f in groups.cluster_of and photo not in groups.photos_in.get(groups.cluster_of[f], ())
        ),
        None,
    )
    if target is None and not any(f not in groups.cluster_of for f, _, _ in ranked):
        return None, []  # every neighbour is in a group that already has a face of this photo
    taken = {photo} | set(groups.photos_in.get(target, ()))
    along = []
    for f, p, _ in ranked:
        if f not in groups.cluster_of and p not in taken:
            along.append(f)
            taken.add(p)
    if target is None and 1 + len(along) < min_size:
        return None, []
    return (NEW if target is None else target), along


def group_new_faces(owner, searched: list[tuple[Face, list[Match]]]) -> int:
    """Group each new unnamed face from its matches (most similar first, any threshold below the
    grouping one); answers how many faces were put in a group. Call inside a transaction."""
    similarity, min_size = settings.PEOPLE_CLUSTER_SIMILARITY, settings.PEOPLE_CLUSTER_MIN_SIZE
    nearby = [
        (face, [m for m in matches if m.similarity >= similarity and m.face.photo_id != face.photo_id])
        for face, matches in searched
    ]
    nearby = [(face, near) for face, near in nearby if 1 + len({m.face.photo_id for m in near}) >= min_size]
    if not nearby:
        return 0  # every face deferred: no query, no lock
    people_settings(owner, lock=True)  # one grouping per owner at a time
    grouped = 0
    for face, near in nearby:
        target, along = assign(face.photo_id, *_around(face, near), min_size)
        if target is None:
            continue
        if target == NEW:
            target = FaceCluster.objects.create(owner=owner).pk
        grouped += Face.objects.filter(
            pk__in=[face.pk, *along], owner=owner, person__isnull=True, cluster__isnull=True
        ).update(cluster_id=target)
        face.cluster_id = target
    return grouped


def _around(face: Face, near: list[Match]) -> tuple[list, Groups]:
    """assign's neighbours and Groups for `face`, read fresh under the lock in two queries bounded by
    its neighbours: their person and group now, and which of their photos (and the face's own) each
    of those groups already holds (assign asks about no other photo, so a group of thousands of
    faces costs what a small one does)."""
    fresh = dict(
        Face.objects.filter(pk__in=[m.face.pk for m in near], person__isnull=True).values_list("pk", "cluster_id")
    )
    neighbours = [(m.face.pk, m.face.photo_id, m.similarity) for m in near if m.face.pk in fresh]
    groups = Groups({pk: c for pk, c in fresh.items() if c is not None})
    photos = {face.photo_id} | {p for _, p, _ in neighbours}
    held = Face.objects.filter(cluster_id__in=set(groups.cluster_of.values()), photo_id__in=photos)
    for cluster_id, photo_id in held.values_list("cluster_id", "photo_id"):
        groups.photos_in.setdefault(cluster_id, set()).add(photo_id)
    return neighbours, groups
