from django.apps import AppConfig

from inspections.signals import day_one_moved


class SchedulingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scheduling"

    def ready(self) -> None:
        # a lower app tells this one through a signal: day one moved, placements follow
        from scheduling.planning import (  # noqa: PLC0415 - it imports models: loaded only now
            clear_placements_after_day_one_moved,
        )

        day_one_moved.connect(
            clear_placements_after_day_one_moved, dispatch_uid="scheduling-clear-placements"
        )
