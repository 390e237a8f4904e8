"""What the calendar pages accept: the plan shown (?plan=), day, week and key numbers in the
URL, and the feed-link actions. A number or key outside the inspection is a 404 at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from inspections.forms import GovForm, WholeNumberField, day_number_field
from inspections.models import Inspection

MAX_ID = 9_999_999_999  # ids: positive, at most 10 digits
ACTIONS = [
    ("create", "Create the missing links"),
    ("show", "Show"),
    ("regenerate", "Regenerate"),
    ("revoke", "Revoke"),
]


class PlanForm(GovForm):
    """?plan=draft shows the draft timetable; without it, the latest published release."""

    plan = forms.ChoiceField(
        choices=[("draft", "Draft")],
        required=False,
        label="Plan",
        error_messages={
            "invalid_choice": "Plan: show the published release, or the draft (plan=draft)"
        },
    )


def _valid_or_404(form: forms.Form, message: str) -> dict[str, Any]:
    if not form.is_valid():
        raise Http404(message)
    return form.cleaned_data


def day_or_404(inspection: Inspection, day: object) -> int:
    """A day number of the inspection (1 to its last working day), or 404."""
    form = GovForm({"day": day})
    form.fields["day"] = day_number_field(inspection, label="Day")
    return int(_valid_or_404(form, "That day is not part of the inspection.")["day"])


def week_or_404(inspection: Inspection, week: object) -> int:
    """A week of the inspection (1 to the week of its last day), or 404."""
    cal = inspection.calendar
    form = GovForm({"week": week})
    form.fields["week"] = WholeNumberField(
        min_value=1, max_value=cal.week_for_day(cal.last_day), label="Week"
    )
    return int(_valid_or_404(form, "That week is not part of the inspection.")["week"])


class KeyForm(GovForm):
    """A room or venue key as the calendar builds it (see calendars.feeds.slug)."""

    key = forms.RegexField(regex=r"^[a-z0-9-]{1,300}$", max_length=300)


class RefForm(GovForm):
    """An inspector's or person's ref (their import key)."""

    ref = forms.CharField(max_length=64, strip=False)


def key_or_404(value: str) -> str:
    return str(_valid_or_404(KeyForm({"key": value}), "No such room or venue.")["key"])


def ref_or_404(value: str) -> str:
    return str(
        _valid_or_404(RefForm({"ref": value}), "No inspector or person with that ref.")["ref"]
    )


class FeedLinkActionForm(GovForm):
    action = forms.ChoiceField(
        choices=ACTIONS,
        label="Action",
        error_messages={
            "required": "Action: choose show, regenerate or revoke",
            "invalid_choice": "Action: choose show, regenerate or revoke",
        },
    )
    token = WholeNumberField(min_value=1, max_value=MAX_ID, label="Feed link", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs_token = data.get("action") not in (None, "create")
        if needs_token and data.get("token") is None and "token" not in self.errors:
            self.add_error("token", ValidationError("Choose the feed link to change"))
        return data
