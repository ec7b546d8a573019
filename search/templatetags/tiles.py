"""The items a page repeats (a timeline's photo tiles, a search's matches, a person's faces), drawn
with format_html / format_html_join, which escape every value: a page draws 48-200 of them, and the
same markup as a template ({% include %} per item) cost ~0.3 ms of CPU an item, a third of a page's
CPU. The markup is what the templates drew per item; the status answer (search/views/photos_api.py)
draws one tile with the same function."""

from django import template
from django.middleware.csrf import get_token
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from faceapp.reverse_once import id_url, id_url_builder

register = template.Library()

_TILE = """<li class="tile" data-photo-id="{pk}" data-status="{status}">
  <input type="checkbox" class="pick" name="photo" value="{pk}" form="photo-selection" aria-label="Select {name}">
  <a href="{href}">
    {image}
  </a>
  {state}
</li>
"""
_RETRY = """<p class="tile-status status-failed">Failed</p>
  <p class="reason">{}</p>
  <form method="post" action="{}" class="retry"><input type="hidden" name="csrfmiddlewaretoken" value="{}">
    <button type="submit" aria-label="Retry indexing {}">Retry</button>
  </form>"""
_INDEXED = '<p class="tile-status status-indexed"><span class="visually-hidden">Indexed · </span>{}</p>'
_OFF = '<p class="tile-status status-off">{}</p>'
_STATUS = '<p class="tile-status status-{}">{}</p>'
_MATCH = """<li class="match">
  <a href="{photo}">
    <img class="crop" src="{crop}" alt="Face in {name}" width="96" height="96" loading="lazy">
    {image}
    <span class="similarity">{similarity}%{person}</span>
    <span class="file-name">{name}</span>
  </a>
  <a class="more" href="{more}">Faces like this one</a>
</li>
"""
_MATCH_IMAGE = '<img class="match-photo" src="{}" alt="Photo {}" loading="lazy">'
_PERSON_NAME = ' · <span class="crop-name">{}</span>'
_FACE = """
    <li><label><input type="checkbox" name="face" value="{pk}"{checked}>
      <img src="{crop}" alt="{alt} {name}"></label>
      <small><a href="{photo}">{name}</a>{note}</small></li>"""
_PERSON_TILE = """<li class="tile"><input type="checkbox" class="pick" name="photo" value="{pk}" \
form="photo-selection" aria-label="Select {name}">
    <a href="{href}">{image}</a>
    <small class="file-name">{name}</small></li>"""
_THUMBNAIL = '<img src="{}" alt="{}" loading="lazy">'
_PLACEHOLDER = '<span class="placeholder">{}</span>'


def _image(photo, thumbnail_url) -> SafeString:
    if photo.has_thumbnail:
        return format_html(_THUMBNAIL, thumbnail_url(photo.pk), photo.file_name)
    return format_html(_PLACEHOLDER, photo.file_name)


def _state(photo, face_indexing_on: bool, csrf_token: str) -> SafeString:
    if photo.status == "failed":
        action = id_url("photo_retry", photo.pk)
        return format_html(_RETRY, photo.failure_reason, action, csrf_token, photo.file_name)
    if not face_indexing_on:
        return format_html(_OFF, "Face indexing is off")
    if photo.status == "indexed":
        n = getattr(photo, "face_count", None)
        label = "Indexed" if n is None else f"{n} face{'' if n == 1 else 's'}" if n else "No face"
        return format_html(_INDEXED, label)
    return format_html(_STATUS, photo.status, photo.get_status_display())


def _photo_tile_fields(request, photos, viewer_qs: str, on: bool):
    """Each photo's fields of _TILE."""
    query = f"?{viewer_qs}" if viewer_qs else ""
    photo_url, thumbnail_url = id_url_builder("photo"), id_url_builder("photo_file", "thumbnail")
    for photo in photos:
        csrf_token = get_token(request) if photo.status == "failed" else ""
        yield {
            "pk": photo.pk,
            "status": photo.status,
            "name": photo.file_name,
            "href": photo_url(photo.pk) + query,
            "image": _image(photo, thumbnail_url),
            "state": _state(photo, on, csrf_token),
        }


def photo_tile(request, photo, viewer_qs: str = "", face_indexing_on: bool = True) -> SafeString:
    """One tile of the photo grid: its checkbox, thumbnail link and indexing state (a failed photo's
    reason and retry form)."""
    return format_html_join("", _TILE, _photo_tile_fields(request, [photo], viewer_qs, face_indexing_on))


@register.simple_tag(takes_context=True)
def photo_tiles(context, photos) -> SafeString:
    """{% photo_tiles month.photos %}: the tiles of a timeline page, in the context's `viewer_qs`."""
    request, viewer_qs, on = context["request"], context.get("viewer_qs", ""), context.get("face_indexing_on")
    return format_html_join("", _TILE, _photo_tile_fields(request, photos, viewer_qs, on))


@register.simple_tag(takes_context=True)
def person_photo_tiles(context, photos) -> SafeString:
    """{% person_photo_tiles month.photos %}: a person's or a search's photo tiles (no indexing state)."""
    viewer_qs = context.get("viewer_qs", "")
    photo_url, thumbnail_url = id_url_builder("photo"), id_url_builder("photo_file", "thumbnail")
    query = f"?{viewer_qs}" if viewer_qs else ""
    tiles = (
        {"pk": p.pk, "name": p.file_name, "href": photo_url(p.pk) + query, "image": _image(p, thumbnail_url)}
        for p in photos
    )
    return format_html_join("\n  ", _PERSON_TILE, tiles)


@register.simple_tag
def match_items(matches) -> SafeString:
    """{% match_items matches %}: a search's matches, each a face crop, its photo and its similarity."""
    photo_url, crop_url = id_url_builder("photo"), id_url_builder("face_crop")
    thumbnail_url, more_url = id_url_builder("photo_file", "thumbnail"), id_url_builder("face_matches")

    def match(m) -> dict:
        face, name = m.face, m.face.photo.file_name
        return {
            "photo": photo_url(face.photo_id),
            "crop": crop_url(face.pk),
            "name": name,
            "image": format_html(_MATCH_IMAGE, thumbnail_url(face.photo_id), name) if face.photo.thumbnail else "",
            "similarity": floatformat(m.similarity, 1),
            "person": format_html(_PERSON_NAME, face.person.name) if face.person_id else "",
            "more": more_url(face.pk),
        }

    return format_html_join("", _MATCH, (match(m) for m in matches))


@register.simple_tag
def face_items(faces, cover_id=None, suggested=False) -> SafeString:
    """{% face_items faces person.cover_face_id %}: a person's faces to tick (its cover marked), or with
    suggested=True the faces suggested for it (ticked, with their similarity); each face a row of
    people.selectors.person_face_tiles."""
    crop_url, photo_url = id_url_builder("face_crop"), id_url_builder("photo")

    def note(face) -> str:
        if suggested:
            return f" · {floatformat(face.person_similarity, 1)}%"
        return " · cover" if face.pk == cover_id else ""

    checked, alt = (" checked", "Suggested face in") if suggested else ("", "Face in")
    items = (
        {
            "pk": f.pk,
            "checked": checked,
            "crop": crop_url(f.pk),
            "alt": alt,
            "name": f.file_name,
            "photo": photo_url(f.photo_id),
            "note": note(f),
        }
        for f in faces
    )
    return format_html_join("", _FACE, items)
