"""Celery tasks: thin, ids in, one call each."""
from celery import shared_task

from .pipeline import index_photo_now


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def index_photo(photo_id: int) -> None:
    index_photo_now(photo_id)


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def cluster_faces(owner_id: int) -> None:
    """Group a user's unnamed faces (after indexing asked for it; see people.request_clustering)."""
    from .people import cluster_if_due

    cluster_if_due(owner_id)


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def tag_webhook_photo(delivery_id: int) -> None:
    """Fetch, index and tag the photo a signed webhook named (people.webhook_receive queued it)."""
    from .people import webhook_process

    webhook_process(delivery_id)
