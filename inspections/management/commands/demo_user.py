"""Create or reset the demo login and print its username and password (`make demo`)."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create or reset a staff login for the demo and print the username and password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo", help="Login name (default: demo)")
        parser.add_argument(
            "--password", help="Password to set (default: a new random one each time)"
        )

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        password = str(options.get("password") or secrets.token_urlsafe(12))
        user_model = get_user_model()
        lookup: dict[str, Any] = {user_model.USERNAME_FIELD: username}
        user, created = user_model._default_manager.get_or_create(**lookup)
        user.set_password(password)
        user.is_staff = True  # type: ignore[attr-defined]
        user.is_active = True
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} the demo login. Sign in at /accounts/login/ with:")
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
