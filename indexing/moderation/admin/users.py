"""Users, reports and the record of moderator actions in the admin (staff only).

Moderators act through admin actions; each one calls indexing/moderation/services.py, which does the
engine side-effects and records who did what, when. Rows are read-only here: the actions are the only
way to change them.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from ...models import Face, Photo
from .. import services as moderation
from ..models import ModerationAction, Report
from .base import ReadOnlyMixin, admin_link, count_of, face_image, photo_image

User = get_user_model()
# Everything a moderator sees of a user, read-only: they ban and lift bans through the recorded actions.
MODERATOR_READONLY_USER_FIELDS = [
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
        return qs.annotate(n_photos=count_of(Photo, "owner"), n_faces=count_of(Face, "owner"))

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
        """Moderators may open a user and run the ban actions; the form itself is read-only for them
        (get_readonly_fields), staff accounts are out of their reach altogether."""
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Only superusers set passwords: a moderator who could would own the account."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return MODERATOR_READONLY_USER_FIELDS

    def get_fieldsets(self, request, obj=None):
        """Moderators see who the user is, never the password form's link."""
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": MODERATOR_READONLY_USER_FIELDS})]

    @admin.action(description="Ban: no login, pending work stops", permissions=["change"])
    def ban(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_staff=False, is_superuser=False)
        for user in queryset.exclude(pk=request.user.pk):
            moderation.user_ban(request.user, user)
        self.message_user(request, "Banned.", messages.SUCCESS)

    @admin.action(description="Lift the ban", permissions=["change"])
    def unban(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_staff=False, is_superuser=False)
        for user in queryset:
            moderation.user_unban(request.user, user)
        self.message_user(request, "Ban lifted.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if change and not request.user.is_superuser:
            return  # a moderator's form is read-only: nothing of the account changes through it
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if change and was_active != obj.is_active:
            (moderation.user_unban if obj.is_active else moderation.user_ban)(request.user, obj)

    def delete_model(self, request, obj):
        moderation.user_delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            moderation.user_delete(request.user, user)


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
        return admin_link(report.photo, photo_image(report.photo)) if report.photo else "-"

    @admin.display(description="face")
    def face_preview(self, report):
        return admin_link(report.face, face_image(report.face)) if report.face else "-"

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
