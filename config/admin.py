"""The Django admin edits every record of every inspection, past any role: superusers only."""

from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    site_header = "ILACS planner administration"
    site_title = "ILACS planner admin"

    def has_permission(self, request: HttpRequest) -> bool:
        # is_staff alone is not enough: roles are granted per inspection in the planner.
        return bool(request.user.is_active and request.user.is_superuser)
