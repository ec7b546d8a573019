"""Albums, photos and faces in the admin: read-only, changed by moderator actions only
(indexing/moderation/services.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ...models import Album, Face, Photo
from .. import services as moderation
from .base import (
    BigListMixin,
    FormatFilter,
    ReadOnlyMixin,
    admin_link,
    count_of,
    face_image,
    file_response,
    photo_image,
)


# Albums --------------------------------------------------------------------------------------------
@admin.register(Album)
class AlbumAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "owner", "source", "photo_count", "created_at"]
    list_filter = ["source"]
    search_fields = ["title", "owner__username"]
    list_select_related = ["owner"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_photos=count_of(Photo, "album"))

    @admin.display(description="photos", ordering="n_photos")
    def photo_count(self, album):
        return album.n_photos or 0


# Photos --------------------------------------------------------------------------------------------
class FaceInline(admin.TabularInline):
    model = Face
    fields = ["preview", "face_link", "confidence", "quality"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="face")
    def preview(self, face):
        return face_image(face)

    @admin.display(description="open")
    def face_link(self, face):
        return admin_link(face, f"face {face.pk}")


@admin.register(Photo)
class PhotoAdmin(BigListMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["preview", "file_name", "owner", "album", "status", "hidden", "face_count", "created_at"]
    list_filter = ["status", "hidden", "album__source", FormatFilter]
    search_fields = ["file_name", "owner__username", "source_id", "content_hash"]
    list_select_related = ["owner", "album"]
    list_only = ["thumbnail", "file_name", "owner__username", "album__title", "status", "hidden", "created_at"]
    fields = [
        "large_preview",
        "file_name",
        "owner",
        "album",
        "status",
        "failure_reason",
        "hidden",
        "format",
        "width",
        "height",
        "size_bytes",
        "taken_at",
        "source_link",
        "content_hash",
        "created_at",
        "indexed_at",
    ]
    readonly_fields = ["large_preview", "source_link"]
    inlines = [FaceInline]
    actions = ["hide", "unhide", "reindex", "delete_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_faces=count_of(Face, "photo"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [path("<int:photo_id>/file/<str:kind>/", view, name="indexing_photo_file"), *super().get_urls()]

    def file_view(self, request, photo_id: int, kind: str):
        if not self.has_view_permission(request):
            raise Http404("No such file")
        photo = get_object_or_404(Photo, pk=photo_id)
        return file_response({"original": photo.original, "thumbnail": photo.thumbnail}.get(kind))

    @admin.display(description="photo")
    def preview(self, photo):
        return photo_image(photo)

    @admin.display(description="preview")
    def large_preview(self, photo):
        return photo_image(photo, 480)

    @admin.display(description="source")
    def source_link(self, photo):
        original = reverse("admin:indexing_photo_file", args=[photo.pk, "original"])
        source = f"{photo.album.get_source_display()}" if photo.album else "-"
        return format_html('{} {} · <a href="{}">original file</a>', source, photo.source_id, original)

    @admin.display(description="faces", ordering="n_faces")
    def face_count(self, photo):
        return photo.n_faces or 0

    @admin.action(description="Hide from their owner", permissions=["change"])
    def hide(self, request, queryset):
        for photo in queryset.filter(hidden=False).select_related("owner"):
            moderation.photo_hide(request.user, photo)
        self.message_user(request, "Hidden.", messages.SUCCESS)

    @admin.action(description="Show to their owner again", permissions=["change"])
    def unhide(self, request, queryset):
        for photo in queryset.filter(hidden=True).select_related("owner"):
            moderation.photo_unhide(request.user, photo)
        self.message_user(request, "Shown again.", messages.SUCCESS)

    @admin.action(description="Re-index", permissions=["change"])
    def reindex(self, request, queryset):
        for photo in queryset.select_related("owner"):
            moderation.photo_reindex_by(request.user, photo)
        self.message_user(request, "Queued for indexing.", messages.SUCCESS)

    def delete_model(self, request, obj):
        moderation.photo_delete_by(request.user, obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset.select_related("owner"):
            moderation.photo_delete_by(request.user, photo)


# Faces ---------------------------------------------------------------------------------------------
@admin.register(Face)
class FaceAdmin(BigListMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["preview", "pk", "owner", "photo_link", "confidence", "quality", "created_at"]
    list_filter = ["photo__hidden", "photo__status"]
    search_fields = ["owner__username", "photo__file_name", "engine_face_id"]
    list_select_related = ["owner", "photo"]
    list_only = ["crop", "owner__username", "photo__file_name", "confidence", "quality", "created_at"]
    fields = [
        "large_preview",
        "owner",
        "photo_link",
        "left",
        "top",
        "width",
        "height",
        "confidence",
        "quality",
        "engine_face_id",
        "created_at",
        "neighbours",
    ]
    readonly_fields = ["large_preview", "photo_link", "neighbours"]
    actions = ["remove_from_collection"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.crop_view)
        return [path("<int:face_id>/crop/", view, name="indexing_face_crop"), *super().get_urls()]

    def crop_view(self, request, face_id: int):
        if not self.has_view_permission(request):
            raise Http404("No such file")
        return file_response(get_object_or_404(Face, pk=face_id).crop)

    @admin.display(description="face")
    def preview(self, face):
        return face_image(face)

    @admin.display(description="crop")
    def large_preview(self, face):
        return face_image(face, 160)

    @admin.display(description="photo")
    def photo_link(self, face):
        return admin_link(face.photo)

    @admin.display(description="most similar faces of the same owner")
    def neighbours(self, face):
        pairs = moderation.face_neighbours(face)
        if not pairs:
            return "none above the match threshold"
        return format_html_join(
            " ",
            '<a href="{}">{} {}%</a>',
            ((reverse("admin:indexing_face_change", args=[f.pk]), face_image(f), f"{s:.1f}") for f, s in pairs),
        )

    @admin.action(description="Remove from the collection", permissions=["delete"])
    def remove_from_collection(self, request, queryset):
        for face in queryset.select_related("owner", "photo"):
            moderation.face_remove(request.user, face)
        self.message_user(request, "Removed from the collection.", messages.SUCCESS)

    def delete_model(self, request, obj):
        moderation.face_remove(request.user, obj)

    def delete_queryset(self, request, queryset):
        self.remove_from_collection(request, queryset)
