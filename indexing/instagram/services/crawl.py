"""The crawl of a user's Instagram feed: one walk task reads /me/media page after page; batches fetch the media.

A crawl is a row (InstagramCrawl). Each page is recorded in one transaction that also advances
the saved `next` cursor (compare-and-set), so a page recorded twice counts once and a crawl
killed anywhere resumes from its cursor. The walk queues each page's images as soon as the page
is recorded and reads on: it never waits behind downloads. Every image of the feed is a row
(InstagramMedia), fetched by a batch task (downloads in a bounded thread pool, then for each:
`photo_create` with the media id as source id, unique per owner, and indexing in that worker
process from the picture photo_create decoded, so every worker process keeps a core busy and a
photo is read and decoded once). Every crawl walks the whole feed, fetches
only media it has not fetched yet and, at the end of the walk, removes the photos of posts that
are gone. Tasks may run twice (acks_late, redelivery, the stall sweeper): every step is idempotent.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from ...models import Album, Photo
from ...photos import services
from ..client import GraphClient, InstagramError, MediaGone, PermissionMissing, RateLimited, TokenInvalid, image_url
from ..models import InstagramAccount, InstagramCrawl, InstagramMedia
from ..tasks import instagram_crawl_page, instagram_fetch_media, instagram_fetch_media_batch
from .accounts import mark_needs_relogin, token_for

log = logging.getLogger(__name__)
State, Status = InstagramCrawl.State, InstagramMedia.Status
WALKING_STATES = (State.QUEUED, State.WALKING, State.WAITING)
ALBUM_TITLE = "Instagram"
PERMISSION_HELP = (
    "faceapp's Instagram app lacks a permission: logging in again does not fix it; "
    "the operator must grant it in the Meta app dashboard (App Review for Advanced Access)."
)
EARLY = timedelta(seconds=1)  # clocks of the machines that schedule and run a delayed task may differ a little


class PhotoBusy(Exception):
    """Another run is indexing this media item's photo right now: try again later."""


def crawl_start(user) -> InstagramCrawl:
    """Start a crawl of the user's feed, or return the one already running (one per account)."""
    active = InstagramCrawl.objects.filter(owner=user, state__in=InstagramCrawl.ACTIVE).first()
    if active:
        return active
    full = not InstagramMedia.objects.filter(owner=user).exists()
    try:
        with transaction.atomic():
            crawl = InstagramCrawl.objects.create(owner=user, full=full)
            transaction.on_commit(lambda: enqueue_page(crawl.pk))
    except IntegrityError:  # another request started one a moment ago
        return InstagramCrawl.objects.get(owner=user, state__in=InstagramCrawl.ACTIVE)
    return crawl


def client_for(token: str) -> GraphClient:
    return GraphClient(
        token,
        settings.INSTAGRAM_GRAPH_URL,
        version=settings.INSTAGRAM_GRAPH_VERSION,
        timeout=settings.INSTAGRAM_HTTP_TIMEOUT,
        retries=settings.INSTAGRAM_HTTP_RETRIES,
        backoff=settings.INSTAGRAM_RETRY_BACKOFF / 2,
        default_wait=settings.INSTAGRAM_RATE_LIMIT_WAIT,
    )


@lru_cache(maxsize=1)
def _cdn_client(*_settings) -> GraphClient:
    """One download client a process (for these settings): its kept-alive connections serve batch after
    batch instead of each batch connecting (on HTTPS: shaking hands) anew for every image."""
    return client_for("")


# the walk
def crawl_page(crawl_id: int) -> None:
    """Walk the feed from the saved cursor for up to INSTAGRAM_WALK_SECONDS, page after page, queueing
    each page's images as it goes (so reading the feed never waits behind downloads); then hand over."""
    deadline = time.monotonic() + settings.INSTAGRAM_WALK_SECONDS
    while _walk_one_page(crawl_id):
        if time.monotonic() >= deadline:
            enqueue_page(crawl_id)
            return


