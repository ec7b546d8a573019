"""API access keys in the admin: seen and revoked here, issued elsewhere."""

from django.contrib import admin

from .keys import key_revoke
from .models import ApiAccessKey


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
