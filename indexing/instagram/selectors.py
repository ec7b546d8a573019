"""Reads of Instagram: the progress of a crawl and of an import of data downloads (the same fields, so
crawl_progress.js draws both), derived from their item rows (so a task run twice counts once), and
the panels the pages show."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from ..models import Face, Photo
from .models import InstagramCrawl, InstagramExportItem, InstagramImport, InstagramMedia
from .services.accounts import token_for


def _item_counts(items, status) -> dict:
    """A run's items (a crawl's InstagramMedia, an import's InstagramExportItem; `status`: their Status):
    all of them, pending, failed to fetch, and done with their photo indexed or unindexable."""
    return items.aggregate(
        media=Count("pk"),
        pending=Count("pk", filter=Q(status=status.PENDING)),
        broken=Count("pk", filter=Q(status=status.FAILED)),
        indexed=Count("pk", filter=Q(status=status.DONE, photo__status=Photo.Status.INDEXED)),
        unindexable=Count("pk", filter=Q(status=status.DONE, photo__status=Photo.Status.FAILED)),
    )


def _progress(run, counts: dict, faces: int, percent: float, active: bool) -> dict:
    """The progress bar's fields that a crawl and an import share."""
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": run.get_state_display(),
        "active": active,
        "posts_seen": run.posts_seen,
        "media": counts["media"],
        "media_done": counts["media"] - counts["pending"],
        "photos_indexed": counts["indexed"],
        "faces_found": faces,
        "failures": counts["broken"] + counts["unindexable"],
        "percent": round(percent, 1),
        "message": run.message,
        "started_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def _face_links(faces) -> list[dict]:
    """Each face with the owner-checked URLs of its crop and its matches."""
    return [
        {"id": f.pk, "crop": reverse("face_crop", args=[f.pk]), "matches": reverse("face_matches", args=[f.pk])}
        for f in faces
    ]


def latest_crawl(user) -> InstagramCrawl | None:
    return InstagramCrawl.objects.filter(owner=user).first() if user.is_authenticated else None


def crawl_progress(crawl: InstagramCrawl) -> dict:
    """What the progress bar shows: posts read, photos indexed, faces found, failures, a percentage."""
    counts = _item_counts(InstagramMedia.objects.filter(crawl=crawl), InstagramMedia.Status)
    faces = Face.objects.visible_to(crawl.owner).filter(photo__instagram_media__crawl=crawl).distinct().count()
    walked = crawl.state not in (
        InstagramCrawl.State.QUEUED,
        InstagramCrawl.State.WALKING,
        InstagramCrawl.State.WAITING,
    )
    fetched = (counts["media"] - counts["pending"]) / counts["media"] if counts["media"] else 1.0
    if crawl.state == InstagramCrawl.State.DONE:
        percent = 100.0
    elif walked:
        percent = 100.0 * fetched
    else:  # still reading the feed: the share of posts read times the share of their images fetched
        percent = 100.0 * fetched * min(1.0, crawl.posts_seen / crawl.posts_total) if crawl.posts_total else 0.0
    return {
        **_progress(crawl, counts, faces, percent, crawl.state in InstagramCrawl.ACTIVE),
        "full": crawl.full,
        "posts_total": crawl.posts_total,
        "resume_at": crawl.resume_at.isoformat() if crawl.resume_at else None,
    }


def crawl_recent_faces(crawl: InstagramCrawl, limit: int = 24) -> list[dict]:
    """The last faces this crawl found, newest first."""
    return _face_links(
        Face.objects.visible_to(crawl.owner).filter(photo__instagram_media__crawl=crawl).order_by("-pk")[:limit]
    )


def crawl_panel_for(user) -> dict:
    """For the gallery's Instagram panel (_crawl_progress.html): the latest crawl with its progress
    (None before any), and whether the user's Instagram token is there to fetch new posts."""
    crawl = latest_crawl(user)
    return {
        "instagram_crawl": crawl_progress(crawl) if crawl else None,
        "instagram_connected": bool(user.is_authenticated and token_for(user)),
    }


def latest_import(user) -> InstagramImport | None:
    return InstagramImport.objects.filter(owner=user).first() if user.is_authenticated else None


def import_progress(run: InstagramImport) -> dict:
    """crawl_progress of an import: its share of items settled (indexed, unindexable or failed)."""
    counts = _item_counts(InstagramExportItem.objects.filter(run=run), InstagramExportItem.Status)
    faces = Face.objects.filter(photo__instagram_export_items__run=run).distinct().count()
    settled = counts["indexed"] + counts["unindexable"] + counts["broken"]
    if run.state == InstagramImport.State.DONE:
        percent = 100.0
    elif counts["media"]:
        percent = 100.0 * settled / counts["media"]
    else:
        percent = 0.0
    return {
        **_progress(run, counts, faces, percent, run.state in InstagramImport.ACTIVE),
        "already_imported": run.already_imported,
    }


def import_recent_faces(run: InstagramImport, limit: int = 24) -> list[dict]:
    """The last faces this import found, newest first."""
    return _face_links(
        Face.objects.filter(owner=run.owner, photo__instagram_export_items__run=run).order_by("-pk")[:limit]
    )


def import_panel_for(user) -> dict:
    run = latest_import(user)
    return {"instagram_import": import_progress(run) if run else None}
