"""Grouping new faces as they are indexed, from their neighbours: the decision, and the shared photos."""

import pytest

from indexing.models import Face
from indexing.people.services.grouping import NEW, Groups, assign

pytestmark = pytest.mark.django_db


def test_a_face_with_too_few_neighbours_is_deferred():
    assert assign("p1", [], Groups(), min_size=2) == (None, [])
    assert assign("p1", [("a", "p2", 90.0)], Groups(), min_size=3) == (None, [])


def test_a_face_starts_a_group_with_its_ungrouped_neighbours_one_per_photo():
    neighbours = [("a", "p2", 88.0), ("b", "p3", 95.0), ("c", "p2", 91.0)]
    assert assign("p1", neighbours, Groups(), min_size=2) == (NEW, ["b", "c"])


def test_a_face_joins_the_group_of_its_most_similar_grouped_neighbour_and_brings_deferred_faces():
    groups = Groups({"a": 7, "b": 8}, {7: {"p2"}, 8: {"p3"}})
    neighbours = [("a", "p2", 88.0), ("b", "p3", 95.0), ("d", "p4", 86.0)]
    assert assign("p1", neighbours, groups, min_size=2) == (8, ["d"])


def test_a_face_never_joins_a_group_holding_a_face_of_its_photo():
    groups = Groups({"a": 7, "b": 8}, {7: {"p2"}, 8: {"p3", "p1"}})
    assert assign("p1", [("a", "p2", 88.0), ("b", "p3", 95.0)], groups, min_size=2) == (7, [])
    only = Groups({"b": 8}, {8: {"p3", "p1"}})
    assert assign("p1", [("b", "p3", 95.0)], only, min_size=2) == (None, [])


def test_indexing_the_shared_photos_groups_each_identity_once_without_a_full_regrouping(library):
    groups: dict[int, list[str]] = {}
    for face in Face.objects.filter(owner=library.owner, cluster__isnull=False):
        groups.setdefault(face.cluster_id, []).append(library.identity[face.pk])
    assert all(len(set(members)) == 1 for members in groups.values()), groups
    identities = sorted(members[0] for members in groups.values())
    assert identities == ["alex_lacamoire", "barack_obama", "joe_biden", "kit_harington", "rose_leslie"]
    for members in groups.values():
        assert len(members) == len(library.faces_of(members[0])), members[0]
    for cluster_id in groups:  # two faces of one photo are never one group
        photos = list(Face.objects.filter(cluster_id=cluster_id).values_list("photo_id", flat=True))
        assert len(photos) == len(set(photos))
