"""Models looked up by name, for search's table of what to search in each app."""

from __future__ import annotations

from django.apps import apps
from django.db import models


def model(app_label: str, name: str) -> type[models.Model] | None:
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def has_field(model_cls: type[models.Model], name: str) -> bool:
    try:
        model_cls._meta.get_field(name)
    except Exception:
        return False
    return True
