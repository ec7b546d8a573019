"""faceapp/reverse_once.py: the URLs of patterns reversed once are reverse()'s, under any script prefix."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from faceapp.reverse_once import fixed_url, id_url, id_url_builder


@pytest.fixture(params=["/", "/faceapp/"])
def prefix(request):
    set_script_prefix(request.param)
    yield request.param
    set_script_prefix("/")


def test_a_url_without_arguments_is_reverse_s(prefix):
    for name in ("gallery", "people", "photos_selected", "logout"):
        assert fixed_url(name) == reverse(name) and fixed_url(name).startswith(prefix)


def test_a_url_of_many_ids_is_reverse_s(prefix):
    photo, thumbnail = id_url_builder("photo"), id_url_builder("photo_file", "thumbnail")
    for pk in (1, 42, 2147483646):
        assert photo(pk) == id_url("photo", pk) == reverse("photo", args=[pk])
        assert thumbnail(pk) == reverse("photo_file", args=[pk, "thumbnail"])
    assert photo("7") == reverse("photo", args=[7])
    with pytest.raises(ValueError):
        photo("7/../admin")
