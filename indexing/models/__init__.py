"""Every table of the app label `indexing`: each domain keeps its models in its own package
(indexing/<domain>/models.py); importing them here is what registers them with Django.
The upload_to functions are named here too because the migrations refer to them by this path."""

from ..account.models import AccountSettings
from ..face_index.models import EngineCollection, EngineFace, EngineFaceTombstone, EngineUser, EngineUserFace
from ..instagram.models import (
    InstagramAccount,
    InstagramCrawl,
    InstagramDeletion,
    InstagramExportItem,
    InstagramImport,
    InstagramMedia,
    InstagramUpload,
)
from ..moderation.models import ModerationAction, Report
from ..people.models import FaceCluster, FaceDecision, LivingAlbum, PeopleEvent, PeopleSettings, Person
from ..photos.models import Album, Face, Photo, _crop_path, _original_path, _thumbnail_path
from ..rekognition_api.models import ApiAccessKey
from ..tagging.models import TaggingCredential, WebhookDelivery

__all__ = [
    "AccountSettings",
    "Album",
    "ApiAccessKey",
    "EngineCollection",
    "EngineFace",
    "EngineFaceTombstone",
    "EngineUser",
    "EngineUserFace",
    "Face",
    "FaceCluster",
    "FaceDecision",
    "InstagramAccount",
    "InstagramCrawl",
    "InstagramDeletion",
    "InstagramExportItem",
    "InstagramImport",
    "InstagramMedia",
    "InstagramUpload",
    "LivingAlbum",
    "ModerationAction",
    "PeopleEvent",
    "PeopleSettings",
    "Person",
    "Photo",
    "Report",
    "TaggingCredential",
    "WebhookDelivery",
    "_crop_path",
    "_original_path",
    "_thumbnail_path",
]
