"""The live demo copy: `load_scenario --live` dates a second inspection so that today falls in
its first week, whatever today is, and leaves Shropshire 2025 alone."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from annex_a.models import AnnexAList
from evidence.models import LibraryDocument
from inspections.calendar import LONDON
from inspections.models import Inspection, TaskStatus
from scheduling.models import MeetingStatus

LIVE = "shropshire-2025-live"
# Wednesday 2 December 2026: day one is Monday 30 November, today is day 3.
A_WEDNESDAY = dt.datetime(2026, 12, 2, 10, 30, tzinfo=LONDON)
# Tuesday 29 December 2026: Monday 28 is the Boxing Day bank holiday, so day one is today.
AFTER_CHRISTMAS = dt.datetime(2026, 12, 29, 10, 30, tzinfo=LONDON)
A_SATURDAY = dt.datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)


def _text(response) -> str:
    page = response.content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _load_live() -> Inspection:
    call_command("load_scenario", "shropshire-2025", "--live", stdout=io.StringIO())
    return Inspection.objects.get(slug=LIVE)


@pytest.mark.django_db
def test_the_live_copy_puts_today_in_its_first_week_with_earlier_tasks_done():
    with time_machine.travel(A_WEDNESDAY, tick=False):
        live = _load_live()
        assert live.day_one == dt.date(2026, 11, 30)
        assert live.day_number_today() == 3
        assert live.title == "Shropshire ILACS (live demo)"
        start_of_today = dt.datetime(2026, 12, 2, tzinfo=LONDON)
        before = live.tasks.filter(due_at__lt=start_of_today, progress_source="")
        assert before.exists()
        assert set(before.values_list("status", flat=True)) == {TaskStatus.DONE}
        # Annexe A stands at 8 of 11 lists signed off: its day-2 tasks are still open
        annex_a = live.tasks.filter(due_at__lt=start_of_today, progress_source="annex_a")
        assert set(annex_a.values_list("status", flat=True)) == {TaskStatus.TODO}
        today = live.tasks.filter(due_at__gte=start_of_today, due_day=3)
        assert today.exists()
        assert set(today.values_list("status", flat=True)) == {TaskStatus.TODO}


@pytest.mark.django_db
def test_a_bank_holiday_monday_starts_the_copy_on_the_tuesday():
    with time_machine.travel(AFTER_CHRISTMAS, tick=False):
        live = _load_live()
        assert live.day_one == dt.date(2026, 12, 29)
        assert live.day_number_today() == 1


@pytest.mark.django_db
def test_on_a_weekend_the_copy_starts_the_coming_monday():
    with time_machine.travel(A_SATURDAY, tick=False):
        live = _load_live()
    assert live.day_one == dt.date(2026, 12, 7)


@pytest.mark.django_db
def test_the_live_copy_leaves_the_reference_inspection_as_it_is():
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    reference = Inspection.objects.get(slug="shropshire-2025")
    tasks_before = list(reference.tasks.values_list("key", "status", "due_at"))
    with time_machine.travel(A_WEDNESDAY, tick=False):
        live = _load_live()
    reference.refresh_from_db()
    assert reference.day_one == dt.date(2025, 6, 16)
    assert list(reference.tasks.values_list("key", "status", "due_at")) == tasks_before
    assert live.people.count() == reference.people.count()
    assert live.inspectors.count() == reference.inspectors.count()
    assert live.meetings.count() == reference.meetings.count()


@pytest.mark.django_db
def test_loading_again_in_a_later_week_dates_the_copy_afresh():
    with time_machine.travel(A_WEDNESDAY, tick=False):
        first = _load_live()
    with time_machine.travel(AFTER_CHRISTMAS, tick=False):
        again = _load_live()
    assert Inspection.objects.filter(slug=LIVE).count() == 1
    assert again.pk != first.pk
    assert again.day_one == dt.date(2026, 12, 29)


@pytest.mark.django_db
def test_the_live_dashboard_shows_today_its_countdowns_tasks_and_meetings(
    client, django_user_model
):
    with time_machine.travel(A_WEDNESDAY, tick=False):
        client.force_login(django_user_model.objects.create_user("coordinator", is_superuser=True))
        live = _load_live()
        call_command("plan_meetings", LIVE, "--publish", "--time-limit", "2", stdout=io.StringIO())
        response = client.get(reverse("planner:dashboard", args=[live.slug]))
    text = _text(response)
    assert response.status_code == 200
    assert "Day 3 of 15 · week 1, inspectors off site" in text
    assert "After the inspection" not in text
    assert "Library · 12:00 today" in text
    assert "Upload the library" in text
    todays = live.meetings.filter(start__date=dt.date(2026, 12, 2)).exclude(
        status=MeetingStatus.CANCELLED
    )
    assert todays.exists()
    for meeting in todays:
        assert meeting.title in text


A_MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
A_FRIDAY = dt.datetime(2026, 12, 4, 9, 0, tzinfo=LONDON)


@pytest.mark.django_db
def test_on_day_one_no_evidence_is_recorded_later_than_now():
    with time_machine.travel(A_MONDAY, tick=False):
        live = _load_live()
    assert live.day_one == dt.date(2026, 11, 30)
    changed = LibraryDocument.objects.filter(inspection=live).values_list(
        "status_changed_at", flat=True
    )
    assert max(m for m in changed if m) <= A_MONDAY
    signed = AnnexAList.objects.filter(inspection=live).exclude(signed_off_at=None)
    assert all(a.signed_off_at <= A_MONDAY for a in signed)


@pytest.mark.django_db
def test_a_past_deadline_whose_evidence_is_behind_stays_open():
    with time_machine.travel(A_FRIDAY, tick=False):
        live = _load_live()
    library = live.tasks.get(key="library-upload")
    assert library.status == TaskStatus.TODO  # the library stands at 287 of 315
    earlier_plain = live.tasks.filter(due_day__lt=5, progress_source="")
    assert set(earlier_plain.values_list("status", flat=True)) == {TaskStatus.DONE}
