"""Pages that cost the same in a library of 10 or 100,000 photos: keyset ("seek") pages of the timeline,
counts that stop at a cap, a query count that does not grow with the page, and the indexes the
timeline queries use. Photos are bulk-created rows (the pages read rows; no image is decoded)."""

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indexing.models import Album, Face, Photo
from indexing.moderation.admin.base import CappedPaginator
from indexing.photos import selectors
from indexing.photos.services import album_get_or_create
from search.views import photos as photo_views
from tests.factories import PersonFactory
from tests.postgres import ON_POSTGRES

pytestmark = pytest.mark.django_db
START = datetime(2021, 1, 1, tzinfo=timezone.utc)


def bulk_photos(owner, n: int, album=None, same_day_every: int = 4) -> list[Photo]:
    """n photos a day apart, going back from START; every `same_day_every`-th shares the previous one's
    date (ties are broken by id), and every third has no date taken (the upload time counts)."""
    rows = []
    for i in range(n):
        day = i - (1 if i % same_day_every == 0 and i else 0)
        taken = START - timedelta(days=day)
        rows.append(
            Photo(
                owner=owner,
                album=album,
                original="bench/placeholder.jpg",
                file_name=f"p{i:03d}.jpg",
                format="JPEG",
                width=4,
                height=3,
                size_bytes=1,
                content_hash=uuid.uuid4().hex,
                status=Photo.Status.INDEXED,
                taken_at=None if i % 3 == 2 else taken,
            )
        )
    photos = Photo.objects.bulk_create(rows)
    for photo, row_day in zip(photos, range(n)):  # created_at is auto_now_add: set the undated ones' now
        if photo.taken_at is None:
            Photo.objects.filter(pk=photo.pk).update(created_at=START - timedelta(days=row_day, hours=1))
    return photos


def bulk_faces(owner, photo_ids, person, confirmed=lambda i: True) -> None:
    box = {"left": 0.4, "top": 0.3, "width": 0.2, "height": 0.3, "confidence": 99.0, "quality": 50.0}
    Face.objects.bulk_create(
        Face(
            owner=owner,
            photo_id=pk,
            engine_face_id=uuid.uuid4().hex,
            person=person,
            person_confirmed=confirmed(i),
            crop="bench/placeholder.jpg",
            **box,
        )
        for i, pk in enumerate(photo_ids)
    )


def tile_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="pick" name="photo" value="(\d+)"', html)]


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_timeline_pages_through_every_photo_once_and_back(client, user, monkeypatch):
    monkeypatch.setattr(photo_views, "PHOTOS_PER_PAGE", 7)
    photos = bulk_photos(user, 30)
    for years, photo in enumerate(photos[-3:]):  # taken before 1970: a negative cursor ends a page
        Photo.objects.filter(pk=photo.pk).update(taken_at=datetime(1965 - years, 5, 1, tzinfo=timezone.utc))
    expected = list(selectors.photos_for_user(user).values_list("pk", flat=True))
    client.force_login(user)
    pages, query, olders = [], "", []
    for _ in range(10):  # 5 pages; a cursor that loops back would show more
        html = client.get(reverse("gallery") + "?" + query).content.decode()
        pages.append(tile_ids(html))
        assert (link(html, "prev") is None) == (len(pages) == 1)
        query = link(html, "next")
        if query is None:
            break
        olders.append(query)
    assert [pk for page in pages for pk in page] == expected and len(pages) == 5
    assert olders[-1].startswith("older=-")  # the fourth page ends in 1965
    for page in reversed(pages[:-1]):  # back with the "Newer" links: the same pages
        query = link(html, "prev")
        html = client.get(reverse("gallery") + "?" + query).content.decode()
        assert tile_ids(html) == page
    assert link(html, "prev") is None and "January 2021" in html and "December 2020" in html


def test_a_page_stays_where_it_was_when_the_photo_it_starts_after_is_deleted(client, user, monkeypatch):
    monkeypatch.setattr(photo_views, "PHOTOS_PER_PAGE", 5)
    bulk_photos(user, 12)
    client.force_login(user)
    first = client.get(reverse("gallery")).content.decode()
    older = link(first, "next")
    second = tile_ids(client.get(reverse("gallery") + "?" + older).content.decode())
    Photo.objects.filter(pk=tile_ids(first)[-1]).delete()
    assert tile_ids(client.get(reverse("gallery") + "?" + older).content.decode()) == second


@pytest.mark.parametrize(
    "cursor",
    ["older=abc", "older=1_", "newer=_", "older=99999999999999999999_1", "older=999999999999999999_1", "newer=5"],
)
def test_a_cursor_that_is_not_one_gives_the_newest_page(client, user, cursor):
    bulk_photos(user, 3)
    client.force_login(user)
    response = client.get(reverse("gallery") + "?" + cursor)
    assert response.status_code == 200
    assert tile_ids(response.content.decode()) == list(selectors.photos_for_user(user).values_list("pk", flat=True))


