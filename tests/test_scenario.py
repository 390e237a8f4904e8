import io

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Inspection, Inspector, Person, PersonKind, Task


def test_the_shropshire_scenario_has_the_reports_shape(scenario):
    cal = scenario.calendar
    assert scenario.day_one.isoformat() == "2025-06-16"
    assert cal.last_day_date.isoformat() == "2025-07-04"
    inspectors = list(Inspector.objects.filter(inspection=scenario))
    non_qa = [i for i in inspectors if i.role != "qa"]
    assert sum(1 for i in non_qa if 6 in i.onsite_days) == 4  # week 2
    assert sum(1 for i in non_qa if 11 in i.onsite_days) == 6  # week 3
    assert sum(1 for i in non_qa if i.role == "schools" and 11 in i.onsite_days) == 1
    assert any(i.role == "qa" for i in inspectors)
    assert Person.objects.filter(inspection=scenario, kind=PersonKind.PRACTITIONER).count() == 92
    roles = set(Person.objects.filter(inspection=scenario).values_list("role", flat=True))
    assert {"coordinator", "performance", "lcs", "pa", "it", "building", "dcs"} <= roles
    assert Task.objects.filter(inspection=scenario, owner__isnull=True).count() == 0


def test_loading_twice_is_identical(scenario):
    def snapshot():
        return (
            list(Person.objects.order_by("ref").values_list("ref", "full_name", "email", "team")),
            list(Task.objects.order_by("key").values_list("key", "due_at", "owner__ref")),
        )

    before = snapshot()
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    assert snapshot() == before
    assert Inspection.objects.count() == 1


def test_notification_across_a_bank_holiday_gives_fourteen_days(db):
    out = io.StringIO()
    call_command("load_scenario", "shropshire-2025", notification="2025-05-19", stdout=out)
    inspection = Inspection.objects.get(slug="shropshire-2025")
    assert inspection.calendar.length == 14
    assert inspection.final_day.isoformat() == "2025-06-06"
    assert "Friday 6 June 2025 (14 working days)" in out.getvalue()
    final = Task.objects.get(inspection=inspection, key="final-feedback")
    assert final.due_at.date().isoformat() == "2025-06-06"


def test_moving_an_existing_scenario_redates_it(scenario):
    call_command(
        "load_scenario", "shropshire-2025", notification="2025-05-19", stdout=io.StringIO()
    )
    scenario.refresh_from_db()
    assert scenario.final_day.isoformat() == "2025-06-06"
    lead = Inspector.objects.get(inspection=scenario, ref="insp-lead")
    assert lead.onsite_days == list(range(6, 15))


def test_a_saturday_notification_is_refused_clearly(db):
    with pytest.raises(CommandError, match="Saturday 14 June 2025 is a weekend day"):
        call_command("load_scenario", "shropshire-2025", notification="2025-06-14")
    assert not Inspection.objects.exists()


def test_a_malformed_date_and_unknown_scenario_are_refused(db):
    with pytest.raises(CommandError, match="not a date in the form YYYY-MM-DD"):
        call_command("load_scenario", "shropshire-2025", notification="16/06/2025")
    with pytest.raises(CommandError, match="No scenario 'nowhere'"):
        call_command("load_scenario", "nowhere")
