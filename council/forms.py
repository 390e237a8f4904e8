from __future__ import annotations

from django import forms

from inspections.forms import GovDateField, GovForm, WholeNumberField


class ReadinessItemForm(GovForm):
    owner = forms.CharField(label="Owner", required=False, max_length=120)
    review_interval_days = WholeNumberField(
        label="Review interval (days)", min_value=1, max_value=3650
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000)


class EngagementMeetingForm(GovForm):
    date = GovDateField(label="Date of the meeting")
    notes = forms.CharField(label="Notes", required=False, max_length=4000)


class SelfEvaluationForm(GovForm):
    version = forms.CharField(
        label="Version", max_length=40, error_messages={"required": "Enter the version"}
    )
    date = GovDateField(label="Date of the version")
    owner = forms.CharField(label="Owner", required=False, max_length=120)
    note = forms.CharField(label="Note", required=False, max_length=4000)