def test_an_album_and_a_person_page_through_their_own_photos(client, user, other_user, monkeypatch):
    monkeypatch.setattr(photo_views, "PHOTOS_PER_PAGE", 4)
    album = album_get_or_create(user, "Spread")
    photos = bulk_photos(user, 20)
    mine = [p.pk for p in photos[::3]]
    Photo.objects.filter(pk__in=mine).update(album=album)
    bulk_photos(other_user, 5, album=album_get_or_create(other_user, "Spread"))
    client.force_login(user)
    seen, query = [], ""
    while query is not None:
        html = client.get(reverse("album", args=[album.pk]) + "?" + query).content.decode()
        seen += tile_ids(html)
        query = link(html, "next")
    assert seen == list(selectors.photos_for_user(user, album=album).values_list("pk", flat=True))
    assert sorted(seen) == sorted(mine) and "7 photos" in html

    person = PersonFactory(owner=user, name="Kit")
    bulk_faces(user, mine, person)
    html = client.get(reverse("person", args=[person.pk])).content.decode()
    assert tile_ids(html) == seen[:4] and "7 photos" in html and link(html, "next")


def test_counts_stop_at_their_cap(client, user, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "TILE_COUNT_CAP", 3)
    big, small = album_get_or_create(user, "Big"), album_get_or_create(user, "Small")
    bulk_photos(user, 8, album=big)
    bulk_photos(user, 2, album=small)
    client.force_login(user)
    assert "5+ photos" in client.get(reverse("album", args=[big.pk])).content.decode()
    assert "2 photos" in client.get(reverse("album", args=[small.pk])).content.decode()
    gallery = client.get(reverse("gallery")).content.decode()
    assert "3+ photos" in gallery and "2 photos" in gallery
    hidden = Photo.objects.filter(album=big).order_by("pk")[:6]
    Photo.objects.filter(pk__in=[p.pk for p in hidden]).update(hidden=True)  # hidden photos do not count
    assert "2 photos" in client.get(reverse("album", args=[big.pk])).content.decode()


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_page_makes_as_many_queries_for_fifty_photos_as_for_two(client, user):
    album = album_get_or_create(user, "Trip")
    person = PersonFactory(owner=user, name="Kit")
    client.force_login(user)
    urls = [reverse("gallery"), reverse("album", args=[album.pk]), reverse("person", args=[person.pk])]
    counts = []
    for n in (2, 50):
        Photo.objects.filter(owner=user).delete()
        photos = bulk_photos(user, n, album=album)
        bulk_faces(user, [p.pk for p in photos], person, confirmed=lambda i: i % 2 == 0)
        album_get_or_create(user, f"Other {n}")
        counts.append([queries_of(client, url) for url in urls])
    assert counts[0] == counts[1]


def test_the_admin_photo_list_counts_at_most_its_cap(admin_client, user, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    bulk_photos(user, 8)
    with CaptureQueriesContext(connection) as captured:
        html = admin_client.get("/admin/indexing/photo/").content.decode()
    assert "5+ photos" in html and "Select all 5+ photos" in html
    counts = [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(")]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)  # never a count of the whole table
    assert 'href="?format=PNG"' in html  # the format filter lists the engine's formats, no DISTINCT read
    assert not any("DISTINCT" in q["sql"].upper() for q in captured)
    one = admin_client.get("/admin/indexing/photo/?format=JPEG&q=p001").content.decode()
    assert re.search(r"\b1 photo\b", one) and "5+" not in one


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans (PostgreSQL plans by its statistics)")
def test_a_timeline_page_seeks_its_index_on_sqlite(user):
    album = album_get_or_create(user, "Trip")
    bulk_photos(user, 3, album=album)
    page = selectors.timeline_page(selectors.photos_for_user(user), size=2)
    for photos, index in (
        (selectors.photos_for_user(user), "photo_owner_timeline"),
        (selectors.photos_for_user(user, album=album), "photo_album_timeline"),
    ):
        older = photos.filter(selectors._older_than(selectors._place(page.older)))[:3]
        for rows in (photos[:3], older):
            sql, params = rows.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert f"INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan
    counted = Album.objects.filter(pk=album.pk).annotate(n=selectors._capped_album_count(10)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + counted[0], counted[1])
        assert "COVERING INDEX photo_album_timeline" in " ".join(str(row[-1]) for row in cursor.fetchall())


def test_the_viewer_steps_through_the_timeline_and_counts_up_to_the_cap(client, user, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    bulk_photos(user, 8)
    order = list(selectors.photos_for_user(user).values_list("pk", flat=True))
    client.force_login(user)
    seen, url = [], reverse("photo", args=[order[0]]) + "?in=all"
    while url:
        html = client.get(url).content.decode()
        seen.append(int(re.search(r"/photos/(\d+)/original", html).group(1)))
        where = re.search(r'<span class="where">([^<]*)</span>', html).group(1)
        assert where == (f"{len(seen)} of 5+ · All photos" if len(seen) <= 5 else "All photos"), where
        found = re.search(r'href="(/photos/\d+/\?in=all)" rel="next"', html)
        url = found.group(1) if found else None
    assert seen == order


def test_the_people_list_counts_each_person_s_photos_up_to_the_cap(client, user, monkeypatch):
    monkeypatch.setattr(selectors, "TILE_COUNT_CAP", 3)
    photos = bulk_photos(user, 7)
    kit, bo = PersonFactory(owner=user, name="Kit"), PersonFactory(owner=user, name="Bo")
    bulk_faces(user, [p.pk for p in photos[:5]] * 2, kit)  # two faces of Kit on each photo: counted once
    bulk_faces(user, [p.pk for p in photos[5:]], bo)
    client.force_login(user)
    html = client.get(reverse("people")).content.decode()
    assert re.search(r"Kit</a> · 3\+ photos", html) and re.search(r"Bo</a> · 2 photos", html)
    Photo.objects.filter(pk=photos[6].pk).update(hidden=True)
    assert re.search(r"Bo</a> · 1 photo\b", client.get(reverse("people")).content.decode())
