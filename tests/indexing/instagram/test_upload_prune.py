"""Abandoned data-download uploads are deleted with their partial ZIPs; live and imported ones stay."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from indexing.instagram.models import InstagramImport, InstagramUpload
from indexing.instagram.services import uploads
from indexing.instagram.tasks import instagram_uploads_prune

pytestmark = pytest.mark.django_db


def _started(owner, name: str, hours_ago: float) -> InstagramUpload:
    upload = uploads.upload_open(owner, name, 1024)
    uploads.upload_append(upload, 0, io.BytesIO(b"x" * 100), 100)
    InstagramUpload.objects.filter(pk=upload.pk).update(updated_at=timezone.now() - timedelta(hours=hours_ago))
    return InstagramUpload.objects.get(pk=upload.pk)


def test_uploads_left_unfinished_past_the_keep_time_go_with_their_files(user, settings):
    settings.INSTAGRAM_UPLOAD_KEEP_HOURS = 48
    abandoned = _started(user, "old.zip", hours_ago=49)
    resuming = _started(user, "recent.zip", hours_ago=1)
    imported = _started(user, "imported.zip", hours_ago=100)
    imported.run = InstagramImport.objects.create(owner=user, state="done")
    imported.save(update_fields=["run"])

    assert instagram_uploads_prune() == 1

    assert not InstagramUpload.objects.filter(pk=abandoned.pk).exists() and not Path(abandoned.path).exists()
    assert Path(resuming.path).stat().st_size == 100, "an upload still within its keep time can resume"
    assert InstagramUpload.objects.filter(pk__in=[resuming.pk, imported.pk]).count() == 2
