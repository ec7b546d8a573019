"""What the admin blocks of every domain share: read-only rows, thumbnails, links, per-row counts."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.html import format_html

from ..photos.models import Face, Photo


def count_of(model, field: str):
    """A per-row count as a subquery: no GROUP BY over the big tables."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def image_tag(url: str, alt: str, width: int = 80):
    return format_html('<img src="{}" alt="{}" width="{}" loading="lazy">', url, alt, width)


def photo_image(photo: Photo | None, width: int = 80):
    if photo is None or not photo.thumbnail:
        return "-"
    return image_tag(reverse("admin:indexing_photo_file", args=[photo.pk, "thumbnail"]), photo.file_name, width)


def face_image(face: Face | None, width: int = 64):
    if face is None or not face.crop:
        return "-"
    return image_tag(reverse("admin:indexing_face_crop", args=[face.pk]), f"face {face.pk}", width)


def admin_link(obj, text=None):
    if obj is None:
        return "-"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def file_response(field):
    if not field or not field.name:
        raise Http404("No such file")
    return FileResponse(field.open("rb"))


class ReadOnlyMixin:
    """Rows are changed by actions only (so that every change is a recorded moderator action)."""

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)
