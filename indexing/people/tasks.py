"""Celery tasks of people: thin, ids in. Names are pinned to the ones queued messages carry."""

from celery import shared_task


@shared_task(
    name="indexing.tasks.cluster_faces",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def cluster_faces(owner_id: int) -> None:
    """A full regrouping of a user's unnamed faces if flagged due (new faces are grouped as indexed)."""
    from .clusters import cluster_if_due

    cluster_if_due(owner_id)
