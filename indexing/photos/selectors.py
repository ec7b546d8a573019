"""Reads of albums, photos and faces, always scoped to one owner (visible_to); searches by face or by
image answer the owner's Face rows through face_index.matched_faces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ..engine.errors import ResourceNotFound
from ..face_index import Match, collection_id_for, face_matches, get_engine, matched_faces
from .models import TAKEN, Album, Face, Photo
from .models import THUMBNAIL_SIZE as THUMBNAIL_SIZE  # the pages size thumbnails by it

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

FACES_SAMPLE_SIZE = 50
STATUS_IDS_MAX = 200
PAGE_SIZE = 48
COUNT_CAP = 10_000  # a page's own count reads at most this many index entries ("10,000+ photos")
TILE_COUNT_CAP = 1_000  # each album of a list of albums: at most this many ("1,000+")


@dataclass
class SearchedFace:
    box: dict
    confidence: float
    matches: list[Match]


def _count(rows: QuerySet, field: str):
    """A per-row count as a correlated subquery (0 when none): computed for the rows shown only,
    never a GROUP BY over the whole library."""
    counted = rows.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _capped_album_count(cap: int) -> RawSQL:
    """How many photos an album shows, counting at most cap + 1 of them (the photo_album_timeline index
    holds album and hidden: an index-only read of at most cap + 1 entries, whatever the album's size)."""
    photo, album = Photo._meta.db_table, Album._meta.db_table
    return RawSQL(
        f'SELECT COUNT(*) FROM (SELECT 1 FROM "{photo}" p WHERE p."owner_id" = "{album}"."owner_id"'
        f' AND p."album_id" = "{album}"."id" AND p."hidden" = %s'
        " LIMIT %s) shown",
        (False, cap + 1),
        output_field=IntegerField(),
    )


def capped_count(rows: QuerySet) -> int:
    """len(rows), but never more than COUNT_CAP + 1: reads at most that many rows (show "10,000+")."""
    return rows.order_by().values("pk")[: COUNT_CAP + 1].count()


def albums_for_user(user) -> list[Album]:
    """The user's albums, newest first, with their featured photo (none when a moderator hid it) and
    how many photos they can see (at most TILE_COUNT_CAP + 1)."""
    albums = list(
        Album.objects.filter(owner=user)
        .select_related("featured_photo")
        .annotate(photo_count=_capped_album_count(TILE_COUNT_CAP))
        .order_by("-created_at", "-id")
    )
    for album in albums:
        album.photo_count_capped = album.photo_count > TILE_COUNT_CAP
        if album.featured_photo is not None and album.featured_photo.hidden:
            album.featured_photo = None
    return albums


def album_choices_for_user(user) -> list[Album]:
    """The user's albums, newest first, to choose one (their titles; no count, no photo)."""
    return list(Album.objects.filter(owner=user).only("pk", "title").order_by("-created_at", "-id"))


def album_for_user(user, album_id: int) -> Album:
    return get_object_or_404(Album, pk=album_id, owner=user)


def by_date_taken(photos: QuerySet[Photo]) -> QuerySet[Photo]:
    """Newest first by date taken (EXIF or the source's date), else by upload time; `when` is that date."""
    return photos.annotate(when=TAKEN).order_by(F("when").desc(), "-id")


def photos_for_user(user, album: Album | None = None) -> QuerySet[Photo]:
    """The user's photos (of one album when given), newest taken first, with their face count."""
    photos = Photo.objects.visible_to(user)
    if album is not None:
        photos = photos.filter(album=album)
    return by_date_taken(photos.annotate(face_count=_count(Face.objects.all(), "photo")))


@dataclass
class TimelinePage:
    """One page of a timeline: its photos, and the cursors of the pages of newer and older photos (None
    at either end)."""

    photos: list[Photo]
    newer: str | None
    older: str | None


def cursor_of(photo: Photo) -> str:
    """A photo's place in a timeline, "<when in microseconds since 1970 (negative before)>_<id>": it
    stays valid when the photo itself is deleted."""
    return f"{(photo.when - EPOCH) // timedelta(microseconds=1)}_{photo.pk}"


def _place(cursor: str | None) -> tuple[datetime, int] | None:
    micros, _, pk = (cursor or "").rpartition("_")
    if not (micros.removeprefix("-").isdigit() and pk.isdigit()) or len(micros) > 18:
        return None
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:  # beyond year 9999
        return None


def _older_than(place) -> Q:  # when <= w leads: the database seeks the timeline index there
    when, pk = place
    return Q(when__lte=when) & (Q(when__lt=when) | Q(pk__lt=pk))


def _newer_than(place) -> Q:
    when, pk = place
    return Q(when__gte=when) & (Q(when__gt=when) | Q(pk__gt=pk))


def timeline_page(
    photos: QuerySet[Photo], older_than: str | None = None, newer_than: str | None = None, size: int = PAGE_SIZE
) -> TimelinePage:
    """A page of `photos` (a by_date_taken queryset) after a cursor: keyset ("seek") paging on (when, id),
    so that a page costs the same anywhere in a library of 100 or 100,000 photos. No cursor, or one
    that is not, gives the newest page."""
    newer, older = _place(newer_than), _place(older_than)
    if newer is not None:
        rows = list(photos.filter(_newer_than(newer)).order_by("when", "id")[: size + 1])
        if len(rows) > size:
            rows = rows[:size][::-1]
            return TimelinePage(rows, cursor_of(rows[0]), cursor_of(rows[-1]))
    if older is None or newer is not None:  # the newest page (also when fewer than a page are newer)
        rows = list(photos[: size + 1])
        return TimelinePage(rows[:size], None, cursor_of(rows[size - 1]) if len(rows) > size else None)
    rows = list(photos.filter(_older_than(older))[: size + 1])
    page = rows[:size]
    has_newer = bool(page) and photos.filter(_newer_than((page[0].when, page[0].pk))).exists()
    return TimelinePage(
        page, cursor_of(page[0]) if has_newer else None, cursor_of(page[-1]) if len(rows) > size else None
    )


def photo_for_user(user, photo_id: int) -> Photo:
    return get_object_or_404(Photo.objects.visible_to(user).select_related("album"), pk=photo_id)


def hidden_photo_of(user, photo_id: int) -> Photo | None:
    """The user's own photo that a moderator hid (to tell its owner why it is gone), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Photo.objects.filter(owner=user, hidden=True, pk=photo_id).first()


def neighbours(photos: QuerySet[Photo], photo: Photo) -> dict:
    """The photos before and after `photo` in `photos` (a by_date_taken queryset), its position and the
    count: keyset queries on (when, id), and counts that stop at COUNT_CAP (position None beyond it, count
    "10,000+"), so a step costs the same in an album of 10 or 100,000 photos."""
    place = (photo.taken_at or photo.created_at, photo.pk)
    newer, older = photos.filter(_newer_than(place)), photos.filter(_older_than(place))
    before = capped_count(newer)
    # `photo` and the COUNT_CAP photos before it: more than COUNT_CAP, known without counting again
    count = before + 1 if before >= COUNT_CAP else capped_count(photos)
    return {
        "previous": newer.order_by("when", "id").values_list("pk", flat=True).first(),
        "next": older.values_list("pk", flat=True).first(),
        "position": before + 1 if before < COUNT_CAP else None,
        "count": f"{COUNT_CAP:,}+" if count > COUNT_CAP else count,
    }


def photos_by_ids_for_user(user, photo_ids: list[int]) -> list[Photo] | None:
    """These photos of the user in the order asked, or None when any id is not one of the user's."""
    photo_ids = list(dict.fromkeys(photo_ids))[:STATUS_IDS_MAX]
    found = {p.pk: p for p in photos_for_user(user).filter(pk__in=photo_ids)}
    if len(found) != len(photo_ids):
        return None
    return [found[pk] for pk in photo_ids]


def face_for_user(user, face_id: int) -> Face:
    return get_object_or_404(Face.objects.visible_to(user).select_related("photo"), pk=face_id)


def faces_sample_for_user(user, size: int = FACES_SAMPLE_SIZE) -> list[Face]:
    """A random sample of the user's faces.

    ORDER BY RANDOM() scans the user's faces once in the database: about 0.3 s at 900k faces on
    SQLite, faster and lighter than loading every id into Python to sample them.
    """
    return list(Face.objects.visible_to(user).select_related("photo").order_by("?")[:size])


def face_matches_for_user(user, face: Face, threshold: float | None = None, limit: int = 100) -> list[Match]:
    """Faces of the user that look like `face` (itself excluded), most similar first."""
    threshold = settings.FACE_MATCH_THRESHOLD if threshold is None else threshold
    matches = face_matches(user, face, threshold, limit)
    prefetch_related_objects([m.face for m in matches], "person")  # a tile names its person: one query
    return matches


def image_matches_for_user(
    user, image_bytes: bytes, threshold: float | None = None, limit: int = 100
) -> list[SearchedFace]:
    """Every face of an image (not stored) with its matches among the user's faces, left to right.

    Raises indexing.engine.errors.EngineError subclasses for images that cannot be read.
    """
    threshold = settings.FACE_MATCH_THRESHOLD if threshold is None else threshold
    engine, collection = get_engine(), collection_id_for(user)
    try:
        answers = engine.search_every_face_by_image(collection, image_bytes, threshold, limit)
    except ResourceNotFound:  # no collection (yet, or consent withdrawn): find the faces, match nothing, store nothing
        answers = [
            {"SearchedFaceBoundingBox": d["BoundingBox"], "SearchedFaceConfidence": d["Confidence"], "FaceMatches": []}
            for d in engine.detect_faces(image_bytes)["FaceDetails"]
        ]
    faces = [
        SearchedFace(a["SearchedFaceBoundingBox"], a["SearchedFaceConfidence"], matched_faces(user, a["FaceMatches"]))
        for a in answers
    ]
    return sorted(faces, key=lambda f: f.box["Left"])
