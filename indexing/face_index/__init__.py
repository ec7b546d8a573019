"""The one app-side adapter to the face engine; everything else reaches the engine through here.

- which engine: get_engine, local_engine (the one the Rekognition API serves), engine_warm_up;
- whose collection: collection_id_for, user_collection_ids, local_collections_named;
- engine matches as the owner's visible Face rows: Match, owned_faces, matched_faces, face_matches,
  faces_matches, face_neighbour_graph;
- removing: faces_remove_from_engine, collection_delete, user_collections_delete.
The local engine keeps its collections in the app's database: store.py (DatabaseStore) on models.py
(EngineCollection, EngineFace...; app label `indexing`, registered through indexing/models); its admin
block is admin.py.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from django.conf import settings

from ..engine.base import FaceEngine, Neighbours
from ..engine.errors import ResourceNotFound
from ..engine.local import LocalEngine
from ..engine.rekognition import RekognitionEngine, make_client
from ..photos.models import Face  # not ..models: this package loads while indexing.models does
from .models import EngineCollection
from .store import DatabaseStore

REMOVE_BATCH = 4096


@lru_cache(maxsize=1)
def get_engine() -> FaceEngine:
    """One engine per process, chosen by FACE_ENGINE (models load lazily on first use)."""
    if settings.FACE_ENGINE == "local":
        return local_engine()
    if settings.FACE_ENGINE == "rekognition":
        client = make_client(
            endpoint_url=settings.AWS_REKOGNITION_ENDPOINT_URL,
            region=settings.AWS_REKOGNITION_REGION,
            access_key_id=settings.AWS_REKOGNITION_ACCESS_KEY_ID,
            secret_access_key=settings.AWS_REKOGNITION_SECRET_ACCESS_KEY,
            retry_mode=settings.AWS_RETRY_MODE,
            max_attempts=settings.AWS_MAX_ATTEMPTS,
        )
        return RekognitionEngine(client, max_pixels=settings.UPLOAD_MAX_PIXELS, max_bytes=settings.UPLOAD_MAX_BYTES)
    raise NotImplementedError(f"FACE_ENGINE={settings.FACE_ENGINE} is not available")


@lru_cache(maxsize=1)
def local_engine() -> FaceEngine:
    """The local engine on the app's database: FACE_ENGINE=local, and what the Rekognition-compatible
    API serves whatever FACE_ENGINE is."""
    return LocalEngine(
        DatabaseStore(),
        model=settings.FACE_MODEL,
        model_dir=settings.FACE_MODEL_DIR,
        max_pixels=settings.UPLOAD_MAX_PIXELS,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        small_faces=settings.FACE_SMALL_FACES,
        index_dir=settings.FACE_INDEX_DIR,
    )


def engine_warm_up() -> None:
    """Load the local engine's face model now: a Celery worker's main process calls this before its pool
    forks, so the processes share one copy and none loads it at its first photo."""
    if settings.FACE_ENGINE == "local":
        get_engine().model  # noqa: B018  (the property loads it)


def collection_id_for(user) -> str:
    """Each user's faces live in a collection of their own: `<FACE_COLLECTION_PREFIX><user id>`."""
    return f"{settings.FACE_COLLECTION_PREFIX}{user.pk}"


class Match(NamedTuple):
    """One of the owner's faces and how much it looks like the searched face (0-100)."""

    face: Face
    similarity: float


# A Match's face with only what auto-tagging and grouping read (no photo, no crop): faces_matches
LEAN_FIELDS = ("owner", "photo", "engine_face_id", "person", "person_confirmed", "person_similarity", "cluster")


def owned_faces(owner, engine_face_ids, *, include_hidden: bool = False, lean: bool = False) -> list[Face]:
    """The owner's Face rows of these engine ids (faces of photos a moderator hid only with include_hidden).

    The rows are found by engine_face_id (unique) and the owner is checked on them: with the owner in
    the same WHERE, SQLite reads every face of the owner through the owner index (it keeps no
    statistics), which at 100k faces costs more than the search it answers. Same rows as
    Face.objects.visible_to(owner) (or filter(owner=owner)) narrowed to these ids."""
    if not getattr(owner, "is_authenticated", False):
        return []
    faces = Face.objects.filter(engine_face_id__in=engine_face_ids)
    if not include_hidden:
        faces = faces.filter(photo__hidden=False)
    faces = faces.only(*LEAN_FIELDS) if lean else faces.select_related("photo")
    return [f for f in faces if f.owner_id == owner.pk]


