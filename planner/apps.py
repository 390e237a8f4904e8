from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PlannerConfig(AppConfig):
    """The top app: pages and commands that span the other apps (it may import them all)."""

    name = "planner"
    verbose_name = "Planner"

    def ready(self) -> None:
        # every `migrate` makes sure a running cluster sweeps stuck jobs every few minutes
        # (sent for apps with models: django-q's, whose Schedule table it needs)
        post_migrate.connect(_install_sweep, sender=apps.get_app_config("django_q"))


def _install_sweep(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from planner.services.jobs import install_schedule  # noqa: PLC0415 - it imports models

    install_schedule(using)
