from django.apps import AppConfig


class PlannerConfig(AppConfig):
    """The top app: pages and commands that span the other apps (it may import them all)."""

    name = "planner"
    verbose_name = "Planner"
