from typing import Any

from django.core.management.base import BaseCommand

from planner.services.jobs import sweep_jobs


class Command(BaseCommand):
    help = (
        "Mark plan runs and Annexe A checks whose worker stopped as failed, and delete the "
        "uploads of checks that have ended. A running qcluster does this every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{sweep_jobs()}.")
