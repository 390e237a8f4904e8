"""Each hard rule: a small plan built to break it is refused by check() and repaired by solve()."""

import dataclasses
import datetime as dt

import pytest

from scheduling.solver import (
    IN_PERSON,
    TEAMS,
    VISIT,
    Day,
    Inspector,
    Meeting,
    Person,
    Placement,
    Problem,
    Room,
    Rules,
    Span,
    Venue,
    check,
    greedy,
    local,
    solve,
)

# Two days; minutes from local midnight of day 1 (so 600 is 10:00 on day 1).
D1, D2 = 0, 1440
# Solver budgets in these tests are deterministic: units of CP-SAT's deterministic time on one
# worker with a fixed seed, so a plan does not depend on how busy the machine is. The wall
# clock is only a safety cap, far above what any of these solves takes.
CAP = 120.0


def hm(h: int, m: int = 0, day: int = D1) -> int:
    return day + h * 60 + m


def day_span(day: int, lo: int = 510, hi: int = 1050) -> Span:
    return Span(day + lo, day + hi)


def problem(*meetings: Meeting, rules: Rules | None = None) -> Problem:
    both = (day_span(D1), day_span(D2))
    return Problem(
        epoch=dt.datetime(2025, 6, 23, tzinfo=dt.UTC),
        days=(Day(6, D1, D1 + 510, D1 + 1050), Day(7, D2, D2 + 510, D2 + 1050)),
        meetings=meetings,
        inspectors=(
            Inspector("khan", "A. Khan", "team", both),
            Inspector("lee", "B. Lee", "team", both),
        ),
        people=(Person("p1", "Practitioner One", both), Person("p2", "Practitioner Two", both)),
        rooms=(
            Room("ra1", "Ludlow Room A", "ludlow", 6),
            Room("ra2", "Ludlow Hall", "ludlow", 14, frozenset({"screen"})),
            Room("rb1", "Shrewsbury Room 1", "shrewsbury", 8, available=(day_span(D1),)),
        ),
        venues=(Venue("ludlow", "Ludlow"), Venue("shrewsbury", "Shrewsbury")),
        travel={("ludlow", "shrewsbury"): 50},
        rules=rules or Rules(),
    )


def meeting(mid: str, **kw) -> Meeting:
    base = dict(
        id=mid,
        title=f"Meeting {mid}",
        kind="case_discussion",
        duration=60,
        mode=TEAMS,
        windows=(day_span(D1), day_span(D2)),
        inspectors=("khan",),
    )
    base.update(kw)
    return Meeting(**base)


def at(start: int, *inspectors: str, room: str | None = None) -> Placement:
    return Placement(start, inspectors or ("khan",), room)


