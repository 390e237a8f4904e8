"""The admin edits any record; a meeting's slot, room and people pass the planner's checks.

A change of time, room or people is checked under the inspection's schedule lock as a by-hand
move is (scheduling.editing.check_proposal) and refused as a form error naming the rules;
the database's double-booking check then runs before commit (scheduling.conflicts).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from inspections.history_admin import ReadOnlyAdmin
from inspections.services.errors import DomainError
from scheduling.conflicts import PlanConflict, refuse_double_booking
from scheduling.editing import Proposal, check_proposal
from scheduling.locks import lock_schedule
from scheduling.models import (
    Booking,
    Meeting,
    MeetingStatus,
    MeetingType,
    PlanRun,
    Release,
    ReleaseMeeting,
    Room,
    Travel,
    Unavailability,
    Venue,
)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "address", "inspection"]
    list_filter = ["inspection", "kind"]
    search_fields = ["name", "address", "ref"]
    inlines = [RoomInline]


@admin.register(Travel)
class TravelAdmin(admin.ModelAdmin):
    list_display = ["origin", "destination", "minutes"]
    list_filter = ["origin__inspection"]
    search_fields = ["origin__name", "destination__name"]
    list_select_related = ["origin", "destination"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "venue", "capacity", "equipment", "opens", "closes", "active"]
    list_filter = ["venue__inspection", "venue", "active"]
    search_fields = ["name", "venue__name"]
    list_select_related = ["venue"]


@admin.register(MeetingType)
class MeetingTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "group", "duration", "mode", "inspector_rule", "counts_as_case"]
    list_filter = ["group", "mode", "inspector_rule", "counts_as_case"]
    search_fields = ["name", "key"]


# Fields whose change can break a hard rule of the placed meeting.
PLACEMENT_FIELDS = frozenset(
    ["start", "end", "room", "assigned_inspectors", "attendees", "status", "mode"]
    + ["duration", "venue"]
)


class MeetingAdminForm(forms.ModelForm):
    # No Meta: the admin makes it for Meeting, with its formfield overrides.

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, duration = data.get("start"), data.get("end"), data.get("duration")
        if start is None:
            if end is not None:
                self.add_error("end", "End: leave it empty when the meeting has no start.")
            return data
        if duration and end != start + dt.timedelta(minutes=duration):
            self.add_error("end", f"End: must be the start plus {duration} minutes.")
            return data
        if data.get("status") == MeetingStatus.CANCELLED or not (
            PLACEMENT_FIELDS & set(self.changed_data)
        ):
            return data
        if self.instance.pk is None:
            self.add_error("start", "Start: add the meeting without a time, then give it one here.")
            return data
        self._check_placement(data)
        return data

    def _check_placement(self, data: dict[str, Any]) -> None:
        if transaction.get_connection().in_atomic_block:  # the admin saves in a transaction
            lock_schedule(self.instance.inspection_id)
        meeting = copy.copy(self.instance)  # the form's values; the instance is set on save
        for name in ("status", "mode", "duration", "venue"):
            if name in data:
                setattr(meeting, name, data[name])
        inspectors = tuple(data.get("assigned_inspectors") or ())
        proposal = Proposal(data["start"], data.get("room"), inspectors)
        try:
            violations = check_proposal(meeting, proposal, attendees=data.get("attendees") or ())
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if violations:
            raise forms.ValidationError(
                ["That change breaks these rules, so it was not saved:"]
                + [v.message for v in violations]
            )


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = MeetingAdminForm
    list_display = ["title", "meeting_type", "status", "start", "end", "mode", "room", "version"]
    list_filter = ["inspection", "status", "mode", "meeting_type"]
    search_fields = ["title", "ref", "purpose"]
    list_select_related = ["meeting_type", "room", "room__venue"]
    filter_horizontal = ["required_inspectors", "assigned_inspectors", "attendees", "follows"]
    # Teams links are https; say so rather than lean on Django 5's http default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    raw_id_fields = ["room", "venue", "placed_venue"]
    readonly_fields = ["version", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        lock_schedule(obj.inspection_id)  # held already when the form checked a placement
        if change and PLACEMENT_FIELDS & set(form.changed_data):
            obj.version += 1  # an edit form opened before this save must not overwrite it
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refuse_double_booking()  # a clash saved elsewhere meanwhile: refused, not a 500

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PlanConflict as exc:  # the transaction is rolled back by now
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    """Read-only: the database's triggers write these rows (PostgreSQL only)."""

    list_display = ["meeting", "kind", "resource_id", "start", "end"]
    list_filter = ["kind", "meeting__inspection"]
    list_select_related = ["meeting"]


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "start", "end", "inspection"]
    list_filter = ["inspection", "reason"]
    raw_id_fields = ["person", "inspector"]

    def save_model(
        self, request: HttpRequest, obj: Unavailability, form: Any, change: bool
    ) -> None:
        lock_schedule(obj.inspection_id)  # not in the middle of a solve being written
        super().save_model(request, obj, form, change)


class ReleaseMeetingInline(admin.TabularInline):
    model = ReleaseMeeting
    extra = 0
    fields = ["title", "status", "start", "end", "room", "sequence"]
    readonly_fields = ("title", "status", "start", "end", "room", "sequence")
    can_delete = False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["label", "inspection", "published_at", "published_by"]
    list_filter = ["inspection"]
    inlines = [ReleaseMeetingInline]


@admin.register(ReleaseMeeting)
class ReleaseMeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "release", "status", "start", "sequence", "uid"]
    list_filter = ["release__inspection", "release", "status"]
    search_fields = ["title", "uid"]


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "inspection", "status", "progress", "created_at", "finished_at"]
    list_filter = ["inspection", "status"]
    readonly_fields = ["summary", "started_at", "finished_at", "created_at"]
