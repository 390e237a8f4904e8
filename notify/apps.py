from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

from desk.signals import concern_logged
from scheduling.signals import release_published


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
        # a lower app tells this one a release is out: change notices and invitations follow
        from notify.receivers import (  # noqa: PLC0415 - django_q's models
            queue_concern_alerts,
            queue_release_messages,
        )

        release_published.connect(queue_release_messages, dispatch_uid="notify-release-messages")
        concern_logged.connect(queue_concern_alerts, dispatch_uid="notify-concern-alerts")


def _install_schedules(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from notify.schedules import install_schedules  # noqa: PLC0415 - it imports models

    install_schedules(using)
