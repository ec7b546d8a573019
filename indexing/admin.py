"""The admin is the moderators' tool: moderation registers users, reports, albums, photos and faces; the
other rooms register their own blocks (imported here, where Django's admin autodiscovery looks)."""

from .face_index import admin as face_index_admin  # noqa: F401
from .instagram import admin as instagram_admin  # noqa: F401
from .moderation import admin as moderation_admin  # noqa: F401
from .rekognition_api import admin as rekognition_api_admin  # noqa: F401