def matched_faces(owner, engine_matches: list[dict], *, include_hidden: bool = False) -> list[Match]:
    """Engine FaceMatches as the owner's Face rows, most similar first; ids the owner does not own are
    dropped, and so are faces of photos a moderator hid unless include_hidden (moderators, people)."""
    similarity = {m["Face"]["FaceId"]: m["Similarity"] for m in engine_matches}
    faces = owned_faces(owner, list(similarity), include_hidden=include_hidden)
    return sorted((Match(f, similarity[f.engine_face_id]) for f in faces), key=lambda m: (-m.similarity, m.face.pk))


def _search_many(owner, face_ids: list[str], threshold: float, limit: int) -> list[list[dict]]:
    """Each face's FaceMatches ([] for a face no longer in the collection)."""
    if not face_ids:
        return []
    try:
        return get_engine().search_faces_many(collection_id_for(owner), face_ids, threshold, limit)
    except ResourceNotFound:  # the collection is gone
        return [[] for _ in face_ids]


def face_matches(owner, face: Face, threshold: float, limit: int = 4096, *, include_hidden: bool = False):
    """The owner's faces that look like `face` (itself excluded), most similar first (see matched_faces)."""
    return matched_faces(
        owner, _search_many(owner, [face.engine_face_id], threshold, limit)[0], include_hidden=include_hidden
    )


def faces_matches(owner, faces: list[Face], threshold: float, limit: int, *, include_hidden: bool = False):
    """face_matches of each face (the engine's search_faces_many: one SearchFaces each on Rekognition, the
    collection read once on the local engine), their Face rows read in one query, lean
    (LEAN_FIELDS: what auto-tagging and grouping read)."""
    answers = _search_many(owner, [face.engine_face_id for face in faces], threshold, limit)
    rows = owned_faces(
        owner, list({m["Face"]["FaceId"] for a in answers for m in a}), include_hidden=include_hidden, lean=True
    )
    by_id = {f.engine_face_id: f for f in rows}
    return [
        sorted(
            (Match(by_id[m["Face"]["FaceId"]], m["Similarity"]) for m in answer if m["Face"]["FaceId"] in by_id),
            key=lambda m: (-m.similarity, m.face.pk),
        )
        for answer in answers
    ]


def face_neighbour_graph(owner, engine_face_ids: list[str], threshold: float, k: int) -> Neighbours:
    """The sparse k-nearest graph of these faces of the owner's collection (the engine's
    neighbour_graph: batch searches of the local index; one SearchFaces per face on Rekognition)."""
    if not engine_face_ids:
        return Neighbours([], np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    return get_engine().neighbour_graph(collection_id_for(owner), engine_face_ids, threshold, k)


def faces_remove_from_engine(owner, engine_face_ids: list[str]) -> None:
    """Delete these faces from the owner's collection (missing ones are fine)."""
    for start in range(0, len(engine_face_ids), REMOVE_BATCH):
        try:
            get_engine().delete_faces(collection_id_for(owner), engine_face_ids[start : start + REMOVE_BATCH])
        except ResourceNotFound:
            return


def collection_delete(owner) -> None:
    """Delete the owner's whole collection in the engine (missing is fine)."""
    try:
        get_engine().delete_collection(collection_id_for(owner))
    except ResourceNotFound:
        pass


def user_collection_ids(owner, engine: FaceEngine) -> list[str]:
    """Every collection of the owner in this engine: the app's `collection_id_for(owner)` and the ones
    made through the Rekognition API, `<that id>-<name>` (see rekognition_api/operations.py)."""
    own, found, token = collection_id_for(owner), [], None
    while True:
        answer = engine.list_collections(next_token=token, max_results=1000)
        found += [c for c in answer["CollectionIds"] if c == own or c.startswith(own + "-")]
        token = answer.get("NextToken")
        if not token:
            return found


def user_collections_delete(owner) -> list[str]:
    """Delete every collection of the owner (their face templates) from the app's engine and from the
    local engine the Rekognition API serves (the same one when FACE_ENGINE=local). Answers their ids."""
    deleted = []
    for engine in {id(e): e for e in (get_engine(), local_engine())}.values():
        for collection_id in user_collection_ids(owner, engine):
            try:
                engine.delete_collection(collection_id)
            except ResourceNotFound:
                pass
            deleted.append(collection_id)
    return deleted


def local_collections_named(prefix: str) -> list[tuple[str, str]]:
    """(collection id, model) of the local engine's collections whose id starts with `prefix`, by id (the
    prefix matches case-insensitively on SQLite: the caller checks the ids it keeps)."""
    rows = EngineCollection.objects.filter(collection_id__startswith=prefix).order_by("collection_id")
    return list(rows.values_list("collection_id", "model"))
