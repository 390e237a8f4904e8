"""The scenario seeds Shropshire Council's standing readiness checklist
(seeds/scenarios/shropshire-2025/readiness.toml): three items were not ready when Ofsted
called, and they are the dashboard's risks from day 1 (issue 13; report 7.49-7.60)."""

from __future__ import annotations

import datetime as dt

import time_machine

from council.models import ReadinessItem
from inspections.calendar import LONDON
from planner.services.dashboard import build_dashboard

DAY_ONE_MORNING = dt.datetime(2025, 6, 16, 9, 30, tzinfo=LONDON)


def test_the_scenario_seeds_the_eight_items_with_owners_and_review_dates(scenario):
    items = ReadinessItem.objects.filter(local_authority="Shropshire Council")
    assert [(i.key, i.owner, i.last_reviewed, i.review_interval_days) for i in items] == [
        ("self-evaluation", "Ofsted improvement lead", dt.date(2025, 4, 23), 180),
        ("audit-moderation", "Ofsted improvement lead", dt.date(2025, 4, 30), 30),
        ("annex-a-dry-run", "Performance and intelligence manager", dt.date(2025, 5, 22), 90),
        ("library-index", "Ofsted improvement lead", dt.date(2025, 5, 14), 90),
        ("project-team-rota", "Inspection coordinator", dt.date(2025, 5, 29), 90),
        ("room-holds", "Facilities and building manager", dt.date(2025, 2, 24), 90),
        ("it-kit", "IT service desk lead", dt.date(2025, 5, 7), 90),
        ("contact-lists", "Inspection coordinator", None, 90),
    ]
    assert [(r.key, r.ready) for r in scenario.readiness_at_call.all()] == [
        ("self-evaluation", True),
        ("audit-moderation", False),
        ("annex-a-dry-run", True),
        ("library-index", True),
        ("project-team-rota", True),
        ("room-holds", False),
        ("it-kit", True),
        ("contact-lists", False),
    ]


def test_the_items_not_ready_at_the_call_are_day_one_risks_and_nothing_is_overdue(scenario):
    with time_machine.travel(DAY_ONE_MORNING, tick=False):
        board = build_dashboard(scenario)
    assert (board.day, board.overdue_count) == (1, 0)
    assert [r.text for r in board.risks if r.kind == "readiness"] == [
        "Not ready on the day of the call: Last 6 months of audits moderated, with "
        "closing-the-loop evidence (Ofsted improvement lead): last reviewed 30 April 2025, "
        "due every 30 days",
        "Not ready on the day of the call: Provisional room holds at the hubs for the likely "
        "on-site weeks (Facilities and building manager): last reviewed 24 February 2025, "
        "due every 90 days",
        "Not ready on the day of the call: Contact lists: senior leaders, managers, partners, "
        "PAs (Inspection coordinator): never reviewed",
    ]
    assert [r.kind for r in board.risks if r.kind == "overdue"] == []
