"""Connected Instagram accounts: the login pipeline step, the token (server-side only), refresh, relogin."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from social_core.exceptions import AuthCredentialError, SocialAuthBaseException
from social_django.models import UserSocialAuth
from social_django.utils import load_strategy

from ..models import InstagramAccount

log = logging.getLogger(__name__)
PROVIDER = "instagram"


def instagram_configured() -> bool:
    return bool(settings.SOCIAL_AUTH_INSTAGRAM_KEY and settings.SOCIAL_AUTH_INSTAGRAM_SECRET)


def token_for(user) -> str | None:
    """The user's Instagram token (opened from its sealed form, indexing/sealed.py); none for a banned user."""
    if not user.is_active:
        return None
    social = UserSocialAuth.objects.filter(user=user, provider=PROVIDER).order_by("-modified").first()
    token = social.extra_data.get("access_token") if social else None
    return token if isinstance(token, str) and token else None


def mark_needs_relogin(user, problem: str) -> None:
    """Instagram refused the token: the user sees a banner asking to log in with Instagram again."""
    updated = InstagramAccount.objects.filter(user=user).update(needs_relogin=True, problem=problem[:2000])
    if not updated:
        InstagramAccount.objects.create(user=user, instagram_id="", needs_relogin=True, problem=problem[:2000])
    log.info("Instagram token of user %s refused: %s", user.pk, problem)


def refresh_tokens() -> dict[str, int]:
    """Refresh every long-lived token with fewer than INSTAGRAM_TOKEN_REFRESH_DAYS left (and a day old).

    Tokens Instagram refuses mark their account as needing a new login; outages are tried next time.
    """
    strategy, counts = load_strategy(), {"refreshed": 0, "refused": 0, "unavailable": 0}
    for social in UserSocialAuth.objects.filter(provider=PROVIDER, user__is_active=True).select_related("user"):
        left = social.expiration_timedelta()
        if left is not None and left <= timedelta(0):
            counts["refused"] += 1
            mark_needs_relogin(social.user, "The Instagram token expired.")
            continue
        if not _due(social, left):
            continue
        try:
            social.refresh_token(strategy)
        except AuthCredentialError as e:
            counts["refused"] += 1
            mark_needs_relogin(social.user, f"Instagram refused the token (code {e.provider_code}): {e.detail}")
        except SocialAuthBaseException as e:
            counts["unavailable"] += 1
            log.warning("refreshing the Instagram token of user %s failed: %s", social.user_id, e.code)
        else:
            counts["refreshed"] += 1
    return counts


def _due(social: UserSocialAuth, left: timedelta | None) -> bool:
    """Instagram refreshes only tokens at least a day old; we refresh those with little time left."""
    auth_time = social.extra_data.get("auth_time")
    if left is None or not isinstance(auth_time, int):
        return False
    old_enough = timezone.now().timestamp() - auth_time >= 86400
    return old_enough and left < timedelta(days=settings.INSTAGRAM_TOKEN_REFRESH_DAYS)
