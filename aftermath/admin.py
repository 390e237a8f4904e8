from django.contrib import admin

from aftermath.models import AftermathEvent, FactualAccuracyComment


@admin.register(AftermathEvent)
class AftermathEventAdmin(admin.ModelAdmin):
    list_display = ["inspection", "kind", "date"]
    list_filter = ["inspection", "kind"]
    raw_id_fields = ["inspection"]


@admin.register(FactualAccuracyComment)
class FactualAccuracyCommentAdmin(admin.ModelAdmin):
    list_display = ["inspection", "paragraph", "status", "sent_at"]
    list_filter = ["inspection", "status"]
    raw_id_fields = ["inspection"]
