"""A person's name: cleaned, looked up whatever its case, made on first use."""

from __future__ import annotations

from django.db.models.functions import Lower

from ..models import Person
from ..selectors import people_of
from .errors import PeopleError

MAX_NAME = 100


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise PeopleError("Give the person a name.")
    if len(name) > MAX_NAME:
        raise PeopleError(f"A name has at most {MAX_NAME} characters.")
    return name


def person_named(owner, name: str) -> Person | None:
    return people_of(owner).annotate(lower=Lower("name")).filter(lower=clean_name(name).lower()).first()


def person_get_or_create(owner, name: str) -> tuple[Person, bool]:
    found = person_named(owner, name)
    if found:
        return found, False
    return Person.objects.create(owner=owner, name=clean_name(name)), True
