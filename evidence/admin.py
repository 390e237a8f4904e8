from django.contrib import admin

from evidence.models import Audit, CasePackPart, DeepDive, LibraryDocument


@admin.register(LibraryDocument)
class LibraryDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "owner", "status", "inspection"]
    list_filter = ["status", "category", "inspection"]
    search_fields = ["title", "ref"]
    raw_id_fields = ["owner"]


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["child_id", "audit_date", "audit_type", "judgement", "moderated", "loop_closed"]
    list_filter = ["judgement", "moderated", "loop_closed", "inspection"]
    search_fields = ["child_id"]


class CasePackPartInline(admin.TabularInline):
    model = CasePackPart
    extra = 0
    raw_id_fields = ["collator", "qa_by"]


@admin.register(DeepDive)
class DeepDiveAdmin(admin.ModelAdmin):
    list_display = ["child_id", "plan_type", "worker", "chosen_at", "inspection"]
    raw_id_fields = ["audit", "worker"]
    inlines = [CasePackPartInline]


@admin.register(CasePackPart)
class CasePackPartAdmin(admin.ModelAdmin):
    list_display = ["deep_dive", "part", "collator", "qa_by", "qa_at", "uploaded_at"]
    list_filter = ["part", "deep_dive__inspection"]
    search_fields = ["deep_dive__child_id"]
    raw_id_fields = ["deep_dive", "collator", "qa_by"]
    list_select_related = ["deep_dive", "collator", "qa_by"]
