"""Celery tasks: thin, ids in, one call each."""

from celery import shared_task
from django.conf import settings

from .instagram import accounts, crawl
from .pipeline import index_photo_now


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, retry_jitter=True, max_retries=5
)
def index_photo(photo_id: int) -> None:
    index_photo_now(photo_id)


# Instagram (indexing/instagram/crawl.py): thin tasks on settings.INSTAGRAM_QUEUE, ids in.
@shared_task(acks_late=True)
def instagram_crawl_page(crawl_id: int) -> None:
    crawl.crawl_page(crawl_id)


@shared_task(acks_late=True)
def instagram_fetch_media(media_pk: int) -> None:
    try:
        crawl.media_fetch(media_pk)
    except (crawl.PhotoBusy, ConnectionError, TimeoutError):  # the media stays pending: look again later
        crawl.enqueue_media(media_pk, countdown=min(60, max(1, settings.CELERY_TASK_TIME_LIMIT // 2)))


@shared_task
def instagram_refresh_tokens() -> dict:
    return accounts.refresh_tokens()


@shared_task
def instagram_recrawl() -> int:
    return crawl.recrawl_all()


@shared_task
def instagram_resume_stalled() -> int:
    return crawl.resume_stalled()


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, retry_jitter=True, max_retries=5
)
def cluster_faces(owner_id: int) -> None:
    """Group a user's unnamed faces (after indexing asked for it; see people.request_clustering)."""
    from .people import cluster_if_due

    cluster_if_due(owner_id)


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, retry_jitter=True, max_retries=5
)
def tag_webhook_photo(delivery_id: int) -> None:
    """Fetch, index and tag the photo a signed webhook named (people.webhook_receive queued it)."""
    from .people import webhook_process

    webhook_process(delivery_id)
