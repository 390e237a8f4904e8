import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _daysheet(*args):
    out = io.StringIO()
    call_command("daysheet", "shropshire-2025", *args, stdout=out)
    return out.getvalue()


def test_day_two_json_lists_annex_a_and_audits_due_on_17_june_bst(scenario):
    data = json.loads(_daysheet("--day", "2", "--json"))
    assert data["inspection"] == "shropshire-2025"
    assert data["date"] == "2025-06-17"
    assert set(data) == {"inspection", "day", "date", "tasks", "meetings", "requests"}
    tasks = {t["key"]: t for t in data["tasks"]}
    for key in ("annex-a-upload", "audit-list"):
        assert tasks[key]["due"].startswith("2025-06-17T")
        assert tasks[key]["due"].endswith("+01:00")
        assert {"key", "title", "owner_role", "owner", "due", "status", "depends_on"} <= set(
            tasks[key]
        )
    assert tasks["annex-a-upload"]["depends_on"] == ["annex-a-checks"]


def test_overdue_tasks_carry_over_to_later_days(scenario):
    data = json.loads(_daysheet("--day", "3", "--json"))
    tasks = {t["key"]: t for t in data["tasks"]}
    assert tasks["annex-a-upload"]["overdue"] is True
    assert tasks["library-upload"]["overdue"] is False
    assert tasks["library-upload"]["due"] == "2025-06-18T12:00:00+01:00"


def test_role_filter_keeps_only_that_role(scenario):
    data = json.loads(_daysheet("--day", "2", "--role", "performance", "--json"))
    assert data["tasks"] and {t["owner_role"] for t in data["tasks"]} == {"performance"}


def test_text_output_groups_by_owner(scenario):
    text = _daysheet("--day", "3")
    assert "Day 3 of 15" in text and "Wednesday 18 June 2025" in text
    assert "(Ofsted improvement lead)" in text
    assert "Upload the library" in text


def test_a_day_outside_the_calendar_is_a_clear_error(scenario):
    with pytest.raises(CommandError, match="no day 0"):
        _daysheet("--day", "0")
    with pytest.raises(CommandError, match="No inspection 'nope'"):
        call_command("daysheet", "nope", "--day", "1")
    with pytest.raises(CommandError, match="Unknown role"):
        _daysheet("--day", "1", "--role", "chef")


def test_day_page_needs_login_and_lists_the_library_at_noon(scenario, staff_client):

    url = "/inspections/shropshire-2025/days/3/"
    assert Client().get(url).status_code == 302
    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Upload the library" in html
    assert "12:00" in html
    assert "Wednesday 18 June 2025" in html
