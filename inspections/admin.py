from django.contrib import admin

from inspections.history_admin import register_history_admins
from inspections.models import Inspection, Inspector, Membership, Person, Task


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "local_authority", "inspection_type", "day_one", "final_day"]
    list_filter = ["inspection_type", "local_authority"]
    search_fields = ["title", "slug", "local_authority"]
    readonly_fields = ["final_day", "created_at", "updated_at"]


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ["full_name", "role", "inspection", "email", "onsite_days"]
    list_filter = ["inspection", "role"]
    search_fields = ["full_name", "email", "ref"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "kind", "role", "job_title", "team", "organisation", "inspection"]
    list_filter = ["inspection", "kind", "role", "team", "organisation"]
    search_fields = ["full_name", "email", "ref", "job_title", "team", "organisation"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "key",
        "due_day",
        "due_at",
        "owner_role",
        "owner",
        "status",
        "inspection",
    ]
    list_filter = ["inspection", "status", "phase", "owner_role"]
    search_fields = ["title", "key", "description"]
    list_select_related = ["owner", "inspection"]
    filter_horizontal = ["depends_on"]
    raw_id_fields = ["owner"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "person", "inspection"]
    list_filter = ["inspection", "role"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "person", "inspection"]
    raw_id_fields = ["user", "person"]


# The history tables of the audit trail, read-only; the admin loads every app's models first.
register_history_admins(admin.site)
