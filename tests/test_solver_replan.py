"""replan(): after a change, only the meetings that had to move move."""

import dataclasses

from benchmarks.instances import shropshire
from scheduling.solver import Meeting, Placement, Span, check, replan, solve
from tests.test_solver_rules import CAP, D1, D2, day_span, hm, meeting, problem


def pooled(mid: str, **kw) -> Meeting:
    return meeting(mid, inspectors=(), inspector_pool=("khan", "lee"), inspectors_needed=1, **kw)


def sick(prob, iid: str, day: int):
    """`iid` is off sick for the whole day starting at minute `day`."""
    lo, hi = day, day + 1440
    out = []
    for i in prob.inspectors:
        if i.id == iid:
            spans = tuple(s for s in i.available if s.end <= lo or s.start >= hi)
            i = dataclasses.replace(i, available=spans)
        out.append(i)
    return dataclasses.replace(prob, inspectors=tuple(out))


def plan_of_two_days():
    prob = problem(
        pooled("a", preferred_start=hm(9)),
        pooled("b", preferred_start=hm(11)),
        pooled("c", preferred_start=hm(9, day=D2)),
        pooled("d", preferred_start=hm(11, day=D2)),
        meeting("k", inspectors=("lee",), preferred_start=hm(15)),
    )
    previous = {
        "a": Placement(hm(9), ("khan",)),
        "b": Placement(hm(11), ("khan",)),
        "c": Placement(hm(9, day=D2), ("khan",)),
        "d": Placement(hm(11, day=D2), ("khan",)),
        "k": Placement(hm(15), ("lee",)),
    }
    assert check(prob, previous) == []
    return prob, previous


def test_after_an_inspectors_sick_day_only_that_days_meetings_move():
    prob, previous = plan_of_two_days()
    after = sick(prob, "khan", D1)
    sol = replan(after, previous, time_limit=CAP, deterministic_time=0.5)
    assert sorted(sol.moved) == ["a", "b"]
    assert check(after, sol.placements) == []
    assert sol.unplaced == {}
    for mid in ("c", "d", "k"):
        assert sol.placements[mid] == previous[mid]
    assert all("khan" not in sol.placements[m].inspectors for m in ("a", "b"))


def test_replan_with_nothing_changed_moves_nothing():
    prob, previous = plan_of_two_days()
    sol = replan(prob, previous, time_limit=CAP, deterministic_time=0.5)
    assert sol.moved == [] and sol.placements == previous


def test_added_meeting_is_placed_around_the_plan_and_cancelled_ones_drop_out():
    prob, previous = plan_of_two_days()
    added = pooled("new", attendees=("p1",))
    changed = dataclasses.replace(
        prob, meetings=tuple(m for m in prob.meetings if m.id != "d") + (added,)
    )
    sol = replan(changed, previous, time_limit=CAP, deterministic_time=0.5)
    assert "new" in sol.placements and "d" not in sol.placements
    assert sol.moved == []
    assert check(changed, sol.placements) == []


def test_locked_meeting_stays_even_when_others_must_move_around_it():
    prob, previous = plan_of_two_days()
    locked = Placement(hm(9), ("lee",))
    meetings = tuple(
        dataclasses.replace(m, locked=locked) if m.id == "k" else m for m in prob.meetings
    )
    prob = dataclasses.replace(prob, meetings=meetings)
    previous = dict(previous, k=locked)
    after = sick(prob, "khan", D1)
    sol = replan(after, previous, time_limit=CAP, deterministic_time=0.5)
    assert sol.placements["k"] == locked
    assert check(after, sol.placements) == []
    assert sol.unplaced == {}
    assert "k" not in sol.moved


def test_lost_room_moves_only_its_meetings():
    prob = problem(
        meeting("r1", mode="in_person", venue="shrewsbury", size=4),
        meeting("r2", mode="in_person", venue="ludlow", size=4, inspectors=("lee",)),
    )
    previous = {
        "r1": Placement(hm(10), ("khan",), "rb1", "shrewsbury"),
        "r2": Placement(hm(10), ("lee",), "ra1", "ludlow"),
    }
    assert check(prob, previous) == []
    # Ludlow Room A is lost: r2 moves to the other Ludlow room, r1 stays.
    rooms = tuple(r for r in prob.rooms if r.id != "ra1")
    after = dataclasses.replace(prob, rooms=rooms)
    sol = replan(after, previous, time_limit=CAP, deterministic_time=0.5)
    assert sol.moved == ["r2"]
    assert sol.placements["r1"] == previous["r1"]
    assert sol.placements["r2"].room == "ra2" and sol.placements["r2"].start == hm(10)


def test_sick_day_on_the_shropshire_shape_moves_few_and_keeps_every_rule():
    prob = shropshire()
    plan = solve(prob, time_limit=CAP, deterministic_time=0.2).placements
    day = next(d for d in prob.days if d.number == 8)
    touched = {
        mid
        for mid, p in plan.items()
        if "i2" in p.inspectors and day.midnight <= p.start < day.midnight + 1440
    }
    after = sick(prob, "i2", day.midnight)
    sol = replan(after, plan, time_limit=CAP, deterministic_time=0.5)
    assert sol.unplaced == {}
    assert check(after, sol.placements) == []
    assert touched <= set(sol.moved)
    assert len(sol.moved) <= len(touched) + 2
    unmoved = set(plan) - set(sol.moved)
    assert all(sol.placements[m] == plan[m] for m in unmoved)
    assert Span(0, 1) is not None and day_span(D1) is not None  # helpers importable