# name -> (problem, a plan that breaks the rule)
CASES = {
    "inspector_clash": (
        problem(meeting("a"), meeting("b")),
        {"a": at(hm(10)), "b": at(hm(10, 30))},
    ),
    "person_clash": (
        problem(
            meeting("a", attendees=("p1",)),
            meeting("b", inspectors=("lee",), attendees=("p1",)),
        ),
        {"a": at(hm(10)), "b": at(hm(10), "lee")},
    ),
    "room_clash": (
        problem(
            meeting("a", mode=IN_PERSON, venue="ludlow", size=3),
            meeting("b", mode=IN_PERSON, venue="ludlow", size=3, inspectors=("lee",)),
        ),
        {"a": at(hm(10), room="ra1"), "b": at(hm(10), "lee", room="ra1")},
    ),
    "room_capacity": (
        problem(meeting("a", mode=IN_PERSON, venue="ludlow", size=10)),
        {"a": at(hm(10), room="ra1")},
    ),
    "room_equipment": (
        problem(meeting("a", mode=IN_PERSON, size=3, equipment=frozenset({"screen"}))),
        {"a": at(hm(10), room="rb1")},
    ),
    "room_unavailable": (
        problem(meeting("a", mode=IN_PERSON, venue="shrewsbury", size=3)),
        {"a": at(hm(10, day=D2), room="rb1")},
    ),
    "room_missing": (
        problem(meeting("a", mode=IN_PERSON, venue="ludlow", size=3)),
        {"a": at(hm(10))},
    ),
    "window": (
        problem(meeting("a", windows=(Span(hm(9), hm(12)),))),
        {"a": at(hm(11, 30))},
    ),
    "fixed_start": (
        problem(meeting("a", fixed_start=hm(9))),
        {"a": at(hm(10))},
    ),
    "inspectors": (
        problem(meeting("a", inspectors=(), inspector_pool=("khan", "lee"), inspectors_needed=1)),
        {"a": at(hm(10), "khan", "lee")},
    ),
    "inspector_unavailable": (
        problem(meeting("a", windows=(day_span(D1, 480, 1200),))),
        {"a": at(hm(17))},
    ),
    "person_unavailable": (
        problem(meeting("a", attendees=("p2",), windows=(day_span(D1, 420, 1050),))),
        {"a": at(hm(7, 30))},
    ),
    "travel": (
        problem(
            meeting("a", mode=VISIT, venue="ludlow"),
            meeting("b", mode=VISIT, venue="shrewsbury"),
        ),
        {"a": at(hm(10)), "b": at(hm(11, 30))},
    ),
    "teams_while_travelling": (
        problem(
            meeting("a", mode=VISIT, venue="ludlow"),
            meeting("t", duration=30),
            meeting("b", mode=VISIT, venue="shrewsbury"),
        ),
        {"a": at(hm(9)), "t": at(hm(10, 15)), "b": at(hm(11))},
    ),
    "min_gap": (
        problem(
            meeting("a", mode=VISIT, venue="ludlow"),
            meeting("b", mode=VISIT, venue="ludlow"),
        ),
        {"a": at(hm(10)), "b": at(hm(11))},
    ),
    "lunch": (
        problem(meeting("a", duration=120), meeting("b", duration=60)),
        {"a": at(hm(11, 30)), "b": at(hm(13, 30))},
    ),
    "case_limit": (
        problem(
            *(meeting(f"c{k}", counts_as_case=True, duration=45) for k in range(3)),
            rules=Rules(max_case_meetings_per_day=2),
        ),
        {"c0": at(hm(9)), "c1": at(hm(10)), "c2": at(hm(11))},
    ),
}
RULE_OF = {"teams_while_travelling": "travel"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_refuses_a_plan_that_breaks_the_rule(name):
    prob, bad = CASES[name]
    rules = {v.rule for v in check(prob, bad)}
    assert RULE_OF.get(name, name) in rules


@pytest.mark.parametrize("name", sorted(CASES))
def test_solve_repairs_a_plan_that_breaks_the_rule(name):
    prob, bad = CASES[name]
    sol = solve(prob, time_limit=CAP, deterministic_time=0.5, hint=bad)
    assert sol.unplaced == {}
    assert check(prob, sol.placements) == []
    assert sol.status in ("optimal", "feasible")


@pytest.mark.parametrize("name", sorted(CASES))
def test_greedy_keeps_every_rule(name):
    prob, _ = CASES[name]
    sol = greedy(prob)
    assert sol.unplaced == {}
    assert check(prob, sol.placements) == []


def test_travel_message_names_the_inspector_venues_and_clock_times():
    prob, bad = CASES["travel"]
    [v] = [v for v in check(prob, bad) if v.rule == "travel"]
    assert "Inspector A. Khan is at Ludlow until 11:00; travel to Shrewsbury takes 50 minutes" in (
        v.message
    )
    assert set(v.meetings) == {"a", "b"}


def test_teams_call_inside_the_travel_gap_is_refused_but_fine_when_the_gap_allows_both():
    prob, bad = CASES["teams_while_travelling"]
    assert any("Teams meeting" in v.message for v in check(prob, bad))
    roomy = dict(bad, b=at(hm(11, 45)))  # 10:00-11:45 = 105 min: 30 Teams + 50 travel fit
    assert check(prob, roomy) == []


def test_local_prints_london_clock_time_from_the_days_midnight():
    prob = dataclasses.replace(
        problem(), days=(Day(1, -60, 450, 990),)
    )  # BST: local midnight is 23:00 UTC the day before
    assert local(prob, 540) == "10:00"


def test_a_valid_plan_has_no_violations():
    prob = problem(
        meeting("a", mode=IN_PERSON, venue="ludlow", size=3),
        meeting("b", mode=VISIT, venue="shrewsbury"),
        meeting("c", inspectors=("lee",), attendees=("p1",)),
    )
    plan = {"a": at(hm(9), room="ra1"), "b": at(hm(11)), "c": at(hm(9), "lee")}
    assert check(prob, plan) == []
