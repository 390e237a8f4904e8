"""Forms of the members page."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.forms.base import GovForm
from inspections.models import Inspection, Person, Role


class AddMemberForm(GovForm):
    who = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.STAFF)
    person = forms.ModelChoiceField(
        label="Who they are in this inspection (optional)",
        queryset=Person.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = inspection.people.order_by("full_name")  # type: ignore[attr-defined]


class ChangeRoleForm(GovForm):
    action = forms.ChoiceField(choices=[("role", "Change role"), ("remove", "Remove")])
    role = forms.ChoiceField(choices=Role.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "role" and not data.get("role"):
            self.add_error("role", "Select a role")
        return data
