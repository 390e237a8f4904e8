import io

import pytest
from django.core.management import call_command

from inspections.models import Inspection


@pytest.fixture
def scenario(db) -> Inspection:
    """The full Shropshire 2025 scenario, loaded as `make demo` loads it."""
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    return Inspection.objects.get(slug="shropshire-2025")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("coordinator", password="a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, and on PostgreSQL no stray session left when it is dropped.

    The browser tests' live server answers each request in a daemon thread; one still holding
    a connection when the session ends (an htmx refresh the closing browser abandoned) would
    stop PostgreSQL dropping the test database. End such sessions first.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
