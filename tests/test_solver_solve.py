"""greedy() and solve(): complete plans that keep every rule, explanations, locks, seeds."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.instances import scale, shropshire, tighten
from scheduling.solver import (
    IN_PERSON,
    Placement,
    Span,
    check,
    explain,
    greedy,
    score,
    solve,
)
from tests.test_solver_rules import CAP, D1, D2, day_span, hm, meeting, problem

ROOT = Path(__file__).resolve().parent.parent


def busy_problem():
    """Eight meetings for two inspectors over two days, with rooms, travel and preferences."""
    return problem(
        meeting("a", mode=IN_PERSON, venue="ludlow", size=4, inspectors=(),
                inspector_pool=("khan", "lee"), inspectors_needed=1, preferred_start=hm(14)),
        meeting("b", mode=IN_PERSON, venue="shrewsbury", size=4, inspectors=(),
                inspector_pool=("khan", "lee"), inspectors_needed=1, attendees=("p1",)),
        meeting("c", attendees=("p1",), counts_as_case=True, before=("d",)),
        meeting("d", inspectors=(), attendees=("p1", "p2"), duration=30),
        meeting("e", inspectors=("lee",), attendees=("p2",), preferred_start=hm(10, day=D2)),
        meeting("f", mode=IN_PERSON, size=10, inspectors=("khan", "lee"),
                equipment=frozenset({"screen"})),
        meeting("g", inspectors=(), inspector_pool=("khan", "lee"), inspectors_needed=1,
                counts_as_case=True),
        meeting("h", inspectors=(), inspector_pool=("khan", "lee"), inspectors_needed=1,
                counts_as_case=True, fixed_start=hm(16)),
    )  # fmt: skip


def test_greedy_and_solve_place_everything_without_violations():
    prob = busy_problem()
    g = greedy(prob)
    s = solve(prob, time_limit=CAP, deterministic_time=0.5)
    for sol in (g, s):
        assert sol.unplaced == {}
        assert check(prob, sol.placements) == []
    assert g.status == "greedy"
    assert s.status in ("optimal", "feasible")
    assert s.placements["h"].start == hm(16)
    assert s.soft["total"] <= g.soft["total"]
    assert s.soft == score(prob, s.placements)
    assert s.bound is not None and s.objective is not None


def test_solve_honours_soft_goals_when_it_can():
    prob = busy_problem()
    s = solve(prob, time_limit=CAP, deterministic_time=0.5)
    assert s.placements["a"].start == hm(14)  # preferred start
    assert s.placements["e"].start == hm(10, day=D2)
    assert s.placements["c"].start + 60 <= s.placements["d"].start  # case discussion first
    assert s.soft["before"] == 0 and s.soft["preferred"] == 0


def test_same_seed_same_plan():
    prob = busy_problem()
    a = solve(prob, time_limit=CAP, deterministic_time=0.5, seed=7)
    b = solve(prob, time_limit=CAP, deterministic_time=0.5, seed=7)
    assert a.placements == b.placements


def _plan_in_a_new_process(hash_seed: str) -> list:
    """The Shropshire shape solved (neighbourhood by neighbourhood, two workers asked for) on a
    deterministic budget in a fresh interpreter, whose string hashing (set order) differs from
    this one's."""
    code = (
        "import json; from benchmarks.instances import shropshire; "
        "from scheduling.solver import solve; "
        "s = solve(shropshire(), time_limit=120, workers=2, seed=3, deterministic_time=0.2); "
        "print(json.dumps(sorted([k, p.start, list(p.inspectors), p.room] "
        "for k, p in s.placements.items())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_a_deterministic_budget_gives_the_same_plan_every_time():
    first = _plan_in_a_new_process("1")
    assert len(first) == len(shropshire().meetings)
    assert _plan_in_a_new_process("2") == first
    here = solve(shropshire(), time_limit=CAP, workers=2, seed=3, deterministic_time=0.2)
    assert sorted([k, p.start, list(p.inspectors), p.room] for k, p in here.placements.items()) == (
        first
    )


def test_progress_hears_each_better_plan_from_the_first_down_to_the_one_returned():
    prob = shropshire()
    heard: list[tuple[float, float]] = []
    s = solve(
        prob,
        time_limit=CAP,
        seed=3,
        deterministic_time=0.2,
        on_progress=lambda seconds, penalty: heard.append((seconds, penalty)),
    )
    penalties = [p for _, p in heard]
    assert penalties[0] == greedy(prob).soft["total"]  # the plan it starts from, at once
    assert penalties[-1] == s.soft["total"]
    assert len(penalties) >= 3  # the search found better plans on the way
    assert all(a > b for a, b in zip(penalties, penalties[1:], strict=False))
    assert [t for t, _ in heard] == sorted(t for t, _ in heard)


def test_locked_meetings_never_move():
    locked = Placement(hm(11), ("khan",))
    prob = problem(
        meeting("x", locked=locked, preferred_start=hm(9)),
        meeting("y", preferred_start=hm(11)),
    )
    for sol in (greedy(prob), solve(prob, time_limit=CAP, deterministic_time=0.5)):
        assert sol.placements["x"] == locked
        assert check(prob, sol.placements) == []
    # even a hint that moves it does not move it
    moved_hint = {"x": Placement(hm(9), ("khan",)), "y": Placement(hm(11), ("khan",))}
    assert (
        solve(prob, time_limit=CAP, deterministic_time=0.5, hint=moved_hint).placements["x"]
        == locked
    )


def test_meeting_with_no_room_big_enough_is_left_unplaced_and_explained():
    prob = problem(
        meeting("ok"),
        meeting("big", mode=IN_PERSON, venue="shrewsbury", size=14, title="Foster carers"),
    )
    for sol in (greedy(prob), solve(prob, time_limit=CAP, deterministic_time=0.5)):
        assert set(sol.placements) == {"ok"}
        assert any("No room holds 14 people at Shrewsbury" in r for r in sol.unplaced["big"])


def test_no_common_time_is_explained_with_the_names():
    away = dataclasses.replace(busy_problem().people[0], available=(day_span(D2),))
    base = problem(meeting("m", attendees=("p1",), windows=(day_span(D1),)))
    prob = dataclasses.replace(base, people=(away, *base.people[1:]))
    sol = solve(prob, time_limit=CAP, deterministic_time=0.5)
    assert sol.placements == {}
    assert any("Practitioner One" in r for r in sol.unplaced["m"])


def test_explain_names_what_is_busy_when_every_slot_is_taken():
    prob = problem(
        meeting("long", duration=510, windows=(day_span(D1, 510, 1020),), attendees=("p1",)),
        meeting("short", inspectors=("lee",), attendees=("p1",), windows=(day_span(D1),)),
    )
    plan = {"long": Placement(hm(8, 30), ("khan",))}
    reasons = explain(prob, "short", plan)
    assert any("Practitioner One is already in another meeting" in r for r in reasons)


def test_unknown_availability_window_too_short_is_explained():
    prob = problem(meeting("m", windows=(Span(hm(9), hm(9, 30)),)))
    assert "none of its allowed windows is that long" in explain(prob, "m", {})[0]


def test_synthetic_shropshire_greedy_and_a_short_solve_keep_every_rule():
    prob = shropshire()
    assert 100 <= len(prob.meetings) <= 115
    g = greedy(prob)
    assert g.unplaced == {}  # its speed is the benchmark's business
    assert check(prob, g.placements) == []
    s = solve(prob, time_limit=CAP, deterministic_time=0.2, hint=g.placements)
    assert s.unplaced == {}
    assert check(prob, s.placements) == []
    assert s.soft["total"] <= g.soft["total"]


def test_scale_and_tighten_copy_the_right_things():
    prob = busy_problem()
    x2 = scale(prob, 2)
    assert len(x2.meetings) == 16 and len(x2.inspectors) == 4 and len(x2.rooms) == 6
    assert {m.id for m in x2.meetings} >= {"a", "a@2"}
    copy = next(m for m in x2.meetings if m.id == "a@2")
    assert copy.inspector_pool == ("khan@2", "lee@2")
    tight = tighten(prob)
    assert len(tight.inspectors) == 2 and len(tight.rooms) == 3
    assert len(tight.meetings) == 15  # the fixed-time meeting is not copied
    g = greedy(tight)
    assert check(tight, g.placements) == []
    assert all(g.unplaced[mid] for mid in g.unplaced)  # every unplaced one has reasons
