"""The Django admin, with the planner's own site as its default (config/admin.py)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin.SuperuserAdminSite"
