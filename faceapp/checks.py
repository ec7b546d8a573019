"""System checks of the security baseline that Django's own --deploy checks do not cover."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register(checks.Tags.security)
def oauth_state_checked(app_configs, **kwargs):
    """Every OAuth2 login backend must check the `state` parameter (login CSRF)."""
    try:
        from social_core.backends.oauth import OAuthAuth
    except ImportError:  # pragma: no cover - social-auth-app-django is in requirements.txt
        return []
    errors = []
    for path in settings.AUTHENTICATION_BACKENDS:
        backend = import_string(path)
        if issubclass(backend, OAuthAuth) and not (backend.STATE_PARAMETER or backend.REDIRECT_STATE):
            errors.append(
                checks.Error(
                    f"{path} does not check the OAuth state parameter",
                    hint="Leave STATE_PARAMETER = True on the backend.",
                    id="faceapp.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security)
def media_not_public(app_configs, **kwargs):
    """Uploaded files are served only by owner-checking views: never from a static or public folder."""
    media = str(settings.MEDIA_ROOT).rstrip("/") + "/"
    public = [str(settings.STATIC_ROOT), *map(str, settings.STATICFILES_DIRS)]
    if any(media.startswith(p.rstrip("/") + "/") or p.startswith(media) for p in public):
        return [
            checks.Error(
                "MEDIA_ROOT overlaps a static files folder: uploaded photos would be public", id="faceapp.E002"
            )
        ]
    return []
