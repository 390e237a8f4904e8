from django.contrib import admin

from calendars.models import FeedToken


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "kind",
        "ref",
        "inspection",
        "created_at",
        "regenerated_at",
        "revoked_at",
    ]
    list_filter = ["inspection", "kind"]
    search_fields = ["label", "ref"]
    # The secret is derived, never stored; only its hash is, and that is nobody's to edit here.
    readonly_fields = ["salt", "secret_hash", "created_at", "regenerated_at", "revoked_at"]
