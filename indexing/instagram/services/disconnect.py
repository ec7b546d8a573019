"""Meta's callbacks: the app was removed from an Instagram account (deauthorize) or its data must go (deletion).

Both revoke the token (the UserSocialAuth row goes) and stop the account's crawls; the deletion
request also deletes every photo faceapp fetched through the Graph API, with its faces and engine
entries (photos.services.photo_delete), and leaves a record whose status page Meta shows the person.
Photos the person imported from their own data download are theirs to keep or delete.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from social_django.models import UserSocialAuth

from ...models import Album, Photo
from ...photos import services
from ..models import InstagramAccount, InstagramCrawl, InstagramDeletion, InstagramMedia
from ..tasks import instagram_delete_data
from .accounts import PROVIDER

log = logging.getLogger(__name__)


def user_for_instagram_id(instagram_user_id: str):
    social = UserSocialAuth.objects.filter(provider=PROVIDER, uid=instagram_user_id).select_related("user").first()
    if social:
        return social.user
    account = InstagramAccount.objects.filter(instagram_id=instagram_user_id).select_related("user").first()
    return account.user if account else None


def app_removed(instagram_user_id: str, reason: str = "You removed faceapp from your Instagram account."):
    """Forget the token and the connection, stop the crawls; return the user (or None if unknown)."""
    user = user_for_instagram_id(instagram_user_id)
    if user is None:
        return None
    with transaction.atomic():
        UserSocialAuth.objects.filter(user=user, provider=PROVIDER).delete()
        # kept (without a token) so that a deletion request arriving after this finds the user
        InstagramAccount.objects.filter(user=user).update(needs_relogin=False, problem=reason)
        InstagramCrawl.objects.filter(owner=user, state__in=InstagramCrawl.ACTIVE).update(
            state=InstagramCrawl.State.STOPPED, message=reason, finished_at=timezone.now()
        )
    log.info("Instagram account %s of user %s disconnected by Meta's callback", instagram_user_id, user.pk)
    return user


def deletion_request(instagram_user_id: str) -> InstagramDeletion:
    """Disconnect now, record the request, delete the fetched photos in a task (Meta wants a quick answer)."""
    user = app_removed(instagram_user_id, "Instagram asked faceapp to delete your Instagram data.")
    with transaction.atomic():
        deletion = InstagramDeletion.objects.create(
            confirmation_code=secrets.token_hex(12), instagram_user_id=instagram_user_id[:64], user=user
        )
        pk = deletion.pk
        transaction.on_commit(lambda: instagram_delete_data.apply_async((pk,), queue=settings.INSTAGRAM_QUEUE))
    return deletion


def fetched_photos(user):
    """The photos the crawl fetched: linked to a media item, or in the Instagram album with a media id."""
    linked = Photo.objects.filter(owner=user, instagram_media__isnull=False)
    crawled = Photo.objects.filter(owner=user, album__source=Album.Source.INSTAGRAM).exclude(source_id="")
    return (linked | crawled).distinct()


def deletion_run(deletion_id: int) -> int:
    """Delete the fetched photos (faces, engine entries, files) and media rows; idempotent. Returns the count."""
    deletion = InstagramDeletion.objects.select_related("user").filter(pk=deletion_id).first()
    if deletion is None or deletion.state == InstagramDeletion.State.DONE:
        return 0
    deleted = 0
    if deletion.user is not None:
        for photo in fetched_photos(deletion.user):
            services.photo_delete(photo)
            deleted += 1
        InstagramMedia.objects.filter(owner=deletion.user).delete()
        InstagramAccount.objects.filter(user=deletion.user).delete()
    InstagramDeletion.objects.filter(pk=deletion.pk).update(
        state=InstagramDeletion.State.DONE, photos_deleted=deletion.photos_deleted + deleted, finished_at=timezone.now()
    )
    return deleted
