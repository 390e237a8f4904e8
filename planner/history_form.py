"""The audit log's filters: kind, who, the UK day of the change, and the page."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.forms import GovDateField, GovForm, WholeNumberField
from inspections.history import SYSTEM
from planner.services.history import KINDS, LogFilter

MAX_PAGE = 100_000


class OptionalDateField(GovDateField):
    """The GOV.UK date input, where three empty boxes mean "any day"."""

    def clean(self, value: Any) -> Any:
        values = value if isinstance(value, dict) else {}
        if not any(str(v).strip() for v in values.values()):
            self.parsed = None
            return None
        return super().clean(value)


class HistoryFilterForm(GovForm):
    kind = forms.ChoiceField(
        label="What changed",
        required=False,
        choices=[("", "Everything"), *((k.key, k.label) for k in KINDS)],
        error_messages={"invalid_choice": "What changed: choose a kind from the list"},
    )
    day = OptionalDateField(label="Day of the change", required=False)
    page = WholeNumberField(label="Page", min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(self, data: Any, *, users: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["user"] = forms.ChoiceField(
            label="Who",
            required=False,
            choices=[("", "Anyone"), (SYSTEM, "System"), *((str(pk), name) for pk, name in users)],
            error_messages={"invalid_choice": "Who: choose someone from the list"},
        )
        self.order_fields(["kind", "user", "day", "page"])

    def log_filter(self) -> LogFilter:
        data = self.cleaned_data
        user = data.get("user") or None
        return LogFilter(
            kind=data.get("kind") or "",
            user=user if user in (None, SYSTEM) else int(user),
            day=data.get("day"),
        )

    def query(self) -> dict[str, str]:
        """The filters as they were given, for the pagination and export links."""
        out = {name: str(self.data.get(name, "")) for name in ("kind", "user")}
        for part in ("day", "month", "year"):
            out[f"day-{part}"] = str(self.data.get(f"day-{part}", ""))
        return {k: v for k, v in out.items() if v}
