"""What notify does when a lower app tells it something (connected in NotifyConfig.ready())."""

from __future__ import annotations

import logging
from typing import Any

from django_q.tasks import async_task

log = logging.getLogger(__name__)


def queue_release_messages(sender: Any, release_pk: int, **kwargs: Any) -> None:
    """A release is published: its change notices and invitations are the worker's job. The
    release is committed already, so a broker that refuses the job must not turn the publish
    into an error page: it is logged for whoever runs the planner (the messages page shows
    none were sent)."""
    try:
        async_task("notify.tasks.send_release_messages", release_pk, group="releases")
    except Exception:  # Redis down, the database broker unreachable
        log.exception("The messages of release %s could not be queued", release_pk)


def queue_concern_alerts(sender: Any, concern_pk: int, **kwargs: Any) -> None:
    """A concern is logged: those who must see it are told by the worker, at once."""
    try:
        async_task("notify.tasks.send_concern_alerts", concern_pk, group="concerns")
    except Exception:  # as above: the concern is logged; the page shows it to them
        log.exception("The alerts for concern %s could not be queued", concern_pk)
