"""The lead inspector's timetable: a printable page (a day, or the whole on-site fortnight) and
the same as a workbook (?format=xlsx), from the latest published release only.

The coordinator's, like the planner's other exports: it leaves the planner (printed, e-mailed
to the lead inspector) holding every child ID of the inspectors' meetings, so neither the
project team's nor a staff member's role is enough.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calendars import lead_timetable
from inspections.access import inspection_for
from inspections.forms import GovForm
from inspections.forms.fields import day_number_field
from inspections.models import Inspection, Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LeadTimetableForm(GovForm):
    """?day=N for one working day (none: the on-site fortnight); ?format=xlsx for the workbook."""

    format = forms.ChoiceField(
        choices=[("", "Page"), ("xlsx", "Excel workbook")],
        required=False,
        label="Format",
        error_messages={"invalid_choice": "Format: leave it out for the page, or use xlsx"},
    )

    def __init__(self, data: Any, *, inspection: Inspection) -> None:
        super().__init__(data)
        self.fields["day"] = day_number_field(inspection, label="Day", required=False)


@login_required
def page(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    form = LeadTimetableForm(request.GET, inspection=inspection)
    context: dict[str, object] = {"inspection": inspection, "form": form}
    if not form.is_valid():
        return render(request, "calendars/lead_timetable.html", context, status=400)
    day = form.cleaned_data["day"]
    try:
        if form.cleaned_data["format"] == "xlsx":
            response = HttpResponse(lead_timetable.workbook(inspection, day), content_type=XLSX)
            name = lead_timetable.filename(inspection, day)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        plan = lead_timetable.timetable(inspection, None if day is None else [day])
    except lead_timetable.NotPublished as exc:
        context["not_published"] = str(exc)
        return render(request, "calendars/lead_timetable.html", context, status=404)
    context.update(plan=plan, day=day, onsite_days=lead_timetable.onsite_days(inspection))
    return render(request, "calendars/lead_timetable.html", context)
