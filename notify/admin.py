from django.contrib import admin

from inspections.history_admin import ReadOnlyAdmin
from notify.models import Message, Preference


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """A record of what was sent: written by the sender, never edited here."""

    list_display = ["created_at", "inspection", "kind", "email", "status", "attempts", "sent_at"]
    list_filter = ["inspection", "kind", "status"]
    search_fields = ["email", "subject", "dedupe_key"]
    exclude = ["attachment"]  # bytes: the name and type say what it was


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "inspector", "choice", "timetable_workbook", "updated_at"]
    list_filter = ["choice", "timetable_workbook"]
