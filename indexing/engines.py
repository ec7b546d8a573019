"""The face engine this deployment uses, and which collection belongs to which user."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .engine.base import FaceEngine


@lru_cache(maxsize=1)
def get_engine() -> FaceEngine:
    """One engine per process, chosen by FACE_ENGINE (models load lazily on first use)."""
    if settings.FACE_ENGINE == "local":
        return local_engine()
    if settings.FACE_ENGINE == "rekognition":
        from .engine.rekognition import RekognitionEngine, make_client

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
    from .engine.local import LocalEngine
    from .engine_store import DatabaseStore

    return LocalEngine(
        DatabaseStore(),
        model=settings.FACE_MODEL,
        model_dir=settings.FACE_MODEL_DIR,
        max_pixels=settings.UPLOAD_MAX_PIXELS,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        small_faces=settings.FACE_SMALL_FACES,
        index_dir=settings.FACE_INDEX_DIR,
    )


def collection_id_for(user) -> str:
    """Each user's faces live in a collection of their own: `<FACE_COLLECTION_PREFIX><user id>`."""
    return f"{settings.FACE_COLLECTION_PREFIX}{user.pk}"
