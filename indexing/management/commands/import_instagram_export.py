"""import_instagram_export PATH... --user NAME: import Instagram data-download ZIPs (one export, one or more parts)."""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indexing.instagram import services as instagram
from indexing.instagram.models import InstagramExportItem, InstagramImport
from indexing.instagram.selectors import import_progress
from indexing.photos.models import Photo
from indexing.photos.services import photo_index_now


class Command(BaseCommand):
    help = "Import an Instagram data download (the ZIP files of 'Download your information', JSON format)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="the export's ZIP files")
        parser.add_argument("--user", required=True, help="the faceapp user who owns the photos")
        parser.add_argument("--index-here", action="store_true", help="index in this process, not by the workers")
        parser.add_argument("--wait", action="store_true", help="wait until the workers have indexed every photo")

    def handle(self, *args, paths, user, index_here, wait, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no user named {user}")
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        run = instagram.import_create(owner, [str(Path(p).resolve()) for p in paths], uploaded=False, run_now=True)
        if run.state == InstagramImport.State.FAILED:
            raise CommandError(run.message)
        if index_here:
            for photo_id in InstagramExportItem.objects.filter(run=run, photo__status=Photo.Status.PENDING).values_list(
                "photo_id", flat=True
            ):
                photo_index_now(photo_id)
        while (wait or index_here) and not instagram.import_finish_if_done(run.pk):
            run.refresh_from_db()
            if run.state != InstagramImport.State.INDEXING:
                break
            time.sleep(1)
        run.refresh_from_db()
        p = import_progress(run)
        self.stdout.write(
            f"import {run.pk} {p['state']}: {p['media']} media files, {p['already_imported']} already imported, "
            f"{p['photos_indexed']} photos indexed, {p['faces_found']} faces, {p['failures']} failed"
            + (f" ({p['message']})" if p["message"] else "")
        )
