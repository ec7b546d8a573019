"""What the admin blocks of every domain share: read-only rows, thumbnails, links, per-row counts."""

from __future__ import annotations

import html

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from faceapp.reverse_once import id_url

from ...engine.images import FORMATS as IMAGE_FORMATS
from ...models import Face, Photo
from .nav import nav_sidebar
from .rows import result_list


def count_of(model, field: str):
    """A per-row count as a subquery: no GROUP BY over the big tables."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


class CappedPaginator(Paginator):
    """A change list's paginator that counts at most CAP + 1 rows (an index range, never the whole table):
    beyond, the list says "10,000+" (templates/admin/indexing/pagination.html) and its last page link
    is the CAP-th row's; search or filter to reach older rows."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP

    @property
    def cap_label(self) -> str:
        return f"{self.CAP:,}+"


class BigChangeList(ChangeList):
    def get_results(self, request):
        """Django's, with the page's rows reading only the columns they show (list_only)."""
        super().get_results(request)
        if getattr(self.model_admin, "list_only", None):
            self.result_list = self.result_list.only(*self.model_admin.list_only)

    def url_for_result(self, result):
        if self.model_admin.admin_site.name != "admin":
            return super().url_for_result(result)
        return id_url(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", result.pk)


class BigListMixin:
    """A change list of a big table: CappedPaginator, no full count, 50 rows, each row's action
    checkbox as one string (Django renders a form widget template per row: ~0.7 ms a row), each
    row's link from a pattern (faceapp.reverse_once.id_url), and its rows loaded with the columns in
    list_only only (what list_display and each row's name show: a photo row and its owner and album
    have 38 columns, 8 of them dates to convert)."""

    paginator = CappedPaginator
    show_full_result_count = False
    list_per_page = 50
    list_only: list[str] = []

    def get_changelist(self, request, **kwargs):
        return BigChangeList

    def changelist_view(self, request, extra_context=None):
        """Django's, with the rows drawn by rows.py and the sidebar by nav.py
        (templates/admin/indexing/change_list.html)."""
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", {})
        if context.get("cl") is not None:
            context["big_result_list"] = result_list(context["cl"])
            if context.get("is_nav_sidebar_enabled") and not context.get("is_popup"):
                context["big_nav_sidebar"] = nav_sidebar(request, context.get("available_apps") or [])
        return response

    def action_checkbox(self, obj):
        label = html.escape(f"Select this object for an action - {obj}")
        return mark_safe(
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{html.escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}">'
        )


class FormatFilter(admin.SimpleListFilter):
    """The image formats the engine reads, listed without a SELECT DISTINCT over every photo."""

    title, parameter_name = "format", "format"

    def lookups(self, request, model_admin):
        return [(f, f) for f in sorted(IMAGE_FORMATS)]

    def queryset(self, request, queryset):
        return queryset.filter(format=self.value()) if self.value() else queryset


def image_tag(url: str, alt: str, width: int = 80):
    src, alt = html.escape(url), html.escape(str(alt))
    return mark_safe(f'<img src="{src}" alt="{alt}" width="{int(width)}" loading="lazy">')


def photo_image(photo: Photo | None, width: int = 80):
    if photo is None or not photo.has_thumbnail:
        return "-"
    return image_tag(id_url("admin:indexing_photo_file", photo.pk, "thumbnail"), photo.file_name, width)


def face_image(face: Face | None, width: int = 64):
    if face is None or not face.crop:
        return "-"
    return image_tag(id_url("admin:indexing_face_crop", face.pk), f"face {face.pk}", width)


def admin_link(obj, text=None):
    if obj is None:
        return "-"
    url = id_url(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk)
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
