"""A full regrouping of a user's unnamed faces into 'unnamed people' with DBSCAN (scikit-learn): the
cluster_faces command, after a change of the grouping settings. New faces are grouped one by one
as they are indexed (grouping.py); this is the same idea over every face at once.

Distance between two faces = 1 - similarity / 100, the engine's calibrated similarity, so that
eps = 1 - PEOPLE_CLUSTER_SIMILARITY / 100 means "neighbours are faces at least that similar"
(80: precision >= 0.99 on LFW for a single pair). A group needs PEOPLE_CLUSTER_MIN_SIZE faces
around a core face (DBSCAN's min_samples, the face itself included). The graph is sparse: each
face's PEOPLE_CLUSTER_NEIGHBOURS nearest above the similarity (the engine's neighbour_graph: batch
searches of the local engine's index, engine/neighbours.py), so memory grows with the faces, never n².
Two faces of one photo are never neighbours, and if DBSCAN still chains them into one group,
only the one most like the rest stays. Group ids stay stable across runs: a new group takes the
id (and the hidden flag) of the old group it shares most faces with.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from scipy.sparse import csr_matrix
from sklearn.cluster import DBSCAN

from ...engine.base import Neighbours
from ...face_index import face_neighbour_graph
from ...models import Face
from ..models import FaceCluster

log = logging.getLogger(__name__)
NOISE = -1
CHUNK = 2000  # ids per query
MIN_DISTANCE = 1e-9  # a stored zero distance would read as "no edge" in a sparse graph


def cluster_labels(graph: Neighbours, photo_of: list, min_similarity: float, min_size: int) -> np.ndarray:
    """DBSCAN labels (-1: in no group) for `graph.ids`, from its edges above `min_similarity` between
    faces of different photos (`photo_of[i]`: the photo of graph.ids[i])."""
    n = len(graph.ids)
    if not n:
        return np.zeros(0, dtype=int)
    photos = np.unique(np.asarray(photo_of), return_inverse=True)[1].reshape(-1)
    keep = (photos[graph.rows] != photos[graph.cols]) & (graph.sims >= min_similarity)
    rows, cols, sims = graph.rows[keep], graph.cols[keep], graph.sims[keep]
    distance = np.maximum(1.0 - sims.astype(np.float64) / 100.0, MIN_DISTANCE)
    matrix = csr_matrix((distance, (rows, cols)), shape=(n, n))
    labels = DBSCAN(eps=1.0 - min_similarity / 100.0, min_samples=min_size, metric="precomputed").fit_predict(matrix)
    return _one_face_per_photo(labels, photos, graph, min_size)


def _one_face_per_photo(labels, photos, graph: Neighbours, min_size) -> np.ndarray:
    """In each group, of the faces of one photo only the most like the rest (summed similarity to the
    group's other faces among its neighbours) stays; a group left under min_size faces is dissolved."""
    labels, rows, cols = labels.copy(), graph.rows, graph.cols
    inside = (labels[rows] == labels[cols]) & (labels[rows] != NOISE)
    closeness = np.bincount(rows[inside], weights=graph.sims[inside], minlength=len(labels))
    order = np.lexsort((np.arange(len(labels)), -closeness, photos, labels))  # best face of each photo first
    ranked_labels, ranked_photos = labels[order], photos[order]
    repeat = np.zeros(len(order), bool)
    repeat[1:] = (ranked_labels[1:] == ranked_labels[:-1]) & (ranked_photos[1:] == ranked_photos[:-1])
    labels[order[repeat & (ranked_labels != NOISE)]] = NOISE
    grouped = labels != NOISE
    sizes = np.bincount(labels[grouped], minlength=labels.max() + 1 if grouped.any() else 0)
    small = grouped & (sizes[np.where(grouped, labels, 0)] < min_size)
    labels[small] = NOISE
    return labels


@dataclass
class ClusterReport:
    faces: int  # unnamed faces considered
    groups: int
    grouped: int  # faces in a group
    graph_seconds: float = 0.0  # the neighbour graph (the engine's searches)
    seconds: float = 0.0  # all of it


def cluster_user_faces(owner) -> ClusterReport:
    """Group the owner's unnamed faces again; named faces and the user's decisions are left as they are."""
    started = time.perf_counter()
    faces = list(Face.objects.filter(owner=owner, person__isnull=True).values_list("pk", "engine_face_id", "photo_id"))
    similarity = settings.PEOPLE_CLUSTER_SIMILARITY
    graph = face_neighbour_graph(owner, [e for _, e, _ in faces], similarity, settings.PEOPLE_CLUSTER_NEIGHBOURS)
    graph_seconds = time.perf_counter() - started
    row = {e: (pk, photo) for pk, e, photo in faces}
    labels = cluster_labels(graph, [row[e][1] for e in graph.ids], similarity, settings.PEOPLE_CLUSTER_MIN_SIZE)
    groups: dict[int, set[int]] = {}
    for face_id, label in zip(graph.ids, labels.tolist()):
        if label != NOISE:
            groups.setdefault(label, set()).add(row[face_id][0])
    with transaction.atomic():
        _save_groups(owner, list(groups.values()))
    grouped = sum(len(g) for g in groups.values())
    report = ClusterReport(len(faces), len(groups), grouped, graph_seconds, time.perf_counter() - started)
    log.info("grouped the unnamed faces of user %s: %s", owner.pk, report)
    return report


def _save_groups(owner, groups: list[set[int]]) -> None:
    """Each group keeps the id of the old group it shares most faces with (largest overlaps first),
    else gets a new one; only the faces whose group changes are written, one UPDATE per group."""
    old = dict(Face.objects.filter(owner=owner, cluster__isnull=False).values_list("pk", "cluster_id"))
    overlaps = sorted(
        ((n, i, cid) for i, g in enumerate(groups) for cid, n in Counter(old[pk] for pk in g if pk in old).items()),
        reverse=True,
    )
    id_of: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, cid in overlaps:
        if i not in id_of and cid not in taken:
            id_of[i] = cid
            taken.add(cid)
    new = [i for i in range(len(groups)) if i not in id_of]
    for i, cluster in zip(new, FaceCluster.objects.bulk_create([FaceCluster(owner=owner) for _ in new])):
        id_of[i] = cluster.pk
    want = {pk: id_of[i] for i, g in enumerate(groups) for pk in g}
    moves: dict[int | None, list[int]] = {}
    for pk in set(old) | set(want):  # named since, or in no group now: None
        if old.get(pk) != want.get(pk):
            moves.setdefault(want.get(pk), []).append(pk)
    for cluster_id, pks in moves.items():
        for start in range(0, len(pks), CHUNK):
            Face.objects.filter(pk__in=sorted(pks)[start : start + CHUNK]).update(cluster_id=cluster_id)
    kept = set(id_of.values())
    gone = [pk for pk in FaceCluster.objects.filter(owner=owner).values_list("pk", flat=True) if pk not in kept]
    for start in range(0, len(gone), CHUNK):
        FaceCluster.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