def _walk_one_page(crawl_id: int) -> bool:
    """Read and record the next page; True when there is another page to read now."""
    crawl = InstagramCrawl.objects.select_related("owner").filter(pk=crawl_id, state__in=WALKING_STATES).first()
    early = crawl and crawl.state == State.WAITING and crawl.resume_at and crawl.resume_at > timezone.now() + EARLY
    if crawl is None or early:
        return False  # finished, stopped, or a duplicate of the task scheduled for after the wait
    token = token_for(crawl.owner)
    if token is None:
        _stop(crawl, "Instagram is not connected any more.")
        return False
    client = client_for(token)
    try:
        if not (crawl.posts_total or crawl.posts_seen or crawl.next_url):
            _begin(crawl, client.me("id,media_count").get("media_count") or 0)
        page = client.media_page(crawl.next_url or client.first_page_url(settings.INSTAGRAM_PAGE_SIZE))
        items = [_with_children(client, item) for item in page.items]
    except TokenInvalid as e:
        _stop(crawl, str(e))
    except PermissionMissing as e:
        _stop(crawl, str(e), relogin=False)
    except RateLimited as e:
        _wait(crawl, e.wait_seconds, str(e))
    except InstagramError as e:  # 5xx and timeouts after the client's retries, or an answer we cannot use
        _retry_or_fail(crawl, str(e))
    else:
        return _record_page(crawl, items, page.next_url) and bool(page.next_url)
    return False


def _begin(crawl: InstagramCrawl, posts_total: int) -> None:
    InstagramCrawl.objects.filter(pk=crawl.pk, state__in=WALKING_STATES).update(
        state=State.WALKING, posts_total=posts_total, heartbeat_at=timezone.now()
    )


def _with_children(client: GraphClient, item: dict) -> dict:
    if item.get("media_type") == "CAROUSEL_ALBUM" and not (item.get("children") or {}).get("data"):
        item = {**item, "children": {"data": client.children(item["id"])}}
    return item


def _record_page(crawl: InstagramCrawl, items: list[dict], next_url: str) -> bool:
    """Record a page and queue its images, once (compare-and-set on the cursor); False if already recorded."""
    now = timezone.now()
    with transaction.atomic():
        advanced = InstagramCrawl.objects.filter(pk=crawl.pk, next_url=crawl.next_url, state__in=WALKING_STATES).update(
            next_url=next_url,
            posts_seen=F("posts_seen") + len(items),
            attempts=0,
            resume_at=None,
            message="",
            heartbeat_at=now,
            state=State.WALKING if next_url else State.INDEXING,
        )
        if not advanced:
            return False  # another run of this task recorded the page already
        to_fetch = _record_media(crawl, items)
        transaction.on_commit(lambda: enqueue_media_batches(to_fetch))
        if not next_url:
            _remove_gone(crawl)
    if not next_url:
        finish_if_done(crawl.pk)
    return True


def _record_media(crawl: InstagramCrawl, items: list[dict]) -> list[int]:
    """Save the page's images (carousel children, video thumbnails); return the ids of those to fetch."""
    images = {}
    for item in items:
        for child in (item.get("children") or {}).get("data") or [item]:
            images[child["id"]] = (item["id"], child.get("media_type", ""), image_url(child) or "")
    owner = crawl.owner
    known = {m.media_id: m for m in InstagramMedia.objects.filter(owner=owner, media_id__in=images)}
    InstagramMedia.objects.bulk_create(
        [
            InstagramMedia(
                owner=owner, media_id=media_id, post_id=post_id, media_type=kind, url=url, crawl=crawl, seen_by=crawl
            )
            for media_id, (post_id, kind, url) in images.items()
            if media_id not in known
        ],
        ignore_conflicts=True,
    )
    for media_id, media in known.items():  # fresh signed URLs; unfinished ones are fetched by this crawl
        media.url, media.seen_by = images[media_id][2], crawl
        if media.status != Status.DONE:
            media.crawl, media.status, media.failure_reason = crawl, Status.PENDING, ""
    InstagramMedia.objects.bulk_update(known.values(), ["url", "seen_by", "crawl", "status", "failure_reason"])
    InstagramMedia.objects.filter(crawl=crawl, status=Status.PENDING, url="").update(
        status=Status.FAILED, failure_reason="Instagram gives no image for this media item."
    )
    return list(
        InstagramMedia.objects.filter(crawl=crawl, status=Status.PENDING, media_id__in=images).values_list(
            "pk", flat=True
        )
    )


