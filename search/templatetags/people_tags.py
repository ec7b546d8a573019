"""Data for the people partials that other pages include with one line (names, 'This is…')."""

from django import template

from indexing import people
from search import people_selectors as sel

register = template.Library()


@register.simple_tag(takes_context=True)
def face_naming(context, face, matches=()):
    """For _name_face_form.html: the user's people, this face's candidates, the matches above threshold."""
    user = context["request"].user
    threshold = people.threshold_for(user)
    return {
        "people": sel.people_for_user(user),
        "threshold": threshold,
        "candidates": [] if face.person_id else sel.candidates_for_face(user, face),
        "above": sum(1 for m in matches if m.similarity >= threshold),
    }


@register.simple_tag
def photo_people(faces):
    """For _face_names.html: the people on these faces, left to right, each once."""
    seen = {}
    for face in faces:
        if face.person_id and face.person_id not in seen:
            seen[face.person_id] = {"person": face.person, "face": face}
    return list(seen.values())
