"""Read Instagram data-download ZIPs ("Download your information", JSON format) safely. Plain Python.

Layouts (from public parsers; ../shared/reference/instagram.md): newer exports keep the lists in
`your_instagram_activity/content/` (or `.../media/`): `posts_1.json`, `archived_posts.json`,
`stories.json`, `profile_photos.json`; older ones in `content/`. Media sit under `media/posts/YYYYMM/`
(also stories, archived_posts, other), named by `uri` relative to the export's root. An export may
come as several ZIPs (the lists in one, media spread over all), so they are read as one.

Nothing is extracted to disk: entries are read into memory one at a time, up to a size limit,
so a hostile entry name cannot escape anywhere. Zip-bomb limits apply before anything is read:
entries per ZIP, total uncompressed size, compression ratio per entry.
"""

from __future__ import annotations

import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

LIST_FILE = re.compile(
    r"(?:^|/)(?:your_instagram_activity/)?(?:content|media)/"
    r"(?P<kind>posts|archived_posts|stories|profile_photos)(?:_\d+)?\.json$"
)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".gif")
MAX_LIST_BYTES = 256 * 1024 * 1024
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries (tiny JSON) may compress better than the ratio limit


class ExportRefused(Exception):
    """The ZIP is not an export we read (unreadable, or over a zip-bomb limit); `str(e)` is for people."""


@dataclass(frozen=True)
class Limits:
    max_entries: int = 200_000
    max_uncompressed: int = 40 * 1024**3
    max_ratio: int = 100
    max_media_bytes: int = 50 * 1024**2


@dataclass
class ExportMedia:
    uri: str
    kind: str
    taken_at: datetime | None
    caption: str


@dataclass
class Export:
    """Several ZIPs of one export, read as one."""

    limits: Limits
    archives: list[zipfile.ZipFile] = field(default_factory=list)
    entries: dict[str, tuple[zipfile.ZipFile, zipfile.ZipInfo]] = field(default_factory=dict)
    skipped_names: int = 0

    def close(self) -> None:
        for archive in self.archives:
            archive.close()

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def media(self) -> list[ExportMedia]:
        """Every image the export's lists name, once per uri, oldest list order kept."""
        found: dict[str, ExportMedia] = {}
        for name in sorted(self.entries):
            match = LIST_FILE.search(name)
            if match:
                for item in _walk(self._json(name), match.group("kind")):
                    found.setdefault(item.uri, item)
        return list(found.values())

    def read(self, uri: str) -> bytes | None:
        """The bytes of the media file at `uri`, or None if no ZIP holds it (or it is too large)."""
        hit = self.entries.get(uri) or self._by_suffix(uri)
        if hit is None:
            return None
        archive, info = hit
        if info.file_size > self.limits.max_media_bytes:
            return None
        with archive.open(info) as f:  # zipfile stops at the header's size and checks the CRC
            return f.read(self.limits.max_media_bytes + 1)

    def _by_suffix(self, uri: str):
        """Some exports sit in a top folder inside the ZIP: match the uri as a path suffix."""
        tail = "/" + uri
        return next((hit for name, hit in self.entries.items() if name.endswith(tail)), None)

    def _json(self, name: str):
        archive, info = self.entries[name]
        if info.file_size > MAX_LIST_BYTES:
            raise ExportRefused(f"{name} is larger than {MAX_LIST_BYTES} bytes.")
        with archive.open(info) as f:
            try:
                return json.loads(f.read(MAX_LIST_BYTES + 1))
            except ValueError:
                raise ExportRefused(f"{name} is not JSON: choose the JSON format when you request the download.")


def open_export(paths: list[str], limits: Limits) -> Export:
    export = Export(limits)
    try:
        for path in paths:
            archive = _open_zip(path)
            export.archives.append(archive)
            _check(archive, path, limits)
            for info in archive.infolist():
                name = safe_name(info.filename)
                if name is None:
                    export.skipped_names += 1
                elif not info.is_dir():
                    export.entries.setdefault(name, (archive, info))
    except BaseException:
        export.close()
        raise
    return export


def _open_zip(path: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ExportRefused(f"{posixpath.basename(path)} is not a readable ZIP file ({e}).") from None


def _check(archive: zipfile.ZipFile, path: str, limits: Limits) -> None:
    infos, name = archive.infolist(), posixpath.basename(path)
    if len(infos) > limits.max_entries:
        raise ExportRefused(f"{name} holds {len(infos)} entries, more than the {limits.max_entries} allowed.")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed:
        raise ExportRefused(f"{name} would unpack to {total} bytes, more than the {limits.max_uncompressed} allowed.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
            raise ExportRefused(f"{name}: {info.filename!r} is compressed {ratio:.0f} to 1, a zip bomb's ratio.")


def safe_name(name: str) -> str | None:
    """The entry's path if it is a plain relative path (no absolute path, drive, backslash or '..'), else None."""
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[a-zA-Z]:", name) or "\x00" in name:
        return None
    parts = name.split("/")
    if any(p in ("..", ".") for p in parts):
        return None
    return name


def fix_text(text) -> str:
    """Instagram writes UTF-8 bytes as Latin-1 escapes ('\u00c3\u00a9' for 'é'): undo that when it decodes so."""
    if not isinstance(text, str):
        return ""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _walk(node, kind: str, caption: str = "", timestamp=None):
    """Every {"uri": ...} image in a list file, with its own or its post's title and creation_timestamp."""
    if isinstance(node, list):
        for child in node:
            yield from _walk(child, kind, caption, timestamp)
        return
    if not isinstance(node, dict):
        return
    caption = fix_text(node.get("title")) or caption
    ts = node.get("creation_timestamp")
    timestamp = ts if isinstance(ts, int | float) and ts > 0 else timestamp
    uri = node.get("uri")
    if isinstance(uri, str) and safe_name(uri) and uri.lower().endswith(IMAGE_SUFFIXES):
        taken = datetime.fromtimestamp(timestamp, UTC) if timestamp else None
        yield ExportMedia(uri, kind, taken, caption)
    for key, value in node.items():
        if isinstance(value, list | dict) and key not in ("media_metadata", "cross_post_source"):
            yield from _walk(value, kind, caption, timestamp)
