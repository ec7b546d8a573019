"""Reads for the progress bar: a crawl's counts, derived from its media rows (so a task run twice counts once)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from ..photos.models import Face, Photo
from .accounts import token_for
from .models import InstagramCrawl, InstagramMedia

Status = InstagramMedia.Status


def latest_crawl(user) -> InstagramCrawl | None:
    return InstagramCrawl.objects.filter(owner=user).first() if user.is_authenticated else None


def crawl_progress(crawl: InstagramCrawl) -> dict:
    """What the progress bar shows: posts read, photos indexed, faces found, failures, a percentage."""
    counts = InstagramMedia.objects.filter(crawl=crawl).aggregate(
        media=Count("pk"),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        broken=Count("pk", filter=Q(status=Status.FAILED)),
        indexed=Count("pk", filter=Q(status=Status.DONE, photo__status=Photo.Status.INDEXED)),
        unindexable=Count("pk", filter=Q(status=Status.DONE, photo__status=Photo.Status.FAILED)),
    )
    faces = Face.objects.visible_to(crawl.owner).filter(photo__instagram_media__crawl=crawl).distinct().count()
    done = counts["media"] - counts["pending"]
    walked = crawl.state not in (
        InstagramCrawl.State.QUEUED,
        InstagramCrawl.State.WALKING,
        InstagramCrawl.State.WAITING,
    )
    fetched = done / counts["media"] if counts["media"] else 1.0
    if crawl.state == InstagramCrawl.State.DONE:
        percent = 100.0
    elif walked:
        percent = 100.0 * fetched
    else:  # still reading the feed: the share of posts read times the share of their images fetched
        percent = 100.0 * fetched * min(1.0, crawl.posts_seen / crawl.posts_total) if crawl.posts_total else 0.0
    return {
        "id": crawl.pk,
        "state": crawl.state,
        "state_label": crawl.get_state_display(),
        "active": crawl.state in InstagramCrawl.ACTIVE,
        "full": crawl.full,
        "posts_total": crawl.posts_total,
        "posts_seen": crawl.posts_seen,
        "media": counts["media"],
        "media_done": done,
        "photos_indexed": counts["indexed"],
        "faces_found": faces,
        "failures": counts["broken"] + counts["unindexable"],
        "percent": round(percent, 1),
        "message": crawl.message,
        "resume_at": crawl.resume_at.isoformat() if crawl.resume_at else None,
        "started_at": crawl.created_at.isoformat(),
        "finished_at": crawl.finished_at.isoformat() if crawl.finished_at else None,
    }


def recent_faces(crawl: InstagramCrawl, limit: int = 24) -> list[dict]:
    """The last faces this crawl found, newest first, with the owner-checked URLs of their crop and matches."""
    faces = Face.objects.visible_to(crawl.owner).filter(photo__instagram_media__crawl=crawl).order_by("-pk")[:limit]
    return [
        {"id": f.pk, "crop": reverse("face_crop", args=[f.pk]), "matches": reverse("face_matches", args=[f.pk])}
        for f in faces
    ]


def crawl_panel_for(user) -> dict:
    """For the gallery's Instagram panel (_crawl_progress.html): the latest crawl with its progress
    (None before any), and whether the user's Instagram token is there to fetch new posts."""
    crawl = latest_crawl(user)
    return {
        "instagram_crawl": crawl_progress(crawl) if crawl else None,
        "instagram_connected": bool(user.is_authenticated and token_for(user)),
    }
