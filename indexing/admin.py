"""Moderation in the Django admin (staff only).

Moderators act through admin actions; each one calls indexing.moderation, which does the engine
side-effects and records who did what, when. Photos, faces and the rest are read-only here: the
actions are the only way to change them. More blocks (crawls, people) are appended below.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import moderation
from .models import Album, ApiAccessKey, EngineCollection, Face, ModerationAction, Photo, Report
from .rekognition_api.keys import key_revoke

User = get_user_model()


def _count(model, field: str):
    """A per-row count as a subquery: no GROUP BY over the big tables."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def _image(url: str, alt: str, width: int = 80):
    return format_html('<img src="{}" alt="{}" width="{}" loading="lazy">', url, alt, width)


def _photo_image(photo: Photo | None, width: int = 80):
    if photo is None or not photo.thumbnail:
        return "-"
    return _image(reverse("admin:indexing_photo_file", args=[photo.pk, "thumbnail"]), photo.file_name, width)


def _face_image(face: Face | None, width: int = 64):
    if face is None or not face.crop:
        return "-"
    return _image(reverse("admin:indexing_face_crop", args=[face.pk]), f"face {face.pk}", width)


def _link(obj, text=None):
    if obj is None:
        return "-"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def _file(field):
    if not field or not field.name:
        raise Http404("No such file")
    return FileResponse(field.open("rb"))


class ReadOnlyMixin:
    """Rows are changed by actions only (so that every change is a recorded moderator action)."""

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)


# Users ---------------------------------------------------------------------------------------------
admin.site.unregister(User)


@admin.register(User)
class FaceappUserAdmin(UserAdmin):
    list_display = [
        "username",
        "email",
        "is_active",
        "is_staff",
        "social_accounts",
        "face_indexing",
        "photo_count",
        "face_count",
        "date_joined",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "account_settings__face_indexing_enabled"]
    actions = ["ban", "unban"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("account_settings")
        if apps.is_installed("social_django"):
            qs = qs.prefetch_related("social_auth")
        return qs.annotate(n_photos=_count(Photo, "owner"), n_faces=_count(Face, "owner"))

    @admin.display(description="social accounts")
    def social_accounts(self, user):
        if not apps.is_installed("social_django"):
            return "-"
        return ", ".join(f"{s.provider}: {s.uid}" for s in user.social_auth.all()) or "-"

    @admin.display(description="face indexing", boolean=True)
    def face_indexing(self, user):
        settings_row = getattr(user, "account_settings", None)
        return bool(settings_row and settings_row.face_indexing_enabled)

    @admin.display(description="photos", ordering="n_photos")
    def photo_count(self, user):
        return user.n_photos or 0

    @admin.display(description="faces", ordering="n_faces")
    def face_count(self, user):
        return user.n_faces or 0

    def has_change_permission(self, request, obj=None):
        """Moderators change ordinary users only (no one else's password, staff flag or permissions)."""
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        ]

    @admin.action(description="Ban: no login, pending work stops", permissions=["change"])
    def ban(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_staff=False, is_superuser=False)
        for user in queryset.exclude(pk=request.user.pk):
            moderation.user_ban(request.user, user)
        self.message_user(request, "Banned.", messages.SUCCESS)

    @admin.action(description="Lift the ban", permissions=["change"])
    def unban(self, request, queryset):
        for user in queryset:
            moderation.user_unban(request.user, user)
        self.message_user(request, "Ban lifted.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if change and was_active != obj.is_active:
            (moderation.user_unban if obj.is_active else moderation.user_ban)(request.user, obj)

    def delete_model(self, request, obj):
        moderation.user_delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            moderation.user_delete(request.user, user)


# Albums --------------------------------------------------------------------------------------------
@admin.register(Album)
class AlbumAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "owner", "source", "photo_count", "created_at"]
    list_filter = ["source"]
    search_fields = ["title", "owner__username"]
    list_select_related = ["owner"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_photos=_count(Photo, "album"))

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
        return _face_image(face)

    @admin.display(description="open")
    def face_link(self, face):
        return _link(face, f"face {face.pk}")


