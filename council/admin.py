from django.contrib import admin

from council.models import EngagementMeeting, ReadinessAtCall, ReadinessItem, SelfEvaluationVersion
from inspections.history_admin import ReadOnlyAdmin


@admin.register(ReadinessItem)
class ReadinessItemAdmin(admin.ModelAdmin):
    list_display = ["title", "local_authority", "owner", "last_reviewed", "review_interval_days"]
    list_filter = ["local_authority"]
    search_fields = ["title", "owner"]


@admin.register(ReadinessAtCall)
class ReadinessAtCallAdmin(ReadOnlyAdmin):
    """The checklist as it stood on the day of a call: a record, never edited."""

    list_display = ["inspection", "on_date", "title", "ready", "gap"]
    list_filter = ["inspection", "ready"]


@admin.register(EngagementMeeting)
class EngagementMeetingAdmin(admin.ModelAdmin):
    list_display = ["local_authority", "date"]
    list_filter = ["local_authority"]


@admin.register(SelfEvaluationVersion)
class SelfEvaluationVersionAdmin(admin.ModelAdmin):
    list_display = ["local_authority", "version", "date", "owner"]
    list_filter = ["local_authority"]
