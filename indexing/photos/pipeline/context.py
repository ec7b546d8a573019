from __future__ import annotations

from dataclasses import dataclass, field

from ...engine.images import LoadedImage
from ..models import Photo


class Stop(Exception):
    """Ends the pipeline: the photo fails with this reason, which a person reads."""


class Abandon(Exception):
    """Ends the pipeline leaving nothing: the owner withdrew consent (or was banned, or erased their data)
    or the photo was deleted while it was being indexed; the step that raises it undid its writes."""


@dataclass
class DecodedPhoto:
    """A photo just created, with its bytes and their decoded picture, held by the caller that indexes it
    next (photo_create with After.INDEX_HERE): index_photo_now then reads and decodes nothing again."""

    photo: Photo
    data: bytes
    loaded: LoadedImage


@dataclass
class PhotoContext:
    """What the steps hand on to each other while one photo is indexed."""

    photo: Photo
    reclaimed: bool = False  # taken over from a run that died: it may have left faces in the engine
    # Never indexed before (indexed_at unset, not reclaimed): it has no faces, so no names or decisions to keep
    # (faces are only written by save_faces, which sets indexed_at in the same transaction).
    first: bool = False
    data: bytes = b""
    loaded: LoadedImage | None = None
    face_records: list[dict] = field(default_factory=list)
    faces: list = field(default_factory=list)  # the Face rows save_faces wrote
    unindexed: list[dict] = field(default_factory=list)
    old_engine_face_ids: list[str] = field(default_factory=list)
    people_before: list[dict] = field(default_factory=list)  # names on the old faces, by box
