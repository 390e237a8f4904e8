"""Filters of the people page."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.forms.base import GovForm
from inspections.models import PersonKind


class PeopleFilterForm(GovForm):
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "All"), *PersonKind.choices], required=False
    )
    q = forms.CharField(label="Name, team or job", max_length=200, required=False, strip=True)

    def __init__(self, data: Any) -> None:
        super().__init__(data, auto_id="people-%s")
