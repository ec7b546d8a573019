"""A big change list's rows (moderation/admin/rows.py) are Django's own rows, cell for cell."""

from __future__ import annotations

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.urls import reverse

from indexing.models import Album, Photo
from indexing.photos.pipeline.runner import index_photo_now
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(user, faces_dir):
    """Photos in every state a row shows: indexed with faces, hidden, failed, in an album or in none."""
    made = []
    for name in ("barack_obama_1.jpg", "group_obama_biden_2.jpg", "joe_biden_2.jpg", "kit_harington_1.jpg"):
        made.append(PhotoFactory(owner=user, file=name, file_name=f"<{name}>"))
    open(made[2].original.path, "wb").write(b"not a jpeg")
    for photo in made:
        index_photo_now(photo.pk)
    Photo.objects.filter(pk=made[1].pk).update(hidden=True)
    Photo.objects.filter(pk=made[3].pk).update(album=None)
    Album.objects.filter(photos__pk=made[0].pk).update(title='Trip & "friends"')
    return made


QUERIES = {
    "photo": ["", "?status=indexed", "?o=-3.8", "?hidden__exact=1&q=obama", "?format=JPEG", "?o=7&p=1"],
    "face": ["", "?photo__hidden__exact=1", "?o=-5.2", "?photo__status__exact=indexed&q=obama", "?o=3"],
}


@pytest.mark.parametrize(("model", "query"), [(m, q) for m, queries in QUERIES.items() for q in queries])
def test_the_rows_are_the_ones_django_draws(staff, library, model, query):
    response = staff.get(reverse(f"admin:indexing_{model}_changelist") + query)
    assert response.status_code == 200
    drawn = response.context["big_result_list"]
    assert drawn is not None, "the list was left to Django"
    ours = [str(row[0]) for row in drawn["results"]]
    djangos = ["".join(cells) for cells in results(response.context["cl"])]
    assert ours == djangos and (ours or query)
    page = response.content.decode()
    assert all(f"<tr>{row}</tr>" in page for row in ours)


def test_a_list_django_would_draw_otherwise_is_left_to_django(staff, library):
    popup = staff.get(reverse("admin:indexing_photo_changelist") + "?_popup=1&_to_field=id")
    assert popup.status_code == 200 and popup.context["big_result_list"] is None
    assert 'data-popup-opener="' in popup.content.decode()


@pytest.mark.parametrize("model", ["photo", "face"])
def test_a_list_makes_as_many_queries_for_fifty_rows_as_for_two(staff, user, faces_dir, model):
    """The rows read only the columns they show (list_only): nothing a row draws is loaded row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.search.views.test_timeline_pages import bulk_faces, bulk_photos

    counts = []
    for n in (2, 50):
        Photo.objects.all().delete()
        photos = bulk_photos(user, n, album=Album.objects.create(owner=user, title=f"Album {n}"))
        bulk_faces(user, [p.pk for p in photos], None, confirmed=lambda i: False)
        with CaptureQueriesContext(connection) as captured:
            page = staff.get(reverse(f"admin:indexing_{model}_changelist"))
        assert page.status_code == 200 and len(page.context["cl"].result_list) == n
        counts.append(len(captured))
    assert counts[0] == counts[1]
