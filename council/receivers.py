"""What the council does when the inspections app says something happened."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from council.services import snapshot_readiness
from inspections.signals import day_one_moved, inspection_created


@receiver(inspection_created, dispatch_uid="council-readiness-at-call")
def readiness_at_call(sender: Any, inspection: Any, **kwargs: Any) -> None:
    snapshot_readiness(inspection)


@receiver(day_one_moved, dispatch_uid="council-readiness-at-moved-call")
def readiness_at_moved_call(sender: Any, inspection: Any, **kwargs: Any) -> None:
    # the call is now another day: the state on that day is the one that counts
    if inspection.readiness_at_call.exists():
        snapshot_readiness(inspection)
