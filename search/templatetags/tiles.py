"""The items a page repeats (a timeline's photo tiles, a search's matches, a person's faces), drawn
in Python: a page draws 48-200 of them, and the same markup as a template ({% include %} per item)
cost ~0.3 ms of CPU an item, a third of a page's CPU. The markup is what the templates drew per item;
the status answer (search/views/photos_api.py) draws one tile with the same function."""

import html

from django import template
from django.middleware.csrf import get_token
from django.template.defaultfilters import floatformat
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from faceapp.reverse_once import url_of, urls_of

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
_FACE = """
    <li><label><input type="checkbox" name="face" value="{pk}"{checked}>
      <img src="{crop}" alt="{alt} {name}"></label>
      <small><a href="{photo}">{name}</a>{note}</small></li>"""
_PERSON_TILE = """<li class="tile"><input type="checkbox" class="pick" name="photo" value="{pk}" \
form="photo-selection" aria-label="Select {name}">
    <a href="{href}">{image}</a>
    <small class="file-name">{name}</small></li>"""


def _image(photo, name: str, thumbnail_url=None) -> str:
    if photo.has_thumbnail:
        src = thumbnail_url(photo.pk) if thumbnail_url else url_of("photo_file", photo.pk, "thumbnail")
        return f'<img src="{src}" alt="{name}" loading="lazy">'
    return f'<span class="placeholder">{name}</span>'


def _href(photo, viewer_qs: str) -> str:
    return url_of("photo", photo.pk) + (f"?{escape(viewer_qs)}" if viewer_qs else "")


def _state(photo, face_indexing_on: bool, csrf_token: str) -> str:
    if photo.status == "failed":
        action = url_of("photo_retry", photo.pk)
        return format_html(_RETRY, photo.failure_reason, action, csrf_token, photo.file_name)
    if not face_indexing_on:
        return '<p class="tile-status status-off">Face indexing is off</p>'
    if photo.status == "indexed":
        n = getattr(photo, "face_count", None)
        label = "Indexed" if n is None else f"{n} face{'' if n == 1 else 's'}" if n else "No face"
        return f'<p class="tile-status status-indexed"><span class="visually-hidden">Indexed · </span>{label}</p>'
    return format_html('<p class="tile-status status-{}">{}</p>', photo.status, photo.get_status_display())


def photo_tile(request, photo, viewer_qs: str = "", face_indexing_on: bool = True) -> SafeString:
    """One tile of the photo grid: its checkbox, thumbnail link and indexing state (a failed photo's
    reason and retry form)."""
    name = escape(photo.file_name)
    csrf_token = get_token(request) if photo.status == "failed" else ""
    return mark_safe(
        _TILE.format(
            pk=int(photo.pk),
            status=escape(photo.status),
            name=name,
            href=_href(photo, viewer_qs),
            image=_image(photo, name),
            state=_state(photo, face_indexing_on, csrf_token),
        )
    )


@register.simple_tag(takes_context=True)
def photo_tiles(context, photos) -> SafeString:
    """{% photo_tiles month.photos %}: the tiles of a timeline page, in the context's `viewer_qs`."""
    request, viewer_qs, on = context["request"], context.get("viewer_qs", ""), context.get("face_indexing_on")
    return mark_safe("".join(photo_tile(request, photo, viewer_qs, on) for photo in photos))


@register.simple_tag(takes_context=True)
def person_photo_tiles(context, photos) -> SafeString:
    """{% person_photo_tiles month.photos %}: a person's or a search's photo tiles (no indexing state)."""
    viewer_qs, tiles = context.get("viewer_qs", ""), []
    photo_url, thumbnail_url = urls_of("photo"), urls_of("photo_file", "thumbnail")
    query = f"?{html.escape(viewer_qs)}" if viewer_qs else ""
    for photo in photos:
        name = html.escape(photo.file_name)
        href, image = photo_url(photo.pk) + query, _image(photo, name, thumbnail_url)
        tiles.append(_PERSON_TILE.format(pk=int(photo.pk), name=name, href=href, image=image))
    return mark_safe("\n  ".join(tiles))


def _match(match) -> str:
    face = match.face
    name, photo = escape(face.photo.file_name), face.photo
    return _MATCH.format(
        photo=url_of("photo", face.photo_id),
        crop=url_of("face_crop", face.pk),
        name=name,
        image=_MATCH_IMAGE.format(url_of("photo_file", face.photo_id, "thumbnail"), name) if photo.thumbnail else "",
        similarity=floatformat(match.similarity, 1),
        person=f' · <span class="crop-name">{escape(face.person.name)}</span>' if face.person_id else "",
        more=url_of("face_matches", face.pk),
    )


@register.simple_tag
def match_items(matches) -> SafeString:
    """{% match_items matches %}: a search's matches, each a face crop, its photo and its similarity."""
    return mark_safe("".join(_match(match) for match in matches))


@register.simple_tag
def face_items(faces, cover_id=None, suggested=False) -> SafeString:
    """{% face_items faces person.cover_face_id %}: a person's faces to tick (its cover marked), or with
    suggested=True the faces suggested for it (ticked, with their similarity); each face a row of
    people.selectors.person_face_tiles."""
    items, crop_url, photo_url = [], urls_of("face_crop"), urls_of("photo")
    for face in faces:
        note = " · cover" if face.pk == cover_id else ""
        if suggested:
            note = f" · {floatformat(face.person_similarity, 1)}%"
        items.append(
            _FACE.format(
                pk=int(face.pk),
                checked=" checked" if suggested else "",
                crop=crop_url(face.pk),
                alt="Suggested face in" if suggested else "Face in",
                name=html.escape(face.file_name),
                photo=photo_url(face.photo_id),
                note=note,
            )
        )
    return mark_safe("".join(items))
