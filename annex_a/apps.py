from django.apps import AppConfig


class AnnexAConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annex_a"
    verbose_name = "Annexe A"
