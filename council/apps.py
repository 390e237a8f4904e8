from django.apps import AppConfig


class CouncilConfig(AppConfig):
    """The council's year around its inspections: the standing readiness checklist, the
    annual engagement meeting and the self-evaluation's versions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "council"

    def ready(self) -> None:
        # the receivers (decorated) connect on import; models are ready only now
        from council import receivers  # noqa: F401, PLC0415
