"""A plan on screen at once: starting a plan shows the instant first plan's summary (placed,
unplaced and why, what moved) before any worker has taken the run; the worker then refines it,
keeping the penalty of each better plan it finds, and the page ends on the refined plan.

The runs here are queued and left (on_commit callbacks never run inside a test's
transaction), so what the page shows first is what the request stored, not the worker's work;
the test then runs the worker's service itself, on a deterministic budget.
tests/test_worker_real.py runs a plan through a real qcluster worker."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from inspections.calendar import local_date
from inspections.models import Role
from scheduling import solver
from scheduling.editing import mark_inspector_absent
from scheduling.models import Meeting, MeetingStatus, PlanRun, PlanRunStatus
from scheduling.planning import build_problem
from scheduling.releases import publish
from scheduling.runs import execute_plan_run

# CP-SAT's own work budget (as tests/conftest.py's DETERMINISTIC_PLAN): the same plan every run
BUDGET = 0.05


def _start(client, inspection, *, fresh: bool):
    response = client.post(
        reverse("scheduling:plan-start", args=[inspection.slug]),
        {"time_limit": "10", "seed": "0"} | ({"fresh": "on"} if fresh else {}),
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode(), PlanRun.objects.filter(inspection=inspection).get()


def _poll(client, inspection, run):
    response = client.get(reverse("scheduling:plan-run", args=[inspection.slug, run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _penalty_line(first: float, now: float) -> str:
    return f"Penalty {first:,.0f} → {now:,.0f}, {round(100 * (first - now) / first)}% lower"


def _unplaced_lines(inspection, solution) -> list[str]:
    titles = dict(Meeting.objects.for_inspection(inspection).values_list("pk", "title"))
    return [
        f"<li>{escape(titles[int(mid)])}: {escape('; '.join(reasons))}</li>"
        for mid, reasons in solution.unplaced.items()
    ]


@pytest.fixture
def lost_inspector(scenario):
    """An inspector some meetings need is away the whole inspection: those can't be placed."""
    meeting = (
        Meeting.objects.for_inspection(scenario).filter(required_inspectors__isnull=False).first()
    )
    inspector = meeting.required_inspectors.first()
    for day in range(1, scenario.calendar.last_day + 1):
        mark_inspector_absent(scenario, inspector, day)
    return inspector


def test_starting_a_plan_shows_the_first_plan_before_any_worker_takes_it(
    scenario, lost_inspector, member_client
):
    client = member_client(scenario, Role.PROJECT_TEAM)
    oracle = solver.greedy(build_problem(scenario, draft=False))
    active = Meeting.objects.for_inspection(scenario).exclude(status=MeetingStatus.CANCELLED)
    total = active.count()
    placed_before = {
        str(pk) for pk in active.filter(start__isnull=False).values_list("pk", flat=True)
    }
    assert oracle.unplaced  # the lost inspector's meetings

    page, run = _start(client, scenario, fresh=True)

    assert run.status == PlanRunStatus.QUEUED  # no worker has it: the request did this
    assert "First plan, ready at once" in page
    newly = len(set(oracle.placements) - placed_before)
    assert (
        f"Placed {len(oracle.placements)} of {total} meetings; 0 moved, {newly} newly placed."
        in page
    )
    for line in _unplaced_lines(scenario, oracle):
        assert line in page
    assert run.first_summary["penalty"] == oracle.objective
    assert run.penalty_history == [[0.0, oracle.objective]]
    assert 'id="plan-run-progress"' in page
    assert Meeting.objects.for_inspection(scenario).placed().count() == len(placed_before)


def test_the_penalty_falls_from_the_first_plan_to_the_refined_one(scenario, member_client):
    client = member_client(scenario, Role.PROJECT_TEAM)
    greedy = solver.greedy(build_problem(scenario, draft=False))
    _, run = _start(client, scenario, fresh=True)

    execute_plan_run(run.pk, deterministic_time=BUDGET)

    run.refresh_from_db()
    assert run.status == PlanRunStatus.DONE
    penalties = [p for _, p in run.penalty_history]
    seconds = [s for s, _ in run.penalty_history]
    assert penalties == sorted(penalties, reverse=True)  # each point a better plan
    assert len(set(penalties)) == len(penalties)
    assert seconds == sorted(seconds)
    final = solver.score(build_problem(scenario), _draft_placements(scenario))["total"]
    assert (penalties[0], penalties[-1]) == (greedy.objective, final)
    assert final < greedy.objective
    assert run.summary["penalty"] == final

    page = _poll(client, scenario, run)
    assert _penalty_line(greedy.objective, final) in page
    assert "Refined plan" in page
    placed = Meeting.objects.for_inspection(scenario).placed().count()
    assert (
        f"Placed {placed} of {run.summary['total']} meetings; 0 moved, {placed} newly placed."
        in (page)
    )
    assert 'hx-trigger="every 2s"' not in page  # finished: the page stops polling


def test_a_re_plan_after_an_absence_shows_at_once_what_has_to_move(published, member_client):
    client = member_client(published, Role.PROJECT_TEAM)
    # the inspector with the busiest on-site day falls ill that day (confirmed meetings stay)
    busiest: dict[tuple[int, int], set[int]] = {}
    movable = (
        Meeting.objects.for_inspection(published).placed().exclude(status=MeetingStatus.CONFIRMED)
    )
    for m in movable.with_people():
        day = published.calendar.day_for_date(local_date(m.start))
        for i in m.assigned_inspectors.all():
            busiest.setdefault((i.pk, day), set()).add(m.pk)
    (inspector_pk, day), hit = max(busiest.items(), key=lambda kv: (len(kv[1]), kv[0]))
    mark_inspector_absent(published, published.inspectors.get(pk=inspector_pk), day)

    page, run = _start(client, published, fresh=False)

    assert run.status == PlanRunStatus.QUEUED
    first = run.first_summary
    shown = {m["meeting_id"] for m in first["moved"]} | {u["meeting_id"] for u in first["unplaced"]}
    assert shown == hit  # exactly the meetings the absence broke, nothing else
    for m in first["moved"]:
        assert escape(f"{m['title']}: {m['from']} → {m['to']}") in page
    assert f"{len(first['moved'])} moved, 0 newly placed" in page

    execute_plan_run(run.pk, deterministic_time=BUDGET)

    run.refresh_from_db()
    assert run.status == PlanRunStatus.DONE
    final = solver.score(build_problem(published), _draft_placements(published))["total"]
    assert run.penalty_history[-1][1] == final == run.summary["penalty"]
    page = _poll(client, published, run)
    assert "Refined plan" in page
    moved = {m["meeting_id"] for m in run.summary["moved"]}
    assert f"{len(moved)} moved, 0 newly placed" in page
    assert hit <= moved | {u["meeting_id"] for u in run.summary["unplaced"]}
    publish(published)  # the refined draft keeps every hard rule


def _draft_placements(inspection) -> dict[str, solver.Placement]:
    """The draft as the solver reads it, from plain queries (rooms as the builder names them)."""
    out = {}
    epoch = build_problem(inspection).epoch
    for m in Meeting.objects.for_inspection(inspection).placed().with_people():
        venue = m.placed_venue or (m.room.venue if m.room else None) or m.venue
        out[str(m.pk)] = solver.Placement(
            start=int((m.start - epoch).total_seconds() // 60),
            inspectors=tuple(sorted(i.ref for i in m.assigned_inspectors.all())),
            room=f"room-{m.room_id}" if m.room_id and m.mode == "in_person" else None,
            venue=venue.ref if venue and m.mode != "teams" else None,
        )
    return out
