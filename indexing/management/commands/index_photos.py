"""index_photos PATH... --user NAME: index image files and folders (recursively)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indexing.account.services import face_indexing_enable, indexing_allowed
from indexing.photos.models import Album, Photo
from indexing.photos.services import After, PhotoRejected, album_get_or_create, photo_create, photo_index_now

# Only used to pick files out of folders; a file named on the command line is always tried
# (its content, not its name, decides whether it is an image).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".tif", ".tiff", ".bmp"}


def image_files(paths: list[str]) -> list[Path]:
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in IMAGE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = "Index photos from files and folders into a user's face collection."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--user", required=True, help="username of the owner")
        parser.add_argument("--album", default="Imported", help="album title (created if needed)")
        parser.add_argument("--create-user", action="store_true", help="create the user if missing (face indexing on)")
        parser.add_argument("--queue", action="store_true", help="hand the photos to the Celery workers")
        parser.add_argument(
            "--enable-face-indexing",
            action="store_true",
            help="switch face indexing on for the user (record that they agreed to it)",
        )

    def handle(self, *args, paths, user, album, create_user, queue, enable_face_indexing, **options):
        owner = self._user(user, create_user)
        if enable_face_indexing:
            face_indexing_enable(owner)
        if not indexing_allowed(owner):
            raise CommandError(
                f"Face indexing is off for {user!r} (or the account is banned): they switch it on "
                "on their account page, or pass --enable-face-indexing to record their consent."
            )
        target = album_get_or_create(owner, album, Album.Source.FOLDER)
        files = image_files(paths)
        failures, skipped, queued, photos = [], 0, 0, []
        then = After.QUEUE if queue else After.INDEX_HERE
        for path in tqdm(files, desc="Indexing", unit="photo", file=sys.stderr, disable=None):
            try:
                created = photo_create(owner, path.read_bytes(), path.name, album=target, then=then)
            except (PhotoRejected, OSError) as e:
                failures.append((path, str(e)))
                continue
            if not created.created:
                skipped += 1
                continue
            if queue:
                queued += 1
                continue
            photo = photo_index_now(created.photo.pk, created.decoded)
            if photo.status == Photo.Status.FAILED:
                failures.append((path, photo.failure_reason))
            else:
                photos.append(photo)
        self._summary(len(files), photos, queued, skipped, failures)
        if failures:
            sys.exit(1)

    def _user(self, username: str, create: bool):
        User = get_user_model()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            if not create:
                raise CommandError(f"No user {username!r}; pass --create-user to create one.") from None
            # An account made by this command exists to have these photos indexed: its creation
            # records that consent (an existing account needs its own, or --enable-face-indexing).
            created = User.objects.create_user(username=username)
            face_indexing_enable(created)
            return created

    def _summary(self, total, photos, queued, skipped, failures):
        faces = sum(p.faces.count() for p in photos)
        parts = [f"{total} files", f"{len(photos)} photos indexed", f"{faces} faces"]
        if queued:
            parts.append(f"{queued} queued for the workers")
        if skipped:
            parts.append(f"{skipped} already there (skipped)")
        parts.append(f"{len(failures)} failed")
        self.stdout.write(", ".join(parts))
        for photo in photos:
            if not photo.faces.exists():
                self.stdout.write(f"  no face found in {photo.file_name}")
        for path, reason in failures:
            self.stdout.write(f"  FAILED {path}: {reason}")
