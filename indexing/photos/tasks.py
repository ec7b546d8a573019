"""Celery tasks of photos: thin, ids in. Names are pinned to the ones queued messages carry."""

from celery import shared_task


@shared_task(
    name="indexing.tasks.index_photo",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def index_photo(photo_id: int) -> None:
    from .pipeline.runner import index_photo_now  # the pipeline's services queue this task

    index_photo_now(photo_id)
