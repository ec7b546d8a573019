"""The admin site: Django's, with its app list (every admin page's navigation sidebar: ~40 reverse() and
~90 permission checks, ~2 ms of CPU a page) kept per process for each state of a user's permissions.
Installed as the default site by AdminConfig (INSTALLED_APPS, in place of "django.contrib.admin")."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.urls import get_script_prefix

KEPT = 256  # app lists kept (one per user and permission state); all dropped when full


class AdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._app_lists: dict[tuple, list] = {}

    def get_app_list(self, request, app_label=None):
        """Django's list, made again when the user's permissions (or staff, superuser, active flags) change.
        Every ModelAdmin here decides from these alone when no object is given."""
        key = (app_label, get_script_prefix(), *_permission_state(request.user))
        if key not in self._app_lists:
            if len(self._app_lists) >= KEPT:
                self._app_lists.clear()
            self._app_lists[key] = super().get_app_list(request, app_label)
        return self._app_lists[key]


def _permission_state(user) -> tuple:
    if not (user.is_active and user.is_staff):
        return (user.pk, user.is_active, user.is_staff, user.is_superuser, frozenset())
    if user.is_superuser:  # every permission: Django's checks answer yes without reading them
        return (user.pk, True, True, True, frozenset())
    return (user.pk, True, True, False, frozenset(user.get_all_permissions()))


class AdminConfig(DjangoAdminConfig):
    default_site = "indexing.moderation.admin_site.AdminSite"