def _remove_gone(crawl: InstagramCrawl) -> None:
    """The walk saw the whole feed: photos of media no longer in it go, with their faces."""
    gone = InstagramMedia.objects.filter(owner=crawl.owner).exclude(seen_by=crawl)
    for media in gone.select_related("photo"):
        if media.photo and media.photo.source_id == media.media_id:  # not a photo the user also uploaded
            services.photo_delete(media.photo)
    removed = gone.delete()[0]
    if removed:
        log.info("crawl %s: %s media items left the feed of user %s", crawl.pk, removed, crawl.owner_id)


def _wait(crawl: InstagramCrawl, seconds: float, message: str) -> None:
    InstagramCrawl.objects.filter(pk=crawl.pk, state__in=WALKING_STATES).update(
        state=State.WAITING,
        resume_at=timezone.now() + timedelta(seconds=seconds),
        message=message,
        throttled=F("throttled") + 1,
        heartbeat_at=timezone.now(),
    )
    enqueue_page(crawl.pk, countdown=seconds)


def _retry_or_fail(crawl: InstagramCrawl, message: str) -> None:
    if crawl.attempts >= settings.INSTAGRAM_MAX_RETRIES:
        InstagramCrawl.objects.filter(pk=crawl.pk, state__in=WALKING_STATES).update(
            state=State.FAILED,
            message=f"Instagram kept failing, the crawl gave up: {message}",
            finished_at=timezone.now(),
        )
        return
    InstagramCrawl.objects.filter(pk=crawl.pk).update(
        attempts=F("attempts") + 1, message=message, heartbeat_at=timezone.now()
    )
    enqueue_page(crawl.pk, countdown=settings.INSTAGRAM_RETRY_BACKOFF * 2**crawl.attempts)


def _stop(crawl: InstagramCrawl, problem: str, relogin: bool = True) -> None:
    """Stop the crawl. A refused token asks for a new login; a missing permission (error 10) cannot be fixed so."""
    if relogin:
        mark_needs_relogin(crawl.owner, problem)
    else:
        problem = f"{problem} {PERMISSION_HELP}"
    InstagramCrawl.objects.filter(pk=crawl.pk, state__in=InstagramCrawl.ACTIVE).update(
        state=State.STOPPED, message=problem, finished_at=timezone.now()
    )


