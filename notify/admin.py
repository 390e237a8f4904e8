from django.contrib import admin

from inspections.history_admin import ReadOnlyAdmin
from notify.models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """A record of what was sent: written by the sender, never edited here."""

    list_display = ["created_at", "inspection", "kind", "email", "status", "attempts", "sent_at"]
    list_filter = ["inspection", "kind", "status"]
    search_fields = ["email", "subject", "dedupe_key"]
