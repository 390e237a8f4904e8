"""Create or reset the demo logins, one per role, on every inspection, and print them."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from inspections.models import Inspection, Membership, Person, Role

# (username, role, the scenario person they are)
DEMO_LOGINS = [
    ("coordinator", Role.COORDINATOR, "pt-coordinator"),
    ("team", Role.PROJECT_TEAM, "pt-performance-1"),
    ("staff", Role.STAFF, "prac-001"),
    ("viewer", Role.VIEWER, "sl-dcs"),
]


class Command(BaseCommand):
    help = "Create or reset one demo login per role (members of every inspection) and print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="Password for every demo login (default: a new random one each)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()._default_manager
        inspections = list(Inspection.objects.order_by("day_one"))
        self.stdout.write("Demo logins (sign in at /accounts/login/):")
        for username, role, person_ref in DEMO_LOGINS:
            password = str(options.get("password") or secrets.token_urlsafe(12))
            user, _ = users.get_or_create(username=username)
            user.set_password(password)
            user.is_active = True
            user.save()
            for inspection in inspections:
                person = Person.objects.filter(inspection=inspection, ref=person_ref).first()
                Membership.objects.update_or_create(
                    inspection=inspection, user=user, defaults={"role": role, "person": person}
                )
            self.stdout.write(f"  {role.label:<13} username: {username:<12} password: {password}")
