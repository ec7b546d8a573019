"""Admin of the Instagram room (imported by indexing/admin.py): accounts, crawls with a live progress bar,
media items; the OAuth token is never shown."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from social_django import admin as social_admin  # imported first, so its UserSocialAuth admin can be replaced

from .models import InstagramAccount, InstagramCrawl, InstagramMedia
from .selectors import crawl_progress


@admin.register(InstagramAccount)
class InstagramAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "username", "instagram_id", "needs_relogin", "connected_at")
    list_filter = ("needs_relogin",)
    search_fields = ("username", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(InstagramCrawl)
class InstagramCrawlAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "state", "progress", "posts_seen", "throttled", "created_at", "finished_at")
    list_filter = ("state",)
    list_select_related = ("owner",)
    list_per_page = 50
    raw_id_fields = ("owner",)
    readonly_fields = (
        "progress",
        "state",
        "full",
        "next_url",
        "posts_total",
        "posts_seen",
        "attempts",
        "throttled",
        "resume_at",
        "message",
        "created_at",
        "heartbeat_at",
        "finished_at",
    )

    class Media:
        js = ["js/crawl_progress.js"]

    @admin.display(description="progress")
    def progress(self, crawl):
        p = crawl_progress(crawl)
        url = reverse("admin:indexing_instagramcrawl_progress", args=[crawl.pk])
        return format_html(
            '<span data-crawl-url="{}"><progress max="100" value="{}"></progress> '
            '<span data-field="photos_indexed">{}</span> photos, <span data-field="faces_found">{}</span> faces, '
            '<span data-field="failures">{}</span> failed</span>',
            url,
            p["percent"],
            p["photos_indexed"],
            p["faces_found"],
            p["failures"],
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.progress_json)
        return [path("<int:crawl_id>/progress/", view, name="indexing_instagramcrawl_progress"), *super().get_urls()]

    def progress_json(self, request, crawl_id: int):
        if not self.has_view_permission(request):  # admin_view only checks is_staff
            raise PermissionDenied
        return JsonResponse(crawl_progress(get_object_or_404(InstagramCrawl, pk=crawl_id)))


@admin.register(InstagramMedia)
class InstagramMediaAdmin(admin.ModelAdmin):
    list_display = ("media_id", "owner", "media_type", "status", "failure_reason", "crawl", "photo")
    list_filter = ("status", "media_type")
    search_fields = ("media_id", "post_id")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "crawl", "seen_by", "photo")
    show_full_result_count = False


admin.site.unregister(social_admin.UserSocialAuth)


@admin.register(social_admin.UserSocialAuth)
class UserSocialAuthAdmin(social_admin.UserSocialAuthOption):
    """social_django's admin without extra_data, where the access token lives."""

    exclude = ("extra_data",)
    readonly_fields = ("token_expires", "created", "modified")

    @admin.display(description="token expires in")
    def token_expires(self, social):
        return social.expiration_timedelta()
