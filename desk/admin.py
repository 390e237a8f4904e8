"""The desk's records for superusers (the admin is theirs only). Concerns are here too: a
superuser is every inspection's coordinator."""

from django.contrib import admin

from desk.models import (
    CaseTrackingRequest,
    Concern,
    ConcernAction,
    ContactFeedback,
    InformationRequest,
    KitAction,
    KitNote,
    LineOfEnquiry,
)


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "inspection", "inspector", "owner", "due_at", "status"]
    list_filter = ["inspection", "status", "due_kind"]
    search_fields = ["text", "child_id"]
    raw_id_fields = ["inspection", "inspector", "owner", "meeting", "document", "line"]


@admin.register(CaseTrackingRequest)
class CaseTrackingRequestAdmin(admin.ModelAdmin):
    list_display = ["child_id", "kind", "inspection", "inspector", "status", "named_at"]
    list_filter = ["inspection", "kind", "status"]
    search_fields = ["child_id"]
    raw_id_fields = ["inspection", "inspector", "worker", "manager", "meeting"]


@admin.register(KitNote)
class KitNoteAdmin(admin.ModelAdmin):
    list_display = ["meeting", "inspection", "updated_at"]
    list_filter = ["inspection"]
    raw_id_fields = ["inspection", "meeting"]


@admin.register(KitAction)
class KitActionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "inspection", "owner", "due_at", "status"]
    list_filter = ["inspection", "status"]
    raw_id_fields = ["inspection", "meeting", "owner", "closed_by"]


@admin.register(ContactFeedback)
class ContactFeedbackAdmin(admin.ModelAdmin):
    list_display = ["meeting", "inspection", "author", "created_at"]
    list_filter = ["inspection"]
    raw_id_fields = ["inspection", "meeting", "author"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["__str__", "child_id", "inspection", "raised_by", "response_due_at", "status"]
    list_filter = ["inspection", "status"]
    search_fields = ["child_id"]
    raw_id_fields = ["inspection", "raised_by", "closed_by"]


@admin.register(ConcernAction)
class ConcernActionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "concern", "owner", "due_at", "done_at"]
    raw_id_fields = ["concern", "owner"]


@admin.register(LineOfEnquiry)
class LineOfEnquiryAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "inspection", "owner", "status"]
    list_filter = ["inspection", "status"]
    search_fields = ["ref", "title"]
    raw_id_fields = ["inspection", "owner"]
    filter_horizontal = ["documents", "meetings"]
