"""Celery tasks of the tagging API: thin, ids in. Names are pinned to the ones queued messages carry."""

from celery import shared_task


@shared_task(
    name="indexing.tasks.tag_webhook_photo",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def tag_webhook_photo(delivery_id: int) -> None:
    """Fetch, index and tag the photo a signed webhook named (services.webhook_receive queued it)."""
    from .services import webhook_process

    webhook_process(delivery_id)
