"""The engine's collections in the admin (local engine only): seen, never added, changed or deleted here
(registered by indexing/admin.py)."""

from django.contrib import admin

from .models import EngineCollection


@admin.register(EngineCollection)
class EngineCollectionAdmin(admin.ModelAdmin):
    list_display = ["collection_id", "model", "face_count", "version", "created_at"]
    list_filter = ["model"]
    search_fields = ["collection_id"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False
