"""Reads for an import's progress bar (the same fields as a crawl's, so crawl_progress.js draws both)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from ..photos.models import Face, Photo
from .models import InstagramExportItem, InstagramImport

Status = InstagramExportItem.Status


def latest_import(user) -> InstagramImport | None:
    return InstagramImport.objects.filter(owner=user).first() if user.is_authenticated else None


def import_progress(run: InstagramImport) -> dict:
    counts = InstagramExportItem.objects.filter(run=run).aggregate(
        media=Count("pk"),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        broken=Count("pk", filter=Q(status=Status.FAILED)),
        indexed=Count("pk", filter=Q(status=Status.DONE, photo__status=Photo.Status.INDEXED)),
        unindexable=Count("pk", filter=Q(status=Status.DONE, photo__status=Photo.Status.FAILED)),
    )
    faces = Face.objects.filter(photo__instagram_export_items__run=run).distinct().count()
    settled = counts["indexed"] + counts["unindexable"] + counts["broken"]
    if run.state == InstagramImport.State.DONE:
        percent = 100.0
    elif counts["media"]:
        percent = 100.0 * settled / counts["media"]
    else:
        percent = 0.0
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": run.get_state_display(),
        "active": run.state in InstagramImport.ACTIVE,
        "posts_seen": run.posts_seen,
        "media": counts["media"],
        "media_done": counts["media"] - counts["pending"],
        "already_imported": run.already_imported,
        "photos_indexed": counts["indexed"],
        "faces_found": faces,
        "failures": counts["broken"] + counts["unindexable"],
        "percent": round(percent, 1),
        "message": run.message,
        "started_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def recent_faces(run: InstagramImport, limit: int = 24) -> list[dict]:
    faces = Face.objects.filter(owner=run.owner, photo__instagram_export_items__run=run).order_by("-pk")[:limit]
    return [
        {"id": f.pk, "crop": reverse("face_crop", args=[f.pk]), "matches": reverse("face_matches", args=[f.pk])}
        for f in faces
    ]


def import_panel_for(user) -> dict:
    run = latest_import(user)
    return {"instagram_import": import_progress(run) if run else None}
