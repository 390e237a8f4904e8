"""An inspector over the day's target is relieved by a chain of two moves (issue 15): a
colleague's meeting goes to another day and the colleague takes over one of the inspector's.
Neither move alone lowers the score, so a neighbourhood must free both meetings together.
When nothing can leave the crowded day, a chain of three days does: a colleague's meeting on a
second day goes to a third, and one of the inspector's goes to the colleague on the second."""

import dataclasses
import random

import pytest

from scheduling.solver import Day, check, score
from scheduling.solver.clock import Clock
from scheduling.solver.cpsat import solve_parts
from scheduling.solver.index import Index
from scheduling.solver.lns import _neighbourhood, improve
from tests.test_solver_rules import CAP, D1, D2, at, day_span, hm, meeting, problem

DAY_ONE = (day_span(D1),)
TIMES = (hm(9), hm(10, 10), hm(11, 20), hm(13, 30))


@pytest.fixture
def crowded_day():
    """Khan holds five meetings on day one (target four), one of them from a pool Lee could
    take; Lee holds four, and only Lee's `lee-4` could be on day two."""
    meetings = [meeting(f"khan-{n}", windows=DAY_ONE) for n in range(1, 5)]
    meetings.append(
        meeting(
            "pool",
            windows=DAY_ONE,
            inspectors=(),
            inspector_pool=("khan", "lee"),
            inspectors_needed=1,
        )
    )
    meetings += [meeting(f"lee-{n}", windows=DAY_ONE, inspectors=("lee",)) for n in range(1, 4)]
    meetings.append(meeting("lee-4", inspectors=("lee",)))
    prob = problem(*meetings)
    start = {f"khan-{n}": at(t) for n, t in enumerate(TIMES, 1)}
    start["pool"] = at(hm(14, 40))
    start.update({f"lee-{n}": at(t, "lee") for n, t in enumerate(TIMES, 1)})
    return prob, start


def test_the_start_plan_keeps_every_rule_but_crowds_khan(crowded_day):
    prob, start = crowded_day
    assert check(prob, start) == []
    assert score(prob, start)["crowded"] == 300  # one meeting over the target of four


def test_the_neighbourhood_frees_the_crowded_day_with_the_colleague_meeting_that_can_leave(
    crowded_day,
):
    prob, start = crowded_day
    ix = Index(prob)
    movable = list(prob.meetings)
    cands = {m.id: {D1} for m in movable} | {"lee-4": {D1, D2}}
    window, free = _neighbourhood(ix, start, [D1, D2], movable, cands, random.Random(0), 0, 6)
    assert window == {D1, D2}
    assert sorted(free) == ["khan-1", "khan-2", "khan-3", "khan-4", "lee-4", "pool"]


def test_improve_hands_the_pool_meeting_to_lee_and_moves_lee_4_to_day_two(crowded_day):
    prob, start = crowded_day
    clock = Clock(CAP, 2.0)
    got = improve(prob, start, clock.deadline(), 0, 1, solve_parts, clock=clock)
    assert check(prob, got) == []
    assert score(prob, got)["crowded"] == 0
    assert got["pool"].inspectors == ("lee",)
    assert got["lee-4"].start // 1440 == 1


D3 = 2 * 1440
DAY_TWO = (day_span(D2),)


@pytest.fixture
def crowded_day_three_moves():
    """Khan is in on day one only, with five meetings (target four), one of them a pool meeting
    Lee could take on day two; Lee is away on day one and holds four on day two, of which only
    `lee-4` could be on day three. So nothing on day one can leave it for a day with room: the
    pool meeting goes to Lee on day two only if `lee-4` goes to day three."""
    meetings = [meeting(f"khan-{n}", windows=DAY_ONE) for n in range(1, 5)]
    meetings.append(
        meeting(
            "pool",
            windows=(day_span(D1), day_span(D2)),
            inspectors=(),
            inspector_pool=("khan", "lee"),
            inspectors_needed=1,
        )
    )
    meetings += [meeting(f"lee-{n}", windows=DAY_TWO, inspectors=("lee",)) for n in range(1, 4)]
    meetings.append(meeting("lee-4", windows=(day_span(D2), day_span(D3)), inspectors=("lee",)))
    prob = problem(*meetings)
    prob = dataclasses.replace(
        prob,
        days=(*prob.days, Day(8, D3, D3 + 510, D3 + 1050)),
        inspectors=(
            dataclasses.replace(prob.inspectors[0], available=(day_span(D1),)),
            dataclasses.replace(prob.inspectors[1], available=(day_span(D2), day_span(D3))),
        ),
    )
    start = {f"khan-{n}": at(t) for n, t in enumerate(TIMES, 1)}
    start["pool"] = at(hm(14, 40))
    start.update({f"lee-{n}": at(t + D2, "lee") for n, t in enumerate(TIMES, 1)})
    return prob, start


def test_three_moves_start_plan_keeps_every_rule_but_crowds_khan(crowded_day_three_moves):
    prob, start = crowded_day_three_moves
    assert check(prob, start) == []
    assert score(prob, start)["crowded"] == 300


def test_the_neighbourhood_frees_khan_s_day_and_the_colleague_meeting_that_makes_room(
    crowded_day_three_moves,
):
    prob, start = crowded_day_three_moves
    ix = Index(prob)
    movable = list(prob.meetings)
    cands = {m.id: {D1} for m in movable if m.id.startswith("khan")}
    cands |= {f"lee-{n}": {D2} for n in range(1, 4)} | {"pool": {D1, D2}, "lee-4": {D2, D3}}
    window, free = _neighbourhood(ix, start, [D1, D2, D3], movable, cands, random.Random(0), 0, 6)
    assert window == {D1, D2, D3}
    assert sorted(free) == ["khan-1", "khan-2", "khan-3", "khan-4", "lee-4", "pool"]


def test_improve_moves_lee_4_to_day_three_and_hands_the_pool_meeting_to_lee(
    crowded_day_three_moves,
):
    prob, start = crowded_day_three_moves
    clock = Clock(CAP, 2.0)
    got = improve(prob, start, clock.deadline(), 0, 1, solve_parts, clock=clock)
    assert check(prob, got) == []
    assert score(prob, got)["crowded"] == 0
    assert (got["pool"].inspectors, got["pool"].start // 1440) == (("lee",), 1)
    assert got["lee-4"].start // 1440 == 2
