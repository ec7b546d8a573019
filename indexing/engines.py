"""The face engine this deployment uses, and which collection belongs to which user."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .engine.base import FaceEngine


@lru_cache(maxsize=1)
def get_engine() -> FaceEngine:
    """One engine per process, chosen by FACE_ENGINE (models load lazily on first use)."""
    if settings.FACE_ENGINE == "local":
        from .engine.local import LocalEngine
        from .engine_store import DatabaseStore

        return LocalEngine(DatabaseStore(), model=settings.FACE_MODEL, model_dir=settings.FACE_MODEL_DIR,
                           max_pixels=settings.UPLOAD_MAX_PIXELS, max_bytes=settings.UPLOAD_MAX_BYTES)
    raise NotImplementedError(f"FACE_ENGINE={settings.FACE_ENGINE} is not available yet")


def collection_id_for(user) -> str:
    """Each user's faces live in a collection of their own: `<FACE_COLLECTION_PREFIX><user id>`."""
    return f"{settings.FACE_COLLECTION_PREFIX}{user.pk}"
