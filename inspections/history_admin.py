"""Read-only admin pages for the audit trail's history tables (superusers only, like all
of the admin). The planner's own log (/inspections/<slug>/history/) is where people read it."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that something else writes (the audit trail, the database's triggers): shown,
    never added, edited or deleted here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # shown as text, never as form fields
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HistoryAdmin(ReadOnlyAdmin):
    """The trail is evidence: nobody adds, edits or deletes a row of it here."""

    list_display = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    list_filter = ["history_type"]
    date_hierarchy = "history_date"


class HistoryM2MAdmin(HistoryAdmin):
    list_display = ["m2m_history_id", "history"]
    list_filter = []
    date_hierarchy = None  # type: ignore[assignment]


def register_history_admins(site: admin.AdminSite) -> None:
    """Every history table of every app (found through the app registry, so this bottom app
    imports none of the apps above it)."""
    for model in apps.get_models():
        if site.is_registered(model) or not hasattr(model, "instance_type"):
            continue
        is_m2m = any(f.name == "m2m_history_id" for f in model._meta.fields)
        site.register(model, HistoryM2MAdmin if is_m2m else HistoryAdmin)