@admin.register(Photo)
class PhotoAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["preview", "file_name", "owner", "album", "status", "hidden", "face_count", "created_at"]
    list_filter = ["status", "hidden", "album__source", "format"]
    search_fields = ["file_name", "owner__username", "source_id", "content_hash"]
    list_select_related = ["owner", "album"]
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
    show_full_result_count = False
    actions = ["hide", "unhide", "reindex", "delete_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_faces=_count(Face, "photo"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [path("<int:photo_id>/file/<str:kind>/", view, name="indexing_photo_file"), *super().get_urls()]

    def file_view(self, request, photo_id: int, kind: str):
        if not self.has_view_permission(request):
            raise Http404("No such file")
        photo = get_object_or_404(Photo, pk=photo_id)
        return _file({"original": photo.original, "thumbnail": photo.thumbnail}.get(kind))

    @admin.display(description="photo")
    def preview(self, photo):
        return _photo_image(photo)

    @admin.display(description="preview")
    def large_preview(self, photo):
        return _photo_image(photo, 480)

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
class FaceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["preview", "pk", "owner", "photo_link", "confidence", "quality", "created_at"]
    list_filter = ["photo__hidden", "photo__status"]
    search_fields = ["owner__username", "photo__file_name", "engine_face_id"]
    list_select_related = ["owner", "photo"]
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
    show_full_result_count = False
    actions = ["remove_from_collection"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.crop_view)
        return [path("<int:face_id>/crop/", view, name="indexing_face_crop"), *super().get_urls()]

    def crop_view(self, request, face_id: int):
        if not self.has_view_permission(request):
            raise Http404("No such file")
        return _file(get_object_or_404(Face, pk=face_id).crop)

    @admin.display(description="face")
    def preview(self, face):
        return _face_image(face)

    @admin.display(description="crop")
    def large_preview(self, face):
        return _face_image(face, 160)

    @admin.display(description="photo")
    def photo_link(self, face):
        return _link(face.photo)

    @admin.display(description="most similar faces of the same owner")
    def neighbours(self, face):
        pairs = moderation.face_neighbours(face)
        if not pairs:
            return "none above the match threshold"
        return format_html_join(
            " ",
            '<a href="{}">{} {}%</a>',
            ((reverse("admin:indexing_face_change", args=[f.pk]), _face_image(f), f"{s:.1f}") for f, s in pairs),
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


# The engine's collections (local engine only; read-only) -------------------------------------------
@admin.register(EngineCollection)
class EngineCollectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["collection_id", "model", "face_count", "version", "created_at"]
    list_filter = ["model"]
    search_fields = ["collection_id"]

    def has_delete_permission(self, request, obj=None):
        return False


# Reports -------------------------------------------------------------------------------------------
@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "created_at",
        "status",
        "reason",
        "reporter",
        "owner",
        "photo_preview",
        "face_preview",
        "note",
    ]
    list_display_links = ["pk", "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["note", "reporter__username", "owner__username", "photo__file_name"]
    list_select_related = ["reporter", "owner", "photo", "face"]
    readonly_fields = ["photo_preview", "face_preview"]
    show_full_result_count = False
    actions = ["dismiss", "hide_photo", "delete_photo", "ban_owner"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="photo")
    def photo_preview(self, report):
        return _link(report.photo, _photo_image(report.photo)) if report.photo else "-"

    @admin.display(description="face")
    def face_preview(self, report):
        return _link(report.face, _face_image(report.face)) if report.face else "-"

    def _resolve(self, request, queryset, decision: str):
        done = 0
        for report in queryset.filter(status=Report.Status.OPEN).select_related("photo__owner", "owner"):
            try:
                moderation.report_resolve(request.user, report, decision)
                done += 1
            except ValueError as e:
                self.message_user(request, str(e), messages.WARNING)
        self.message_user(request, f"{done} report{'s' if done != 1 else ''} closed.", messages.SUCCESS)

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss(self, request, queryset):
        self._resolve(request, queryset, Report.Status.DISMISSED)

    @admin.action(description="Hide the photo", permissions=["change"])
    def hide_photo(self, request, queryset):
        self._resolve(request, queryset, Report.Status.HIDDEN)

    @admin.action(description="Delete the photo with its faces", permissions=["change"])
    def delete_photo(self, request, queryset):
        self._resolve(request, queryset, Report.Status.DELETED)

    @admin.action(description="Ban the owner", permissions=["change"])
    def ban_owner(self, request, queryset):
        self._resolve(request, queryset, Report.Status.BANNED)


# The record of moderator actions (nobody edits or deletes it) --------------------------------------
@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "target_type", "target_id", "target_owner", "report", "detail"]
    list_filter = ["action", "target_type"]
    search_fields = ["moderator__username", "target_owner__username", "target_id", "detail"]
    list_select_related = ["moderator", "target_owner", "report"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Access keys of the Rekognition-compatible API: issued from the API keys page or the api_keys
# command (so that the secret is shown once to its owner); here they are seen and revoked.
@admin.register(ApiAccessKey)
class ApiAccessKeyAdmin(admin.ModelAdmin):
    list_display = ["access_key_id", "owner", "name", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    list_select_related = ["owner"]
    search_fields = ["access_key_id", "owner__username", "name"]
    raw_id_fields = ["owner"]
    exclude = ["secret_encrypted"]
    readonly_fields = ["owner", "access_key_id", "scope", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            key_revoke(key)


from .instagram import admin as instagram_admin  # noqa: E402,F401 - registers the Instagram blocks
