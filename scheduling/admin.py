from django.contrib import admin
from django.db import models

from scheduling.models import (
    Meeting,
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


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting_type", "status", "start", "end", "mode", "room", "version"]
    list_filter = ["inspection", "status", "mode", "meeting_type"]
    search_fields = ["title", "ref", "purpose"]
    list_select_related = ["meeting_type", "room", "room__venue"]
    filter_horizontal = ["required_inspectors", "assigned_inspectors", "attendees", "follows"]
    # Teams links are https; say so rather than lean on Django 5's http default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    raw_id_fields = ["room", "venue", "placed_venue"]
    readonly_fields = ["version", "updated_at"]


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "start", "end", "inspection"]
    list_filter = ["inspection", "reason"]
    raw_id_fields = ["person", "inspector"]


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
