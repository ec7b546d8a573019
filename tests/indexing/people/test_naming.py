"""Naming faces on the shared photos: suggestions follow the name, and nobody else's photos get it."""

import pytest

from indexing.face_index import collection_id_for, get_engine
from indexing.models import Face, FaceDecision, Person
from indexing.people import services as people
from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import photo_reindex
from tests.indexing.people.conftest import index_library

pytestmark = pytest.mark.django_db

# One photo of each identity, where it stands alone
FIRST = {
    "alex_lacamoire": "alex_lacamoire_1.png",
    "barack_obama": "barack_obama_1.jpg",
    "joe_biden": "joe_biden_2.jpg",
    "kit_harington": "kit_harington_1.jpg",
    "lin_manuel_miranda": "lin_manuel_miranda_1.png",
    "rose_leslie": "rose_leslie_1.jpg",
}


def _who_is_tagged(library) -> dict[str, set[str]]:
    """identity -> names of the people its faces carry (confirmed or suggested)."""
    tagged: dict[str, set[str]] = {}
    for face in Face.objects.filter(owner=library.owner).select_related("person"):
        tagged.setdefault(library.identity[face.pk], set()).add(face.person.name if face.person else "")
    return tagged


def test_naming_one_face_per_identity_tags_every_other_photo_of_it_and_nobody_else(library):
    for who, file_name in FIRST.items():
        named = people.name_face(library.owner, library.face(file_name), who)
        assert named.created and named.confirmed == 1
        assert named.suggested == len(library.faces_of(who)) - 1, who
    tagged = _who_is_tagged(library)
    assert tagged.pop("unknown") == {""}  # the child in a corner of group_biden_obama_1 is nobody
    assert tagged == {who: {who} for who in FIRST}
    for face in Face.objects.filter(owner=library.owner, person__isnull=False):
        assert face.person_confirmed == (face.photo.file_name == FIRST[face.person.name])
        assert face.person_confirmed or face.person_similarity >= 80


def test_new_photos_are_auto_tagged_when_indexed(user, faces_dir, faces_manifest):
    library = index_library(user, faces_manifest, FIRST.values())
    for who, file_name in FIRST.items():
        people.name_face(user, library.face(file_name), who)
    rest = index_library(user, faces_manifest, sorted(set(faces_manifest) - set(FIRST.values())))
    for face in Face.objects.filter(pk__in=rest.identity):
        who = rest.identity[face.pk]
        assert (face.person.name if face.person else "unknown") == who, face.photo.file_name
        assert face.person is None or (not face.person_confirmed and face.person_similarity >= 80)


def test_a_higher_threshold_tags_fewer_faces(library):
    settings = people.people_settings(library.owner)
    settings.match_threshold = 99.5
    settings.save()
    named = people.name_face(library.owner, library.face("barack_obama_1.jpg"), "Barack")
    assert named.suggested < len(library.faces_of("barack_obama")) - 1


def test_two_faces_of_one_photo_are_never_one_person(library):
    rose, kit = library.face("group_kit_rose.jpg", 0), library.face("group_kit_rose.jpg", 1)
    people.name_face(library.owner, rose, "Rose")
    with pytest.raises(people.PeopleError, match="two faces of one photo"):
        people.name_face(library.owner, kit, "Rose")
    # naming Kit with all his matches leaves Rose's face alone
    named = people.name_face(library.owner, library.face("kit_harington_1.jpg"), "Kit", with_matches=True)
    assert named.confirmed == len(library.faces_of("kit_harington"))
    rose.refresh_from_db()
    assert rose.person.name == "Rose" and Face.objects.filter(photo=rose.photo, person=named.person).count() == 1


def test_a_rejected_suggestion_is_never_made_again_even_after_reindexing(library):
    named = people.name_face(library.owner, library.face("joe_biden_2.jpg"), "Joe")
    wrong = library.face("joe_biden_1.jpg")
    wrong.refresh_from_db()
    assert wrong.person == named.person and not wrong.person_confirmed
    assert people.reject_faces(library.owner, named.person, [wrong.pk]) == 1
    people.name_face(library.owner, library.face("group_obama_biden_2.jpg", 1), "Joe")  # more faces of Joe
    wrong.refresh_from_db()
    assert wrong.person is None
    photo_reindex(wrong.photo)
    index_photo_now(wrong.photo.pk)
    new = wrong.photo.faces.get()
    assert new.pk != wrong.pk and new.person is None
    assert FaceDecision.objects.get(kind="rejected", person=named.person).face == new


