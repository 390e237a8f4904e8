"""plan_meetings, check_plan and absence: the acceptance flow from the command line."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from scheduling.editing import set_status
from scheduling.models import Meeting, MeetingStatus, Release


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_plan_publish_check_then_absence_gives_v2_with_the_moves(scenario):
    data = json.loads(
        run("plan_meetings", scenario.slug, "--publish", "--json", "--time-limit", "0.5")
    )
    assert data["placed"] == data["total"] > 95 and data["unplaced"] == []
    assert data["release"] == 1 and len(data["changelog"]["new"]) == data["total"]
    assert "0 hard-rule violation" in run("check_plan", scenario.slug)

    lead_kit = Meeting.objects.get(inspection=scenario, ref="kit-lead-d07")
    run("absence", scenario.slug, "insp-lead", "--day", "7")
    data = json.loads(run("plan_meetings", scenario.slug, "--json", "--time-limit", "2"))
    moved = {m["meeting_id"] for m in data["moved"]}
    lost = {e["meeting_id"] for e in data["lost"]}
    # The lead's KIT on day 7 can go nowhere else (its window is that day): it is reported unplaced.
    assert lead_kit.pk in {u["meeting_id"] for u in data["unplaced"]} | lost
    # Published, it would keep its v1 slot, which the re-plan may have given to another meeting:
    # with the lead off sick it cannot happen, so the coordinator cancels it, then publishes.
    lead_kit.refresh_from_db()
    set_status(lead_kit, MeetingStatus.CANCELLED, opened_version=lead_kit.version)
    data = json.loads(
        run("plan_meetings", scenario.slug, "--publish", "--json", "--time-limit", "2")
    )
    assert data["release"] == 2
    logged = {e["meeting_id"] for e in data["changelog"]["moved"] + data["changelog"]["changed"]}
    assert moved <= logged
    assert [e["meeting_id"] for e in data["changelog"]["cancelled"]] == [lead_kit.pk]
    assert Release.objects.filter(inspection=scenario).count() == 2


def test_check_plan_exits_1_on_a_clash(scenario):
    run("plan_meetings", scenario.slug, "--time-limit", "0.5")
    a, b = Meeting.objects.for_inspection(scenario).placed().filter(mode="in_person")[:2]
    with transaction.atomic():  # never committed: PostgreSQL refuses a clash at commit
        Meeting.objects.filter(pk=b.pk).update(start=a.start, end=a.end, room=a.room)
        with pytest.raises(SystemExit) as exc:
            out = io.StringIO()
            call_command("check_plan", scenario.slug, "--json", stdout=out)
        transaction.set_rollback(True)
    assert exc.value.code == 1
    assert "room_clash" in out.getvalue()


def test_absence_of_an_unknown_inspector_is_explained(scenario):
    with pytest.raises(CommandError, match="No inspector 'insp-nobody'.*insp-lead"):
        run("absence", scenario.slug, "insp-nobody", "--day", "7")


def test_the_demo_plans_once_and_leaves_a_published_timetable_alone(scenario):
    run("plan_meetings", scenario.slug, "--publish", "--unless-published", "--time-limit", "0.5")
    assert Release.objects.filter(inspection=scenario).count() == 1
    again = run("plan_meetings", scenario.slug, "--publish", "--unless-published")
    assert "v1 is already published; not re-planning" in again
    assert Release.objects.filter(inspection=scenario).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("absence", "shropshire-2025", "insp-lead", "--day", "²"), "--day: give a whole number"),
        (("absence", "shropshire-2025", "insp-lead", "--day", "99999999"), "from 1 to 999"),
        (("plan_meetings", "shropshire-2025", "--seed", "2147483648"), "--seed: give a whole"),
        (("plan_meetings", "shropshire-2025", "--time-limit", "9" * 50), "--time-limit: give"),
    ],
)
def test_commands_refuse_numbers_they_cannot_use(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_absence_on_a_day_after_the_inspection_is_explained(scenario):
    with pytest.raises(CommandError, match="Day 16 is not a day of this inspection: give 1 to 15"):
        run("absence", scenario.slug, "insp-lead", "--day", "16")
