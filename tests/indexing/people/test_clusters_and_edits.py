"""Groups of unnamed faces, merge, split and undo on the shared photos: every face stays accounted for."""

import pytest

from indexing.engine.base import Neighbours
from indexing.face_index import store as engine_store
from indexing.models import Face, FaceCluster, PeopleEvent, Person
from indexing.people import services as people
from indexing.people.services.clusters import cluster_labels

pytestmark = pytest.mark.django_db


def _groups(library) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for face in Face.objects.filter(owner=library.owner, cluster__isnull=False):
        groups.setdefault(face.cluster_id, []).append(library.identity[face.pk])
    return groups


def test_the_unnamed_faces_make_one_group_per_identity(library):
    report = people.cluster_user_faces(library.owner)
    groups = _groups(library)
    # purity: each group holds one identity; completeness: each identity is in one group
    assert all(len(set(members)) == 1 for members in groups.values()), groups
    identities = [members[0] for members in groups.values()]
    assert sorted(identities) == ["alex_lacamoire", "barack_obama", "joe_biden", "kit_harington", "rose_leslie"]
    for members in groups.values():
        assert len(members) == len(library.faces_of(members[0])), members[0]
    # Lin-Manuel Miranda is in one photo only, the child in a corner once: below the minimum group size
    ungrouped = Face.objects.filter(owner=library.owner, cluster__isnull=True)
    assert sorted(library.identity[f.pk] for f in ungrouped) == ["lin_manuel_miranda", "unknown"]
    assert report.groups == 5 and report.grouped == sum(len(m) for m in groups.values())


def test_a_regrouping_that_reads_the_collection_through_makes_the_same_groups(library, monkeypatch):
    people.cluster_user_faces(library.owner)
    before = sorted(sorted(members) for members in _groups(library).values())
    Face.objects.filter(owner=library.owner).update(cluster=None)
    monkeypatch.setattr(engine_store, "READ_THROUGH", 1)  # as for a large library: no face id parameters
    report = people.cluster_user_faces(library.owner)
    assert sorted(sorted(members) for members in _groups(library).values()) == before and report.groups == 5


def test_group_ids_and_hidden_groups_stay_across_runs_and_naming_a_group_takes_it_whole(library):
    people.cluster_user_faces(library.owner)
    obama = Face.objects.get(pk=library.faces_of("barack_obama")[0].pk).cluster
    biden = Face.objects.get(pk=library.faces_of("joe_biden")[0].pk).cluster
    FaceCluster.objects.filter(pk=biden.pk).update(hidden=True)
    named = people.name_cluster(library.owner, obama, "Barack")
    assert named.confirmed == len(library.faces_of("barack_obama")) and named.skipped == 0
    people.cluster_user_faces(library.owner)  # again, as after a crawl
    assert FaceCluster.objects.get(pk=biden.pk).hidden
    assert {library.identity[f.pk] for f in FaceCluster.objects.get(pk=biden.pk).faces.all()} == {"joe_biden"}
    assert not FaceCluster.objects.filter(pk=obama.pk).exists()
    assert all(f.person == named.person and f.cluster is None for f in library.faces_of("barack_obama"))


def test_two_faces_of_one_photo_are_never_in_one_group():
    graph = Neighbours.from_dict(
        ["a", "b", "c"], {"a": {"b": 99, "c": 95}, "b": {"a": 99, "c": 90}, "c": {"a": 95, "b": 90}}
    )
    labels = cluster_labels(graph, [1, 1, 2], 80, 2)
    assert labels[0] == labels[2] != -1 and labels[1] == -1


def _accounted(library) -> dict[int, int | None]:
    return dict(Face.objects.filter(owner=library.owner).values_list("pk", "person_id"))


def test_merge_and_split_keep_every_face_and_undo_puts_them_back(library):
    before = _accounted(library)
    obama = library.faces_of("barack_obama")
    barack = people.name_face(library.owner, obama[0], "Barack").person
    # a second name for the same man, on a face the first naming only suggested
    president = people.name_face(library.owner, obama[1], "The President").person
    after_naming = _accounted(library)
    assert set(after_naming) == set(before)
    merge = people.merge_people(library.owner, president, barack)
    merged = _accounted(library)
    assert set(merged) == set(before) and not Face.objects.filter(person=president).exists()
    assert {f.pk for f in barack.faces.all()} == {f.pk for f in obama}
    split = people.split_faces(library.owner, barack, [obama[2].pk, obama[3].pk], new_name="Someone else")
    assert _accounted(library).keys() == before.keys()
    other = Person.objects.get(name="Someone else")
    assert set(other.faces.values_list("pk", flat=True)) == {obama[2].pk, obama[3].pk}
    with pytest.raises(people.PeopleError, match="later change"):
        people.undo(library.owner, merge)
    people.undo(library.owner, split)
    assert not Person.objects.filter(name="Someone else").exists()
    assert _accounted(library) == merged
    people.undo(library.owner, merge)
    assert _accounted(library) == after_naming
    assert Person.objects.get(pk=president.pk).merged_into is None


def test_undo_of_naming_and_renaming(library):
    face = library.face("kit_harington_1.jpg")
    before = _accounted(library)
    named = people.name_face(library.owner, face, "Kit")
    rename = people.rename_person(library.owner, named.person, "Kit Harington")
    with pytest.raises(people.PeopleError, match="merge"):
        people.rename_person(
            library.owner,
            people.name_face(library.owner, library.face("rose_leslie_1.jpg"), "Rose").person,
            "kit harington",
        )
    people.undo(library.owner, rename)
    assert Person.objects.get(pk=named.person.pk).name == "Kit"
    people.undo(library.owner, named.event)
    assert _accounted(library) == {**before, **{f.pk: p for f, p in _rose(library)}}
    assert not Person.objects.filter(pk=named.person.pk).exists()
    assert PeopleEvent.objects.get(pk=named.event.pk).undone_at is not None


def _rose(library):
    return [(f, f.person_id) for f in Face.objects.filter(owner=library.owner, person__name="Rose")]


def test_the_cluster_faces_command_reports_the_groups(library):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("cluster_faces", "--user", library.owner.username, stdout=out)
    assert out.getvalue().startswith(f"{len(library.identity)} unnamed faces: 5 groups")
