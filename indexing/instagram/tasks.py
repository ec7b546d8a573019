"""Celery tasks of the Instagram crawl (indexing/instagram/services/): thin, on settings.INSTAGRAM_QUEUE,
ids in. Names are pinned to the ones queued messages and the beat schedule (faceapp/settings.py) carry."""

from celery import shared_task
from django.conf import settings


@shared_task(name="indexing.tasks.instagram_crawl_page", acks_late=True)
def instagram_crawl_page(crawl_id: int) -> None:
    from .services import crawl

    crawl.crawl_page(crawl_id)


@shared_task(name="indexing.tasks.instagram_fetch_media", acks_late=True)
def instagram_fetch_media(media_pk: int) -> None:
    from .services import crawl

    try:
        crawl.media_fetch(media_pk)
    except (crawl.PhotoBusy, ConnectionError, TimeoutError):  # the media stays pending: look again later
        crawl.enqueue_media(media_pk, countdown=min(60, max(1, settings.CELERY_TASK_TIME_LIMIT // 2)))


@shared_task(name="indexing.tasks.instagram_fetch_media_batch", acks_late=True)
def instagram_fetch_media_batch(media_pks: list[int]) -> None:
    from .services import crawl

    for pk in crawl.media_fetch_batch(media_pks):  # still pending: look again later
        crawl.enqueue_media(pk, countdown=min(60, max(1, settings.CELERY_TASK_TIME_LIMIT // 2)))


@shared_task(name="indexing.tasks.instagram_refresh_tokens")
def instagram_refresh_tokens() -> dict:
    from .services import accounts

    return accounts.refresh_tokens()


@shared_task(name="indexing.tasks.instagram_recrawl")
def instagram_recrawl() -> int:
    from .services import crawl

    return crawl.recrawl_all()


@shared_task(name="indexing.tasks.instagram_resume_stalled")
def instagram_resume_stalled() -> int:
    from .services import crawl

    return crawl.resume_stalled()


@shared_task(name="indexing.tasks.instagram_delete_data", acks_late=True)
def instagram_delete_data(deletion_id: int) -> int:
    from .services import disconnect

    return disconnect.deletion_run(deletion_id)


@shared_task(name="indexing.tasks.instagram_import_export", acks_late=True)
def instagram_import_export(import_id: int) -> None:
    from .services import export_import

    export_import.import_run(import_id)


@shared_task(name="indexing.tasks.instagram_uploads_prune")
def instagram_uploads_prune() -> int:
    from .services import uploads

    return uploads.abandoned_uploads_delete()
