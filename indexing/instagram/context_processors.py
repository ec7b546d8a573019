"""`instagram_on` on every page: the Instagram login button shows only when an Instagram app is configured
(settings.TEMPLATES' context_processors)."""

from .services import instagram_configured


def instagram(request) -> dict:
    return {"instagram_on": instagram_configured()}
