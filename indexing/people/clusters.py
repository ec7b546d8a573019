"""A full regrouping of a user's unnamed faces into 'unnamed people' with DBSCAN (scikit-learn): the
cluster_faces command, after a change of the grouping settings. New faces are grouped one by one
as they are indexed (grouping.py); this is the same idea over every face at once.

Distance between two faces = 1 - similarity / 100, the engine's calibrated similarity, so that
eps = 1 - PEOPLE_CLUSTER_SIMILARITY / 100 means "neighbours are faces at least that similar"
(80: precision >= 0.99 on LFW for a single pair). A group needs PEOPLE_CLUSTER_MIN_SIZE faces
around a core face (DBSCAN's min_samples, the face itself included). The graph is sparse: each
face's PEOPLE_CLUSTER_NEIGHBOURS nearest above the similarity (the engine's face_neighbours), so
memory grows with the faces, never n².
Two faces of one photo are never neighbours, and if DBSCAN still chains them into one group,
only the one most like the rest stays. Group ids stay stable across runs: a new group takes the
id (and the hidden flag) of the old group it shares most faces with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from scipy.sparse import csr_matrix
from sklearn.cluster import DBSCAN

from ..face_index import collection_id_for, get_engine
from ..photos.models import Face
from .models import FaceCluster, PeopleSettings

log = logging.getLogger(__name__)
NOISE = -1
MIN_DISTANCE = 1e-9  # a stored zero distance would read as "no edge" in a sparse graph


def cluster_labels(
    face_ids: list[str],
    photo_of: dict[str, object],
    similarities: dict[str, dict[str, float]],
    min_similarity: float,
    min_size: int,
) -> np.ndarray:
    """DBSCAN labels (-1: in no group) for `face_ids`, given the similar pairs above `min_similarity`."""
    if not face_ids:
        return np.zeros(0, dtype=int)
    index = {f: i for i, f in enumerate(face_ids)}
    rows, cols, data = [], [], []
    for f, neighbours in similarities.items():
        for g, similarity in neighbours.items():
            if g in index and f in index and photo_of[f] != photo_of[g] and similarity >= min_similarity:
                rows.append(index[f])
                cols.append(index[g])
                data.append(max(1.0 - similarity / 100.0, MIN_DISTANCE))
    graph = csr_matrix((data, (rows, cols)), shape=(len(face_ids), len(face_ids)))
    labels = DBSCAN(eps=1.0 - min_similarity / 100.0, min_samples=min_size, metric="precomputed").fit_predict(graph)
    return _one_face_per_photo(labels, face_ids, photo_of, similarities, min_size)


def _one_face_per_photo(labels, face_ids, photo_of, similarities, min_size) -> np.ndarray:
    labels, position = labels.copy(), {f: i for i, f in enumerate(face_ids)}
    for label in set(labels) - {NOISE}:
        members = [face_ids[i] for i in np.flatnonzero(labels == label)]
        by_photo: dict[object, list[str]] = {}
        for f in members:
            by_photo.setdefault(photo_of[f], []).append(f)
        closeness = {f: sum(similarities.get(f, {}).get(g, 0.0) for g in members if g != f) for f in members}
        for faces in by_photo.values():
            for loser in sorted(faces, key=closeness.get, reverse=True)[1:]:
                labels[position[loser]] = NOISE
        if np.count_nonzero(labels == label) < min_size:
            labels[labels == label] = NOISE
    return labels


@dataclass
class ClusterReport:
    faces: int  # unnamed faces considered
    groups: int
    grouped: int  # faces in a group


def cluster_user_faces(owner) -> ClusterReport:
    """Group the owner's unnamed faces again; named faces and the user's decisions are left as they are."""
    faces = list(Face.objects.filter(owner=owner, person__isnull=True).values_list("pk", "engine_face_id", "photo_id"))
    engine_ids = [e for _, e, _ in faces]
    similarity = settings.PEOPLE_CLUSTER_SIMILARITY
    k = settings.PEOPLE_CLUSTER_NEIGHBOURS
    sims = get_engine().face_neighbours(collection_id_for(owner), engine_ids, similarity, k) if faces else {}
    labels = cluster_labels(engine_ids, {e: p for _, e, p in faces}, sims, similarity, settings.PEOPLE_CLUSTER_MIN_SIZE)
    groups: dict[int, set[int]] = {}
    for (pk, _, _), label in zip(faces, labels):
        if label != NOISE:
            groups.setdefault(int(label), set()).add(pk)
    with transaction.atomic():
        _save_groups(owner, list(groups.values()))
    report = ClusterReport(len(faces), len(groups), sum(len(g) for g in groups.values()))
    log.info("grouped the unnamed faces of user %s: %s", owner.pk, report)
    return report


def _save_groups(owner, groups: list[set[int]]) -> None:
    old: dict[int, set[int]] = {}
    for pk, cluster_id in Face.objects.filter(owner=owner, cluster__isnull=False).values_list("pk", "cluster_id"):
        old.setdefault(cluster_id, set()).add(pk)
    overlaps = sorted(
        ((len(g & members), i, cid) for i, g in enumerate(groups) for cid, members in old.items() if g & members),
        reverse=True,
    )
    id_of: dict[int, int] = {}
    for _, i, cid in overlaps:  # the largest overlaps keep their ids first
        if i not in id_of and cid not in id_of.values():
            id_of[i] = cid
    new = [i for i in range(len(groups)) if i not in id_of]
    for i, cluster in zip(new, FaceCluster.objects.bulk_create([FaceCluster(owner=owner) for _ in new])):
        id_of[i] = cluster.pk
    Face.objects.filter(owner=owner, cluster__isnull=False).update(cluster=None)
    rows = [Face(pk=pk, cluster_id=id_of[i]) for i, members in enumerate(groups) for pk in members]
    Face.objects.bulk_update(rows, ["cluster"], batch_size=2000)
    Face.objects.filter(owner=owner, person__isnull=False, cluster__isnull=False).update(cluster=None)  # named since
    FaceCluster.objects.filter(owner=owner).exclude(pk__in=id_of.values()).delete()


def cluster_if_due(owner_id: int) -> ClusterReport | None:
    """The task's body: group the user's faces if indexing asked for it since the last run."""
    if not PeopleSettings.objects.filter(owner_id=owner_id, clustering_due=True).update(clustering_due=False):
        return None
    return cluster_user_faces(PeopleSettings.objects.get(owner_id=owner_id).owner)
