"""url_of: reverse() for a URL with one integer id (and fixed words), from a pattern reversed once per
process. A page of 48 tiles and 400 face crops, or an admin change list of 50 rows, reverses 100-300
URLs, ~60 us of CPU each with reverse() or {% url %}."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

ID_MARK = 2147483647  # stands for the id in a reversed pattern


def url_of(name: str, pk, *words) -> str:
    """reverse(name, args=[pk, *words])."""
    return _pattern(name, words, get_script_prefix()).replace(str(ID_MARK), str(int(pk)))


@lru_cache(maxsize=128)
def _pattern(name: str, words: tuple, script_prefix: str) -> str:
    return reverse(name, args=[ID_MARK, *words])
