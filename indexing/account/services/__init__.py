"""What other rooms and the views may ask of a user's account: consent to face indexing (consent.py),
erasure of their face templates or of all their data (erasure.py), the export of their data (export.py)."""

from .consent import (
    FACE_INDEXING_NOTICE,
    FaceIndexingOff,
    face_indexing_enable,
    face_indexing_required,
    indexing_allowed,
)
from .erasure import USER_FILE_PREFIXES, account_data_delete, face_indexing_disable, face_templates_delete
from .export import export_archive

__all__ = [
    "FACE_INDEXING_NOTICE",
    "USER_FILE_PREFIXES",
    "FaceIndexingOff",
    "account_data_delete",
    "export_archive",
    "face_indexing_disable",
    "face_indexing_enable",
    "face_indexing_required",
    "face_templates_delete",
    "indexing_allowed",
]
