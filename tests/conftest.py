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
