"""Readiness is standing work, not back-dated tasks: the council's checklist, its state on
the day of the call carried into a new inspection, and the gaps shown as risks from day 1."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from council.models import ReadinessItem
from council.services import mark_reviewed, readiness_items
from inspections.access import NotAllowed
from inspections.calendar import LONDON
from inspections.models import Role
from inspections.services.inspections import create_inspection
from planner.services.dashboard import build_dashboard

D = dt.date
CALL = D(2026, 3, 2)  # a Monday
MORNING_OF_THE_CALL = dt.datetime(2026, 3, 2, 9, 30, tzinfo=LONDON)
DETAILS = {
    "slug": "shropshire-2026",
    "title": "Shropshire ILACS 2026",
    "local_authority": "Shropshire",
    "inspection_type": "ilacs_standard",
}
AUDITS = "Last 6 months of audits moderated, with closing-the-loop evidence"
CONTACTS = "Contact lists: senior leaders, managers, partners, PAs"


def _council_with_two_gaps() -> dict[str, ReadinessItem]:
    """Six items reviewed in time, audit moderation reviewed too long ago (every 30 days),
    contact lists never reviewed."""
    items = {i.key: i for i in readiness_items("Shropshire")}
    for key, item in items.items():
        if key == "audit-moderation":
            mark_reviewed(item, on_date=D(2026, 1, 15))
        elif key != "contact-lists":
            mark_reviewed(item, on_date=D(2026, 2, 20))
    return items


def _readiness_risks(board) -> list[str]:
    return [r.text for r in board.risks if r.kind == "readiness"]


def test_the_council_starts_with_the_eight_standing_items(db):
    assert [(i.key, i.owner, i.last_reviewed) for i in readiness_items("Shropshire")] == [
        ("self-evaluation", "Ofsted lead", None),
        ("audit-moderation", "Ofsted lead", None),
        ("annex-a-dry-run", "Performance", None),
        ("library-index", "Ofsted lead", None),
        ("project-team-rota", "Coordinator", None),
        ("room-holds", "Building", None),
        ("it-kit", "IT", None),
        ("contact-lists", "Coordinator", None),
    ]
    # asking again adds nothing
    assert len(readiness_items("Shropshire")) == 8
    assert ReadinessItem.objects.count() == 8


def test_an_inspection_created_on_the_day_of_its_call_has_nothing_overdue(db):
    _council_with_two_gaps()
    with time_machine.travel(MORNING_OF_THE_CALL, tick=False):
        inspection = create_inspection(**DETAILS, day_one=CALL)
        board = build_dashboard(inspection)
    assert board.day == 1
    assert board.overdue_count == 0
    assert [r.kind for r in board.risks if r.kind == "overdue"] == []
    # nothing of the template falls before the call any more
    assert inspection.tasks.filter(due_day__lt=1).count() == 0


def test_the_items_not_ready_on_the_day_of_the_call_are_its_risks(db):
    _council_with_two_gaps()
    with time_machine.travel(MORNING_OF_THE_CALL, tick=False):
        inspection = create_inspection(**DETAILS, day_one=CALL)
        board = build_dashboard(inspection)
    assert _readiness_risks(board) == [
        f"Not ready on the day of the call: {AUDITS} (Ofsted lead): last reviewed "
        "15 January 2026, due every 30 days",
        f"Not ready on the day of the call: {CONTACTS} (Coordinator): never reviewed",
    ]
    assert [(r.key, r.ready) for r in inspection.readiness_at_call.all()] == [
        ("self-evaluation", True),
        ("audit-moderation", False),
        ("annex-a-dry-run", True),
        ("library-index", True),
        ("project-team-rota", True),
        ("room-holds", True),
        ("it-kit", True),
        ("contact-lists", False),
    ]


def test_the_dashboard_page_shows_the_gaps_on_day_one(db, staff_client):
    _council_with_two_gaps()
    with time_machine.travel(MORNING_OF_THE_CALL, tick=False):
        inspection = create_inspection(**DETAILS, day_one=CALL)
        html = staff_client.get(reverse("planner:dashboard", args=[inspection.slug])).content
    text = html.decode()
    assert f"Not ready on the day of the call: {CONTACTS} (Coordinator): never reviewed" in text
    assert "Overdue since" not in text


def test_reviewing_an_item_makes_it_ready_and_clears_its_risk(db):
    items = _council_with_two_gaps()
    with time_machine.travel(MORNING_OF_THE_CALL, tick=False):
        inspection = create_inspection(**DETAILS, day_one=CALL)
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=LONDON), tick=False):
        mark_reviewed(items["contact-lists"])
        items["contact-lists"].refresh_from_db()
        assert items["contact-lists"].last_reviewed == D(2026, 3, 3)
        assert items["contact-lists"].is_ready(D(2026, 3, 3))
        board = build_dashboard(inspection)
    assert _readiness_risks(board) == [
        f"Not ready on the day of the call: {AUDITS} (Ofsted lead): last reviewed "
        "15 January 2026, due every 30 days",
    ]
    # the record of the day of the call is unchanged
    assert inspection.readiness_at_call.get(key="contact-lists").ready is False


def test_ready_means_reviewed_within_its_interval(db):
    item = ReadinessItem.objects.create(
        local_authority="Shropshire", key="it-kit", title="IT kit", review_interval_days=30
    )
    assert not item.is_ready(D(2026, 1, 1))  # never reviewed
    item.last_reviewed = D(2026, 1, 1)
    assert [item.is_ready(d) for d in (D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 31))] == [
        False,  # before it was reviewed
        True,
        True,  # the 30th day after
    ]
    assert not item.is_ready(D(2026, 2, 1))


def test_marking_reviewed_uses_today_with_time_frozen(db):
    item = readiness_items("Shropshire")[0]
    with time_machine.travel(dt.datetime(2026, 5, 5, 23, 30, tzinfo=LONDON), tick=False):
        mark_reviewed(item)
    item.refresh_from_db()
    assert item.last_reviewed == D(2026, 5, 5)  # London's date, not UTC's
    assert item.history.count() == 2  # created, then reviewed


def test_the_readiness_page_lets_the_project_team_review_and_edit(db, member_client):
    inspection = create_inspection(**DETAILS, day_one=CALL)
    team = member_client(inspection, Role.PROJECT_TEAM)
    checklist = reverse("council:readiness", args=["shropshire"])
    assert "0 of 8 items ready today" in team.get(checklist).content.decode()
    response = team.post(
        reverse("council:edit", args=["shropshire", "it-kit"]),
        {"owner": "Sam Patel", "review_interval_days": "60", "notes": "Six laptops"},
    )
    assert response["Location"] == checklist
    item = ReadinessItem.objects.get(key="it-kit")
    assert (item.owner, item.review_interval_days, item.notes) == ("Sam Patel", 60, "Six laptops")
    bad = team.post(
        reverse("council:edit", args=["shropshire", "it-kit"]),
        {"owner": "Sam", "review_interval_days": "0"},
    )
    assert bad.status_code == 400
    assert "Review interval (days) must be 1 or more" in bad.content.decode()
    response = team.post(reverse("council:reviewed", args=["shropshire", "it-kit"]))
    assert response["Location"] == checklist
    assert "1 of 8 items ready today" in team.get(checklist).content.decode()
    assert ReadinessItem.objects.get(key="it-kit").last_reviewed is not None


def test_staff_may_read_readiness_but_not_change_it(db, member_client):
    inspection = create_inspection(**DETAILS, day_one=CALL)
    staff = member_client(inspection, Role.STAFF)
    assert staff.get(reverse("council:readiness", args=["shropshire"])).status_code == 200
    response = staff.post(reverse("council:reviewed", args=["shropshire", "it-kit"]))
    assert response.status_code == 403
    assert ReadinessItem.objects.get(key="it-kit").last_reviewed is None


def test_the_service_refuses_an_actor_without_a_project_team_role(db, django_user_model):
    create_inspection(**DETAILS, day_one=CALL)
    stranger = django_user_model.objects.create_user("stranger")
    item = readiness_items("Shropshire")[0]
    with pytest.raises(NotAllowed):
        mark_reviewed(item, actor=stranger)


def test_the_home_page_shows_each_councils_readiness(db, staff_client):
    _council_with_two_gaps()
    create_inspection(**DETAILS, day_one=CALL)
    with time_machine.travel(MORNING_OF_THE_CALL, tick=False):
        text = staff_client.get("/").content.decode()
    assert "Shropshire: 6 of 8 ready" in text
    assert f"<li>{AUDITS}</li>" in text and f"<li>{CONTACTS}</li>" in text
