"""Reads about people, always scoped to one owner."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ..engine.errors import EngineError
from ..face_index import collection_id_for, face_matches, get_engine
from ..models import Face, Photo
from ..photos import selectors as photo_selectors
from .models import FaceCluster, FaceDecision, LivingAlbum, PeopleEvent, PeopleSettings, Person

CANDIDATES = 3


@dataclass
class Candidate:
    person: Person
    similarity: float


def threshold_for(owner) -> float:
    """The owner's match threshold for naming and auto-tagging (FACE_MATCH_THRESHOLD until they set one)."""
    found = PeopleSettings.objects.filter(owner=owner).values_list("match_threshold", flat=True).first()
    return settings.FACE_MATCH_THRESHOLD if found is None else found


def people_of(owner):
    """The owner's people (merged ones are kept only for undo)."""
    return Person.objects.filter(owner=owner, merged_into__isnull=True)


def person_for_user(user, person_id: int) -> Person:
    return get_object_or_404(Person, pk=person_id, owner=user, merged_into__isnull=True)


def person_page_for_user(user, person_id: int) -> Person:
    """person_for_user to show (never to save): its cover face left out when a moderator hid its photo. It
    reads what the page shows (its cover: only whether a moderator hid its photo), and its owner is `user`."""
    people = Person.objects.select_related("cover_face__photo").only("name", "hidden", "cover_face__photo__hidden")
    person = get_object_or_404(people, pk=person_id, owner=user, merged_into__isnull=True)
    person.owner = user
    return _hide_hidden_cover(person)


def _hide_hidden_cover(person: Person) -> Person:
    if person.cover_face is not None and person.cover_face.photo.hidden:
        person.cover_face = None
    return person


def people_list_for_user(user, hidden: bool = False) -> list[Person]:
    """people_for_user for the people page: covers of photos a moderator hid left out, and
    photo_count_capped when a person's count stopped at TILE_COUNT_CAP ("1,000+")."""
    people = [_hide_hidden_cover(p) for p in people_for_user(user, hidden)]
    for person in people:
        person.photo_count_capped = person.photo_count > photo_selectors.TILE_COUNT_CAP
    return people


def _capped_photo_count(cap: int) -> RawSQL:
    """How many photos a person is on (photos a moderator hid left out), counting at most cap + 1:
    one person's faces through the person index, never a GROUP BY over every named face (500 people
    of 100 faces: 40-100 ms instead of 650 ms on SQLite)."""
    face, photo, person = Face._meta.db_table, Photo._meta.db_table, Person._meta.db_table
    return RawSQL(
        f'SELECT COUNT(*) FROM (SELECT DISTINCT f."photo_id" FROM "{face}" f JOIN "{photo}" ph'
        f' ON ph."id" = f."photo_id" WHERE f."person_id" = "{person}"."id" AND ph."hidden" = %s LIMIT %s) shown',
        (False, cap + 1),
        output_field=IntegerField(),
    )


def people_for_user(user, hidden: bool = False):
    """The user's people with how many photos each (at most TILE_COUNT_CAP + 1), by name."""
    return (
        Person.objects.filter(owner=user, merged_into__isnull=True, hidden=hidden)
        .annotate(photo_count=_capped_photo_count(photo_selectors.TILE_COUNT_CAP))
        .select_related("cover_face__photo")
    )


def people_names_for_user(user):
    """The user's shown people by name, to choose one (name and id only: no count)."""
    return Person.objects.filter(owner=user, merged_into__isnull=True, hidden=False).only("pk", "name").order_by("name")


def cluster_for_user(user, cluster_id: int) -> FaceCluster:
    return get_object_or_404(FaceCluster, pk=cluster_id, owner=user)


def clusters_for_user(user, limit: int = 60) -> list[FaceCluster]:
    """The groups of unnamed faces, largest first, each with up to six faces to show."""
    clusters = list(
        FaceCluster.objects.filter(owner=user, hidden=False)
        .annotate(size=Count("faces", filter=Q(faces__photo__hidden=False)))
        .filter(size__gt=0)
        .order_by("-size", "pk")[:limit]
    )
    for cluster in clusters:
        cluster.sample = list(Face.objects.visible_to(user).filter(cluster=cluster).order_by("-quality", "pk")[:6])
    return clusters


def _newest_first(photos):
    return photos.annotate(when=Coalesce("taken_at", "created_at")).order_by(F("when").desc(), "-id")