def finish_if_done(crawl_id: int) -> None:
    pending = InstagramMedia.objects.filter(crawl=OuterRef("pk"), status=Status.PENDING)
    InstagramCrawl.objects.filter(~Exists(pending), pk=crawl_id, state=State.INDEXING).update(
        state=State.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


# one media item
def media_fetch(media_pk: int, data: bytes | None = None) -> None:
    """Download (unless `data` came with it), store and index one image of the feed; a broken one fails alone."""
    media = InstagramMedia.objects.select_related("owner", "photo").filter(pk=media_pk).first()
    if media is None or media.status != Status.PENDING:
        return
    _fetch(media, data)
    _beat_and_finish(media.crawl_id)


def _beat_and_finish(crawl_id: int) -> None:
    """After media of the crawl were fetched: it is alive, and done if nothing is left."""
    InstagramCrawl.objects.filter(pk=crawl_id).update(heartbeat_at=timezone.now())
    finish_if_done(crawl_id)


def _fetch(media: InstagramMedia, data: bytes | None, album: Album | None = None) -> None:
    """media_fetch's work on a media row already read (pending); the caller beats the crawl's heartbeat and
    finishes it. The photo is created and indexed in this process, its bytes decoded once."""
    photo, handed = media.photo, None
    if photo is None:
        try:
            created = _store(media, data, album)
        except TokenInvalid as e:  # the media URL expired and the token cannot fetch a fresh one
            return _stop_for_media(media, str(e))
        except PermissionMissing as e:
            return _stop_for_media(media, str(e), relogin=False)
        except (InstagramError, services.PhotoRejected) as e:
            return _media_finished(media, Status.FAILED, str(e))
        photo, handed = created.photo, created.decoded
    if photo.status in (Photo.Status.PENDING, Photo.Status.PROCESSING):
        try:
            indexed = services.photo_index_now(photo.pk, handed)
        except (ConnectionError, TimeoutError):
            raise  # the photo is pending again: the task retries
        except Exception:  # the runner logged it and failed the photo with a reason (or could not)
            indexed = None
        if indexed is None and Photo.objects.filter(pk=photo.pk, status=Photo.Status.PROCESSING).exists():
            raise PhotoBusy(f"photo {photo.pk} is being indexed by another run")
    _media_finished(media, Status.DONE, "", photo)


def _stop_for_media(media: InstagramMedia, problem: str, relogin: bool = True) -> None:
    crawl = InstagramCrawl.objects.select_related("owner").filter(pk=media.crawl_id).first()
    if crawl:
        _stop(crawl, problem, relogin)
    elif relogin:
        mark_needs_relogin(media.owner, problem)


def _store(media: InstagramMedia, data: bytes | None = None, album: Album | None = None) -> services.PhotoCreated:
    """The media's photo, created (decoded for indexing here) or found; downloaded unless `data` came."""
    if data is None:
        data = _download(media)
    album = album or services.album_get_or_create(media.owner, ALBUM_TITLE, Album.Source.INSTAGRAM)
    return services.photo_create(
        media.owner,
        data,
        f"instagram-{media.media_id}.jpg",
        album=album,
        # the media has no photo yet: a duplicate (a run that died before linking it) is rare
        source=services.PhotoSource(source_id=media.media_id, never_stored=True),
        then=services.After.INDEX_HERE,
    )


def _download(media: InstagramMedia) -> bytes:
    token = token_for(media.owner)
    client = client_for(token or "")
    try:
        return client.download(media.url, settings.UPLOAD_MAX_BYTES)
    except MediaGone as e:
        if e.status != 403 or not token:
            raise
    # Signed links expire within days: ask Instagram for the media object again, once.
    fresh = image_url(client.media(media.media_id)) or ""
    InstagramMedia.objects.filter(pk=media.pk).update(url=fresh)
    return client.download(fresh, settings.UPLOAD_MAX_BYTES)


def _media_finished(media: InstagramMedia, status: str, reason: str, photo: Photo | None = None) -> None:
    """The media item done (linked to its photo) or failed with the reason; once (it must still be pending)."""
    done = {"photo": photo} if photo is not None else {}
    InstagramMedia.objects.filter(pk=media.pk, status=Status.PENDING).update(
        status=status, failure_reason=reason, **done
    )
    if reason:
        log.info("media %s of user %s failed: %s", media.media_id, media.owner_id, reason)


# periodic work
def recrawl_all() -> int:
    """Start a crawl (new posts, removed posts) for every connected account (with a token) that has none running."""
    started = 0
    connected = InstagramAccount.objects.filter(needs_relogin=False, user__social_auth__provider="instagram")
    for account in connected.select_related("user").distinct():
        if not InstagramCrawl.objects.filter(owner=account.user, state__in=InstagramCrawl.ACTIVE).exists():
            crawl_start(account.user)
            started += 1
    return started


def resume_stalled() -> int:
    """Queue again the work of crawls that made no progress for INSTAGRAM_STALL_SECONDS (a worker died)."""
    now = timezone.now()
    stalled = InstagramCrawl.objects.filter(
        state__in=InstagramCrawl.ACTIVE, heartbeat_at__lt=now - timedelta(seconds=settings.INSTAGRAM_STALL_SECONDS)
    )
    resumed = 0
    for crawl in stalled:
        if not InstagramCrawl.objects.filter(pk=crawl.pk, heartbeat_at=crawl.heartbeat_at).update(heartbeat_at=now):
            continue  # another sweeper took it
        resumed += 1
        log.info("crawl %s made no progress since %s: queueing its work again", crawl.pk, crawl.heartbeat_at)
        waited = crawl.state == State.WAITING and (crawl.resume_at or now) <= now
        if crawl.state in (State.QUEUED, State.WALKING) or waited:
            enqueue_page(crawl.pk)
        for pk in InstagramMedia.objects.filter(crawl=crawl, status=Status.PENDING).values_list("pk", flat=True):
            enqueue_media(pk)
        finish_if_done(crawl.pk)
    return resumed


def enqueue_page(crawl_id: int, countdown: float = 0.0) -> None:
    instagram_crawl_page.apply_async((crawl_id,), countdown=countdown or None, queue=settings.INSTAGRAM_QUEUE)


def media_fetch_batch(media_pks: list[int]) -> list[int]:
    """Download these images concurrently (a bounded thread pool), then store and index each in turn.

    Returns the ids to try again later (another run was indexing their photo, or the network failed).
    A download that failed here is simply done again, the careful way, by _fetch. The rows are read
    once, the album found once, the crawl's heartbeat and end looked at once for the whole batch."""
    rows = InstagramMedia.objects.select_related("owner", "photo").filter(pk__in=media_pks, status=Status.PENDING)
    media = {m.pk: m for m in rows}
    to_download = [m for m in media.values() if m.photo is None]
    names = ("GRAPH_URL", "HTTP_TIMEOUT", "HTTP_RETRIES", "RETRY_BACKOFF")  # CDN links are signed: no token
    client = _cdn_client(*(getattr(settings, f"INSTAGRAM_{n}") for n in names))
    with ThreadPoolExecutor(max_workers=max(1, settings.INSTAGRAM_DOWNLOAD_THREADS)) as pool:
        downloaded = pool.map(lambda m: _download_quietly(client, m.url), to_download)
        files = dict(zip([m.pk for m in to_download], downloaded))
    albums, retry = {}, []
    for pk in (pk for pk in media_pks if pk in media):
        m = media[pk]
        if m.photo is None and m.owner_id not in albums:
            albums[m.owner_id] = services.album_get_or_create(m.owner, ALBUM_TITLE, Album.Source.INSTAGRAM)
        try:
            _fetch(m, files.get(pk), albums.get(m.owner_id))
        except (PhotoBusy, ConnectionError, TimeoutError):
            retry.append(pk)
    for crawl_id in {m.crawl_id for m in media.values()}:
        _beat_and_finish(crawl_id)
    return retry


def _download_quietly(client: GraphClient, url: str) -> bytes | None:
    try:
        return client.download(url, settings.UPLOAD_MAX_BYTES) if url else None
    except InstagramError:
        return None


def enqueue_media_batches(media_pks: list[int]) -> None:
    size = max(1, settings.INSTAGRAM_DOWNLOAD_THREADS)
    for i in range(0, len(media_pks), size):
        instagram_fetch_media_batch.apply_async((media_pks[i : i + size],), queue=settings.INSTAGRAM_QUEUE)


def enqueue_media(media_pk: int, countdown: float = 0.0) -> None:
    instagram_fetch_media.apply_async((media_pk,), countdown=countdown or None, queue=settings.INSTAGRAM_QUEUE)
