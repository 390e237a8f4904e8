from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scheduling"

    def ready(self) -> None:
        # a lower app tells this one through a signal: day one moved, placements follow
        from inspections.signals import day_one_moved  # noqa: PLC0415 - apps load before models
        from scheduling.planning import (  # noqa: PLC0415 - models are ready only now
            clear_placements_after_day_one_moved,
        )

        day_one_moved.connect(
            clear_placements_after_day_one_moved, dispatch_uid="scheduling-clear-placements"
        )
