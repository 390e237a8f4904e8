from django.contrib import admin

from annex_a.models import AnnexAList, ChildAllocation, FileCheck, Finding, FindingGroup
from inspections.history_admin import ReadOnlyAdmin


@admin.register(AnnexAList)
class AnnexAListAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "owner", "status", "row_count", "signed_off_at", "inspection"]
    list_filter = ["inspection", "status", "signed_off", "uploaded"]
    search_fields = ["name"]
    raw_id_fields = ["owner", "signed_off_by"]
    list_select_related = ["owner", "inspection"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ("list_number", "row", "column", "kind", "severity", "child_id", "message")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(FileCheck)
class FileCheckAdmin(admin.ModelAdmin):
    list_display = ["pk", "inspection", "status", "progress", "rows", "finding_count", "created_at"]
    list_filter = ["inspection", "status"]
    readonly_fields = ["stored_files", "list_counts", "notes", "started_at", "finished_at"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["check_run", "list_number", "row", "column", "kind", "severity", "child_id"]
    list_filter = ["kind", "severity", "list_number"]
    search_fields = ["child_id", "column", "message"]
    raw_id_fields = ["check_run"]


@admin.register(FindingGroup)
class FindingGroupAdmin(ReadOnlyAdmin):
    """Written by the check; read here."""

    list_display = ["check_run", "rank", "list_number", "column", "kind", "severity", "count"]
    list_filter = ["severity", "kind"]
    raw_id_fields = ["check_run"]


@admin.register(ChildAllocation)
class ChildAllocationAdmin(ReadOnlyAdmin):
    """Replaced whole by each finished check; read here."""

    list_display = ["child_id", "worker", "team", "list_number", "inspection"]
    list_filter = ["inspection", "list_number"]
    search_fields = ["child_id", "worker", "team"]