def person_photos(user, person: Person):
    """Every photo the person is on (confirmed or suggested), newest first."""
    return _newest_first(Photo.objects.visible_to(user).filter(faces__person=person).distinct())


PHOTO_TILE_FIELDS = ("id", "file_name", "thumbnail", "taken_at", "created_at")


def person_photo_tiles(user, person: Person):
    """person_photos as the person page shows them: with only what a tile and the timeline's order read (a
    photo row has 20 columns, 5 of them dates to convert)."""
    return person_photos(user, person).only(*PHOTO_TILE_FIELDS)


def person_faces(person: Person, confirmed: bool | None = None):
    """The person's faces, less those of photos a moderator hid."""
    faces = Face.objects.visible_to(person.owner).filter(person=person)
    faces = faces.select_related("photo").order_by("-person_confirmed", "-quality", "pk")
    return faces if confirmed is None else faces.filter(person_confirmed=confirmed)


def person_face_tiles(person: Person, confirmed: bool, limit: int = 200) -> list:
    """person_faces as the person page lists them: at most `limit`, each a row of what its item shows (pk,
    photo_id, person_similarity, file_name), not a Face and its Photo (~15 us of CPU a face)."""
    faces = person_faces(person, confirmed).annotate(file_name=F("photo__file_name"))
    return list(faces.values_list("pk", "photo_id", "person_similarity", "file_name", named=True)[:limit])


def person_history(person: Person, limit: int = 50):
    return PeopleEvent.objects.filter(
        Q(person=person) | Q(payload__source=person.pk) | Q(payload__target=person.pk), owner=person.owner
    )[:limit]


def photos_with_people(user, people: list[Person], rule: str = LivingAlbum.Rule.ALL):
    """Photos where any (rule 'any'), all ('all') or only ('only': nobody else, named or not) of these
    people appear, newest first."""
    photos = Photo.objects.visible_to(user)
    if not people:
        return photos.none()
    if rule == LivingAlbum.Rule.ANY:
        photos = photos.filter(faces__person__in=people)
    else:
        for person in people:
            photos = photos.filter(pk__in=Face.objects.filter(person=person).values("photo_id"))
    if rule == LivingAlbum.Rule.ONLY:
        others = Face.objects.filter(owner=user).filter(Q(person__isnull=True) | ~Q(person__in=people))
        photos = photos.exclude(pk__in=others.values("photo_id"))
    return _newest_first(photos.distinct())


def parse_people_query(user, query: str) -> tuple[list[Person], list[str]]:
    """The user's people named in `query` ('Mom, Dad', 'mom and dad', 'Barack Obama Joe Biden', 'obama and
    biden', 'kit'), whole names first (longest first), then a word that starts a word of exactly one
    person's name; and the words left over that name nobody (or more than one person)."""
    words = [w for w in re.split(r"[\s,;+&]+", query) if w]
    lowered, used, found = [w.lower() for w in words], [False] * len(words), []
    people = list(Person.objects.filter(owner=user, merged_into__isnull=True))
    for person in sorted(people, key=lambda p: -len(p.name)):
        name = person.name.lower().split()
        for start in range(len(words) - len(name) + 1):
            span = range(start, start + len(name))
            if lowered[start : start + len(name)] == name and not any(used[i] for i in span):
                found.append(person)
                for i in span:
                    used[i] = True
                break
    for i, word in enumerate(lowered):
        if used[i] or word in STOP_WORDS:
            continue
        starting = [p for p in people if p not in found and any(w.startswith(word) for w in p.name.lower().split())]
        if len(starting) == 1:
            found.append(starting[0])
            used[i] = True
    leftover = [w for w, u in zip(words, used) if not u and w.lower() not in STOP_WORDS]
    return sorted(found, key=lambda p: p.name.lower()), leftover


STOP_WORDS = ("and", "with")


def name_suggestions(user, text: str, limit: int = 8) -> list[str]:
    """Names of the user's people containing `text` (any case), those starting with it first."""
    text = " ".join(text.split())
    if not text:
        return []
    names = Person.objects.filter(owner=user, merged_into__isnull=True, name__icontains=text).values_list(
        "name", flat=True
    )
    lowered = text.lower()
    return sorted(names, key=lambda n: (not n.lower().startswith(lowered), n.lower()))[:limit]


def _by_person(user_matches: list[dict]) -> dict[int, float]:
    """{person id: similarity} from engine UserMatches (engine users are named person-<id>)."""
    found = {}
    for match in user_matches:
        prefix, _, pk = match["User"]["UserId"].partition("-")
        if prefix == "person" and pk.isdigit():
            found[int(pk)] = match["Similarity"]
    return found


