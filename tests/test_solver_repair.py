"""A meeting the small neighbourhoods cannot place gets a wide one (issue 15): on the tight
benchmark the last KIT copy could go in only once a court visit moved to another day, a chain
no neighbourhood of a few meetings on two days held. And two neighbourhoods run side by side:
one whose days the other changed meanwhile is dropped, never merged into the plan."""

import dataclasses

import pytest

from scheduling.solver import Day, Span, check, score
from scheduling.solver.check import W_UNPLACED
from scheduling.solver.clock import Clock
from scheduling.solver.cpsat import solve_parts
from scheduling.solver.index import Index
from scheduling.solver.lns import _Job, _repair, _Search, _sub_problem, improve
from tests.test_solver_rules import CAP, D1, D2, at, day_span, hm, meeting, problem


def at_three(day: int) -> Span:
    return Span(hm(15, day=day), hm(16, day=day))


D3, D4, D5 = (n * 1440 for n in (2, 3, 4))


@pytest.fixture
def blocked():
    """`late` can only be at 15:00 on day one, where Khan's court visit sits; the visit could
    be at 15:00 on day three instead, where Khan's `review` sits, which could be at 15:00 on
    day five. A small neighbourhood holds two days, or three in a row: never days 1, 3 and 5.
    Lee's one meeting could be on any day."""
    week = tuple(day_span(d) for d in (D1, D2, D3, D4, D5))
    prob = problem(
        meeting("late", windows=(at_three(D1),)),
        meeting("court", windows=(at_three(D1), at_three(D3))),
        meeting("review", windows=(at_three(D3), at_three(D5))),
        meeting("lee", inspectors=("lee",), windows=week),  # any day: all five are in play
    )
    prob = dataclasses.replace(
        prob,
        days=tuple(Day(6 + n, d, d + 510, d + 1050) for n, d in enumerate((D1, D2, D3, D4, D5))),
        inspectors=tuple(dataclasses.replace(i, available=week) for i in prob.inspectors),
    )
    start = {"court": at(hm(15)), "review": at(hm(15, day=D3)), "lee": at(hm(9, day=D2), "lee")}
    return prob, start


def test_the_start_plan_keeps_every_rule_but_leaves_late_unplaced(blocked):
    prob, start = blocked
    assert check(prob, start) == []
    assert score(prob, start)["unplaced"] == W_UNPLACED


def test_the_wide_neighbourhood_frees_late_with_every_meeting_of_its_inspector_its_day_first(
    blocked,
):
    prob, start = blocked
    ix = Index(prob)
    late = ix.meetings["late"]
    free = _repair(ix, start, list(prob.meetings), late, {D1}, 60)
    assert free == ["late", "court", "review"]
    assert _repair(ix, start, list(prob.meetings), late, {D1}, 2) == ["late", "court"]


def test_improve_moves_the_visit_and_the_review_on_two_days_and_places_late(blocked):
    prob, start = blocked
    clock = Clock(CAP, 2.0)
    got = improve(prob, start, clock.deadline(), 0, 1, solve_parts, clock=clock)
    assert check(prob, got) == []
    assert (got["late"].start, got["court"].start, got["review"].start) == (
        hm(15),
        hm(15, day=D3),
        hm(15, day=D5),
    )


@pytest.fixture
def side_by_side():
    """Khan's `a` sits at 09:00 and would rather start at 10:00; `b` is at 14:00 and `new` is
    unplaced. A search and the neighbourhood of day one, `a` and `new` free, `b` held."""
    prob = problem(
        meeting("a", preferred_start=hm(10)),
        meeting("b"),
        meeting("new", inspectors=("lee",)),
    )
    start = {"a": at(hm(9)), "b": at(hm(14))}
    clock = Clock(CAP, 2.0)
    search = _Search(prob, start, 0, solve_parts, 0.2, clock, 6)
    sub = _sub_problem(prob, search.ix, search.current, {D1}, ["a", "new"], search.linked)
    kwargs = dict(time_limit=0.5, seed=0, workers=1, clock=clock, whole=True)
    job = _Job({D1}, ["a", "new"], sub, {"a": start["a"], "b": start["b"]}, kwargs, solve_parts)
    return search, job


def test_a_finished_neighbourhood_that_is_still_current_is_taken(side_by_side):
    search, job = side_by_side
    got = job.run()
    assert search.settle(job, got) is True
    assert (search.current["a"].start, "new" in search.current) == (hm(10), True)


def test_a_neighbourhood_whose_held_meeting_moved_meanwhile_is_dropped(side_by_side):
    search, job = side_by_side
    got = job.run()
    assert got["a"].start == hm(10)
    # meanwhile the neighbourhood beside it put `b` where this one puts `a`
    search.current["b"] = at(hm(10))
    before = dict(search.current)
    assert search.settle(job, got) is False
    assert search.current == before


def test_a_neighbourhood_whose_meeting_to_place_was_placed_meanwhile_is_dropped(side_by_side):
    search, job = side_by_side
    got = job.run()
    search.current["new"] = at(hm(11, day=D2), "lee")
    before = dict(search.current)
    assert search.settle(job, got) is False
    assert search.current == before
