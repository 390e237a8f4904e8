from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class NotifyConfig(AppConfig):
    """The planner tells people: e-mails recorded one row each and sent exactly once (the
    morning digest first), with retries and a page that shows what failed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notify"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Every `migrate` (and `flush`) makes sure a running cluster sends the 07:30 digests and
        # retries failed sends, as planner's sweep is installed (sent after django-q's tables).
        post_migrate.connect(_install_schedules, sender=apps.get_app_config("django_q"))


def _install_schedules(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from notify.schedules import install_schedules  # noqa: PLC0415 - it imports models

    install_schedules(using)