def candidates_for_face(user, face: Face, limit: int = CANDIDATES) -> list[Candidate]:
    """Up to three people this unnamed face may be, most similar first (the engine's SearchUsers)."""
    try:
        answer = get_engine().search_users(
            collection_id_for(user),
            face_id=face.engine_face_id,
            user_match_threshold=settings.PEOPLE_CANDIDATE_THRESHOLD,
            max_users=20,
        )
    except (EngineError, NotImplementedError):
        return []
    similarity = _by_person(answer["UserMatches"])
    rejected = set(
        FaceDecision.objects.filter(face=face, kind=FaceDecision.Kind.REJECTED).values_list("person_id", flat=True)
    )
    in_photo = set(
        Face.objects.filter(photo_id=face.photo_id, person__isnull=False)
        .exclude(pk=face.pk)
        .values_list("person_id", flat=True)
    )
    people = Person.objects.filter(owner=user, merged_into__isnull=True, pk__in=similarity)
    found = [Candidate(p, similarity[p.pk]) for p in people if p.pk not in rejected | in_photo]
    return sorted(found, key=lambda c: (-c.similarity, c.person.pk))[:limit]


def who_is_in_image(user, image_bytes: bytes, threshold: float) -> list[dict]:
    """The user's people matching the largest face of an image (SearchUsersByImage); nothing stored.

    Raises EngineError subclasses for images that cannot be read or hold no face.
    """
    answer = get_engine().search_users_by_image(
        collection_id_for(user), image_bytes, user_match_threshold=threshold, max_users=CANDIDATES
    )
    ids = _by_person(answer["UserMatches"])
    people = Person.objects.filter(owner=user, merged_into__isnull=True, pk__in=ids)
    return sorted(
        ({"person_id": p.pk, "name": p.name, "similarity": ids[p.pk]} for p in people), key=lambda m: -m["similarity"]
    )


def living_album_for_user(user, album_id: int) -> LivingAlbum:
    return get_object_or_404(LivingAlbum, pk=album_id, owner=user)


def face_naming_for_user(user, face: Face, matches=()) -> dict:
    """For _name_face_form.html: the user's people, this face's candidates, the matches above threshold."""
    threshold = threshold_for(user)
    return {
        "people": people_names_for_user(user),
        "threshold": threshold,
        "candidates": [] if face.person_id else candidates_for_face(user, face),
        "above": sum(1 for m in matches if m.similarity >= threshold),
    }


def people_on_faces(faces) -> list[dict]:
    """For _face_names.html: the people on these faces, left to right, each once."""
    seen = {}
    for face in faces:
        if face.person_id and face.person_id not in seen:
            seen[face.person_id] = {"person": face.person, "face": face}
    return list(seen.values())


def not_a_face_events(user, photo: Photo | None = None, limit: int = 50):
    """The user's "not a face" decisions still in force (of one photo when given), newest first."""
    events = PeopleEvent.objects.filter(owner=user, action=PeopleEvent.Action.NOT_A_FACE, undone_at__isnull=True)
    return events.filter(payload__photo=photo.pk)[:limit] if photo else events[:limit]


LOOK_ALIKE_MARGIN = 15  # groups this far under the tagging threshold may still be one person


def look_alike_groups(user, clusters: list[FaceCluster], limit: int = 5) -> list[dict]:
    """Pairs of these groups whose faces look alike (the clearest face of one finds faces of the other
    above the tagging threshold less a margin): [{"keep", "other", "similarity"}], most similar first."""
    by_id = {c.pk: c for c in clusters}
    threshold = max(0.0, threshold_for(user) - LOOK_ALIKE_MARGIN)
    pairs: dict[tuple[int, int], float] = {}
    for cluster in clusters:
        if not getattr(cluster, "sample", None):
            continue
        for match in face_matches(user, cluster.sample[0], threshold, limit=50):
            other = match.face.cluster_id
            if other in by_id and other != cluster.pk:
                key = (min(cluster.pk, other), max(cluster.pk, other))
                pairs[key] = max(pairs.get(key, 0.0), match.similarity)
    ranked = sorted(pairs.items(), key=lambda kv: -kv[1])[:limit]
    return [{"keep": by_id[a], "other": by_id[b], "similarity": sim} for (a, b), sim in ranked]
