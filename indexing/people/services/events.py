"""The people event log: each change is recorded with what undoing it needs (history.py reads it back)."""

from __future__ import annotations

from ..models import PeopleEvent, Person


def record(owner, person: Person | None, action: str, summary: str, **payload) -> PeopleEvent:
    return PeopleEvent.objects.create(owner=owner, person=person, action=action, summary=summary[:300], payload=payload)
