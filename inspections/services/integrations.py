"""What the other apps offer the web interface, looked up without importing them at load time.

The scheduling, evidence and calendars apps grow in parallel; each lookup here returns an
empty answer until the model or function it needs exists, so pages never break on a missing
part.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string


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


def optional_function(path: str) -> Any | None:
    try:
        return import_string(path)
    except ImportError:
        return None


def meetings_for_day(inspection: Any, date: Any, draft: bool = False) -> list[dict[str, Any]]:
    """The day's meetings in the daysheet JSON shape (an empty list until scheduling lands)."""
    fn = optional_function(getattr(settings, "DAYSHEET_MEETINGS", ""))
    if fn is None:
        return []
    return list(fn(inspection, date, draft=draft) or [])


def extra_items(setting: str, *args: Any) -> list[Any]:
    """Items from every function named in a list setting (risks, recent changes)."""
    out: list[Any] = []
    for path in getattr(settings, setting, []):
        fn = optional_function(path)
        if fn is not None:
            out.extend(fn(*args) or [])
    return out
