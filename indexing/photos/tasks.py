"""Celery tasks of photos: thin, ids in. Names are pinned to the ones queued messages carry."""

from celery import shared_task

TRANSIENT = (ConnectionError, TimeoutError)
# A task is acknowledged once done (a worker killed mid-photo leaves it queued) and retried on TRANSIENT.
RETRIED = {"acks_late": True, "autoretry_for": TRANSIENT, "retry_backoff": True, "retry_jitter": True, "max_retries": 5}


@shared_task(name="indexing.tasks.index_photo", **RETRIED)
def index_photo(photo_id: int) -> None:
    from .pipeline.runner import index_photo_now  # the pipeline's services queue this task

    index_photo_now(photo_id)


@shared_task(name="indexing.tasks.index_photos", **RETRIED)
def index_photos(photo_ids: list[int]) -> None:
    """index_photo of a few photos in one task (a batch of an import). A photo that fails is failed with its
    reason and the others go on; a transient error retries the task, which skips the photos already done."""
    from .pipeline.runner import index_photo_now

    for photo_id in photo_ids:
        try:
            index_photo_now(photo_id)
        except TRANSIENT:
            raise
        except Exception:  # the runner logged it and failed the photo with its reason
            pass
