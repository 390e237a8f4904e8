import io
import os
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from hypothesis import settings as hypothesis_settings

from inspections.models import Inspection, Membership, Person, Role
from scheduling.planning import plan
from scheduling.releases import publish

# A deterministic solver budget (see tests/test_scheduling_replan.py): the same plan every run,
# however loaded the machine.
DETERMINISTIC_PLAN = {"time_limit": 120.0, "deterministic_time": 0.05, "seed": 0}

# The importers' property tests (tests/test_importers_property.py): 1,000 examples each in CI,
# the same ones every run (derandomize), so a failure there is a real one anyone can repeat;
# fewer, and new ones each run, on a developer's machine. No example database is kept.
hypothesis_settings.register_profile(
    "ci", max_examples=1_000, deadline=None, derandomize=True, database=None
)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None, database=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def _load_scenario() -> Inspection:
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    return Inspection.objects.get(slug="shropshire-2025")


def _plan_and_publish(inspection: Inspection) -> None:
    result = plan(inspection, **DETERMINISTIC_PLAN, fresh=True)
    assert result.placed == result.total
    publish(inspection)


@pytest.fixture
def scenario(db) -> Inspection:
    """The full Shropshire 2025 scenario, loaded as `make demo` loads it."""
    return _load_scenario()


@pytest.fixture
def published(scenario) -> Inspection:
    """The scenario planned (every meeting placed) and published as v1, as `make demo` leaves
    it. Test files with their own `published` fixture override this one."""
    _plan_and_publish(scenario)
    return scenario


def _scenario_for_the_module(django_db_blocker, *, planned: bool) -> Iterator[int]:
    """The scenario loaded (and planned and published) once for a module, in a transaction
    rolled back when the module ends. Each test's own transaction is a savepoint inside it,
    so what a test changes goes with that test and the next one sees the scenario as loaded.
    For modules with no transactional test (one would flush the shared rows): they say so by
    overriding `scenario` (or `published`) with `shared_scenario` (or `shared_published`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        inspection = _load_scenario()
        if planned:
            _plan_and_publish(inspection)
        yield inspection.pk
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_scenario(django_db_setup, django_db_blocker) -> Iterator[int]:
    yield from _scenario_for_the_module(django_db_blocker, planned=False)


@pytest.fixture(scope="module")
def module_published(django_db_setup, django_db_blocker) -> Iterator[int]:
    yield from _scenario_for_the_module(django_db_blocker, planned=True)


@pytest.fixture
def shared_scenario(module_scenario, db) -> Inspection:
    """The module's scenario (module_scenario), as `scenario` gives it: a module whose tests
    only read the scenario or change it in their own transaction sets `scenario = ...` to this
    and loads it once instead of once per test."""
    return Inspection.objects.get(pk=module_scenario)


@pytest.fixture
def shared_published(module_published, db) -> Inspection:
    """The module's planned and published scenario (module_published), as `published`."""
    return Inspection.objects.get(pk=module_published)


@pytest.fixture
def staff_client(client, django_user_model):
    """A superuser: every inspection, every action. Role rules have their own tests
    (tests/test_access.py) through member_client."""
    user = django_user_model.objects.create_user(
        "coordinator", password="a-long-test-password", is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def member_client(db, django_user_model):
    """make(inspection, role, person=None) -> a signed-in Client of a new member with that role."""
    made: list[Client] = []

    def make(inspection: Inspection, role: Role, person: Person | None = None) -> Client:
        user = django_user_model.objects.create_user(f"{role}-{len(made) + 1}")
        Membership.objects.create(inspection=inspection, user=user, role=role, person=person)
        member = Client()
        member.force_login(user)
        made.append(member)
        return member

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, and on PostgreSQL no stray session left when it is dropped.

    The browser tests' live server answers each request in a daemon thread; one still holding
    a connection when the session ends (an htmx refresh the closing browser abandoned) would
    stop PostgreSQL dropping the test database. End such sessions first.
    """
    yield

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
