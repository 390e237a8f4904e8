from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "calendars"

    def ready(self) -> None:
        # feed links follow their subscriber: people, inspectors, rooms, venues renamed or gone
        from calendars import receivers  # noqa: PLC0415 - models are ready only now

        receivers.connect()
