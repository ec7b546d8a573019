"""Finding people by part of their name, in any case; suggestions as you type."""

import pytest

from indexing.people.selectors import name_suggestions, parse_people_query
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(user, other_user):
    for name in ("Barack Obama", "Joe Biden", "Kit Harington", "K. Harington", "Rose Leslie"):
        PersonFactory(owner=user, name=name)
    PersonFactory(owner=other_user, name="Kitty Bob")


def _names(found):
    return [p.name for p in found]


def test_words_and_prefixes_find_people_in_any_case(user, people):
    found, unknown = parse_people_query(user, "obama and biden")
    assert _names(found) == ["Barack Obama", "Joe Biden"] and unknown == []
    found, unknown = parse_people_query(user, "kit")
    assert _names(found) == ["Kit Harington"] and unknown == []  # Kitty Bob is another user's
    found, unknown = parse_people_query(user, "ROSE, Joe Biden")
    assert _names(found) == ["Joe Biden", "Rose Leslie"] and unknown == []


def test_a_word_of_two_names_or_of_none_is_left_over(user, people):
    assert parse_people_query(user, "harington") == ([], ["harington"])
    assert parse_people_query(user, "obama zed") == (list(parse_people_query(user, "obama")[0]), ["zed"])


def test_suggestions_contain_the_text_those_starting_with_it_first(user, people):
    assert name_suggestions(user, "har") == ["K. Harington", "Kit Harington"]
    assert name_suggestions(user, "k") == ["K. Harington", "Kit Harington", "Barack Obama"]
    assert name_suggestions(user, "  ") == []
