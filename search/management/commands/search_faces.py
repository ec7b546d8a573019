"""search_faces IMAGE... --user NAME: the user's photos matching each face of each image."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indexing.engine.errors import EngineError
from indexing.photos.selectors import image_matches_for_user


class Command(BaseCommand):
    help = "Search a user's photos for every face of the given images."

    def add_arguments(self, parser):
        parser.add_argument("images", nargs="+")
        parser.add_argument("--user", required=True)
        parser.add_argument("--threshold", type=float, default=settings.FACE_MATCH_THRESHOLD)
        parser.add_argument("--max", type=int, default=20, dest="limit")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, images, user, threshold, limit, as_json, **options):
        if not 0 <= threshold <= 100:
            raise CommandError("--threshold must be between 0 and 100")
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        results, failed = [], False
        for image in images:
            result = {"image": image, "faces": []}
            try:
                searched = image_matches_for_user(owner, Path(image).read_bytes(), threshold, limit)
                result["faces"] = [_face_json(f) for f in searched]
            except (EngineError, OSError) as e:
                result["error"], failed = str(e), True
            results.append(result)
        if as_json:
            self.stdout.write(json.dumps({"results": results}, indent=1))
        else:
            self._table(results)
        if failed:
            sys.exit(1)

    def _table(self, results):
        for result in results:
            self.stdout.write(f"{result['image']}: {result.get('error') or str(len(result['faces'])) + ' face(s)'}")
            for n, face in enumerate(result["faces"], 1):
                b = face["box"]
                self.stdout.write(
                    f"  face {n} at left {b['Left']:.2f} top {b['Top']:.2f}: {len(face['matches'])} match(es)"
                )
                for m in face["matches"]:
                    self.stdout.write(f"    {m['similarity']:6.2f}%  photo {m['photo_id']:<6} {m['file_name']}")


def _face_json(face) -> dict:
    return {
        "box": face.box,
        "matches": [
            {
                "similarity": round(m.similarity, 2),
                "face_id": str(m.face.pk),
                "photo_id": m.face.photo_id,
                "file_name": m.face.photo.file_name,
                "box": m.face.box,
            }
            for m in face.matches
        ],
    }