def test_accepting_suggestions_confirms_them(library):
    named = people.name_face(library.owner, library.face("kit_harington_1.jpg"), "Kit")
    suggested = list(named.person.faces.filter(person_confirmed=False).values_list("pk", flat=True))
    assert people.accept_suggestions(library.owner, named.person, suggested) == len(suggested) > 0
    assert not named.person.faces.filter(person_confirmed=False).exists()


def test_not_a_face_leaves_the_collection_and_stays_out_after_reindexing(library):
    face = library.face("alex_lacamoire_2.jpg")
    photo, engine_id = face.photo, face.engine_face_id
    people.mark_not_a_face(library.owner, face)
    assert not photo.faces.exists()
    with pytest.raises(Exception, match="not in collection"):
        get_engine().search_faces(collection_id_for(library.owner), engine_id)
    photo_reindex(photo)
    index_photo_now(photo.pk)
    assert not photo.faces.exists()  # indexed again, dropped again
    assert photo.face_decisions.get().kind == "not_a_face"


def test_named_people_become_engine_users(library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        named = people.name_face(library.owner, library.face("rose_leslie_1.jpg"), "Rose", with_matches=True)
    engine, collection = get_engine(), collection_id_for(library.owner)
    assert engine.list_users(collection)["Users"] == [{"UserId": named.person.engine_user_id, "UserStatus": "ACTIVE"}]
    person = Person.objects.get(pk=named.person.pk)
    assert set(person.engine_face_ids) == {f.engine_face_id for f in library.faces_of("rose_leslie")}
    kit = library.face("kit_harington_3.jpg")
    assert engine.search_users(collection, face_id=kit.engine_face_id)["UserMatches"] == []
    answer = engine.search_users(collection, face_id=library.face("group_kit_rose.jpg", 0).engine_face_id)
    assert [m["User"]["UserId"] for m in answer["UserMatches"]] == [person.engine_user_id]


def test_reindexing_a_photo_keeps_the_names_of_its_faces(library):
    named = people.name_face(library.owner, library.face("group_kit_rose.jpg", 1), "Kit")
    rose = people.name_face(library.owner, library.face("group_kit_rose.jpg", 0), "Rose").person
    photo = library.photos["group_kit_rose.jpg"]
    photo_reindex(photo)
    index_photo_now(photo.pk)
    new = {f.person.name: f for f in photo.faces.select_related("person")}
    assert set(new) == {"Kit", "Rose"} and new["Kit"].person_confirmed and new["Rose"].person_confirmed
    assert not {f.pk for f in new.values()} & {s["id"] for s in named.event.payload["faces"]}
    assert Person.objects.get(pk=rose.pk).cover_face == new["Rose"]


def test_an_engine_user_lost_by_the_engine_is_made_again(library, django_capture_on_commit_callbacks):
    engine, collection = get_engine(), collection_id_for(library.owner)
    with django_capture_on_commit_callbacks(execute=True):
        person = people.name_face(library.owner, library.face("kit_harington_1.jpg"), "Kit", with_matches=True).person
    engine.delete_user(collection, person.engine_user_id)  # as if the collection had been made anew
    one = library.face("kit_harington_3.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        rejected = people.reject_faces(library.owner, person, [one.pk])
    event = person.events.get(action="reject")
    with django_capture_on_commit_callbacks(execute=True):
        people.undo(library.owner, event)
    assert rejected == 1
    users = engine.list_users(collection)["Users"]
    assert users == [{"UserId": person.engine_user_id, "UserStatus": "ACTIVE"}]
    answer = engine.search_users(collection, user_id=person.engine_user_id, user_match_threshold=0)
    assert answer["SearchedUser"] == {"UserId": person.engine_user_id}
    assert len(Person.objects.get(pk=person.pk).engine_face_ids) == len(library.faces_of("kit_harington"))
