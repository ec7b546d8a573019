"""The admin is the moderators' tool: each domain registers its own blocks (imported here, where
Django's admin autodiscovery looks)."""

from .instagram import admin as instagram_admin  # noqa: F401
from .moderation import admin as moderation_admin  # noqa: F401
from .photos import admin as photos_admin  # noqa: F401
from .rekognition_api import admin as rekognition_api_admin  # noqa: F401
