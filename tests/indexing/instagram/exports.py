"""Synthesised Instagram data downloads (both layouts) built from ../shared/faces photos."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

FACES = Path(__file__).resolve().parents[3].parent / "shared" / "faces"


def mojibake(text: str) -> str:
    """How Instagram writes non-ASCII text: UTF-8 bytes as Latin-1 escapes."""
    return text.encode("utf-8").decode("latin-1")


def post(ts: int, caption: str, *uris: str) -> dict:
    media = [{"uri": u, "creation_timestamp": ts, "title": "" if len(uris) > 1 else caption} for u in uris]
    return {"media": media, "title": caption if len(uris) > 1 else "", "creation_timestamp": ts}


def build_export(
    path: Path, posts: list[tuple[int, str, list[str]]], layout: str = "new", stories=(), profile=(), extra=None
) -> Path:
    """A ZIP like Instagram's: posts are (creation_timestamp, caption, [photo names in ../shared/faces])."""
    content = "your_instagram_activity/content" if layout == "new" else "content"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        listed = []
        for ts, caption, photos in posts:
            uris = [f"media/posts/202401/{Path(p).stem}_{ts}.jpg" for p in photos]
            for uri, photo in zip(uris, photos, strict=True):
                z.write(FACES / photo, uri)
            listed.append(post(ts, mojibake(caption), *uris))
        z.writestr(f"{content}/posts_1.json", json.dumps(listed))
        if stories:
            items = []
            for ts, photo in stories:
                uri = f"media/stories/202402/{Path(photo).stem}_{ts}.jpg"
                z.write(FACES / photo, uri)
                items.append({"uri": uri, "creation_timestamp": ts, "title": ""})
            z.writestr(f"{content}/stories.json", json.dumps({"ig_stories": items}))
        if profile:
            uri = f"media/other/{Path(profile[1]).stem}.jpg"
            z.write(FACES / profile[1], uri)
            entry = {"uri": uri, "creation_timestamp": profile[0], "title": ""}
            z.writestr(f"{content}/profile_photos.json", json.dumps({"ig_profile_picture": [entry]}))
        z.writestr(f"{content}/liked_posts.json", json.dumps({"likes_media_likes": []}))  # not media: ignored
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path
