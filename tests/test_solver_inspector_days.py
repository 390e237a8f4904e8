"""Realistic inspectors' days: reading and write-up buffers, the end-of-day team time, each
inspector's own case cap and lunch waiver, travel as a goal, and the base room kept free."""

import datetime as dt

from scheduling import solver as sv
from scheduling.models import Meeting, MeetingType, Room
from scheduling.planning import plan
from scheduling.problem_builder import build, current_placements
from scheduling.solver import (
    IN_PERSON,
    TEAMS,
    VISIT,
    Day,
    Inspector,
    Person,
    Placement,
    Problem,
    Span,
    Venue,
    check,
    greedy,
    score,
    solve,
)

D1, D2 = 0, 1440  # day 6 (on site for Khan) and day 7, minutes from local midnight of day 6
CAP = 120.0  # wall-clock safety cap only: budgets below are deterministic


def hm(h: int, m: int = 0, day: int = D1) -> int:
    return day + h * 60 + m


def both_days() -> tuple[Span, Span]:
    return (Span(hm(8, 30), hm(17, 30)), Span(hm(8, 30, D2), hm(17, 30, D2)))


def problem(*meetings: sv.Meeting, khan: dict | None = None, rooms=None) -> Problem:
    return Problem(
        epoch=dt.datetime(2025, 6, 23, tzinfo=dt.UTC),
        days=(Day(6, D1, hm(8, 30), hm(17, 30)), Day(7, D2, hm(8, 30, D2), hm(17, 30, D2))),
        meetings=meetings,
        inspectors=(
            Inspector("khan", "A. Khan", "team", both_days(), **(khan or {})),
            Inspector("lee", "B. Lee", "team", both_days()),
        ),
        people=(Person("p1", "Practitioner One", both_days()),),
        rooms=rooms
        or (
            sv.Room("base", "Inspectors' base room", "ludlow", 8, inspectors_base=True),
            sv.Room("ra", "Room A", "ludlow", 8),
        ),
        venues=(Venue("ludlow", "Ludlow"), Venue("shrewsbury", "Shrewsbury")),
        travel={("ludlow", "shrewsbury"): 50},
    )


def meeting(mid: str, **kw) -> sv.Meeting:
    base = dict(
        id=mid,
        title=f"Meeting {mid}",
        kind="lado",
        duration=60,
        mode=TEAMS,
        windows=(Span(hm(8, 30), hm(17, 30)),),
        inspectors=("khan",),
    )
    base.update(kw)
    return sv.Meeting(**base)


def case(mid: str = "case", **kw) -> sv.Meeting:
    kw.setdefault("buffer_before", 30)
    kw.setdefault("buffer_after", 15)
    return meeting(mid, kind="case_discussion", counts_as_case=True, **kw)


def rules_of(problem_: Problem, placements: dict[str, Placement]) -> set[str]:
    return {v.rule for v in check(problem_, placements)}


def test_another_meeting_in_the_reading_time_breaks_the_rule_but_not_for_attendees():
    prob = problem(
        case(attendees=("p1",)),
        meeting("call"),
        meeting("other", inspectors=("lee",), attendees=("p1",)),
    )
    # Khan's call ends at 10:45, inside the reading time (10:30-11:00) before the 11:00 case.
    khan_busy = {"case": Placement(hm(11), ("khan",)), "call": Placement(hm(9, 45), ("khan",))}
    assert rules_of(prob, khan_busy) == {"buffer"}
    # The worker may be in another meeting up to 11:00: buffers hold inspectors only.
    worker_busy = {"case": Placement(hm(11), ("khan",)), "other": Placement(hm(10), ("lee",))}
    assert check(prob, worker_busy) == []


def test_the_write_up_time_after_is_kept_free_too():
    prob = problem(case(), meeting("call"))
    assert rules_of(
        prob, {"case": Placement(hm(9), ("khan",)), "call": Placement(hm(10, 5), ("khan",))}
    ) == {"buffer"}
    assert (
        check(prob, {"case": Placement(hm(9), ("khan",)), "call": Placement(hm(10, 15), ("khan",))})
        == []
    )


def test_travel_cannot_fall_inside_the_reading_time():
    prob = problem(
        meeting("ludlow", mode=VISIT, venue="ludlow"),
        case(mode=VISIT, venue="shrewsbury"),
    )
    # 60 minutes between them covers the 50-minute drive, but not with 30 minutes' reading.
    plan_ = {"ludlow": Placement(hm(9), ("khan",)), "case": Placement(hm(11), ("khan",))}
    assert rules_of(prob, plan_) == {"travel"}
    assert check(prob, {**plan_, "case": Placement(hm(11, 30), ("khan",))}) == []


def test_reading_time_must_fit_the_inspectors_working_day():
    prob = problem(case())
    assert rules_of(prob, {"case": Placement(hm(8, 30), ("khan",))}) == {"inspector_unavailable"}


def test_greedy_and_solve_keep_the_buffers_free():
    # Two cases and a call for Khan in one morning: packed, they would touch.
    window = (Span(hm(9), hm(13)),)
    prob = problem(
        case("c1", windows=window),
        case("c2", windows=window),
        meeting("t1", duration=30, windows=window),
        khan={"lunch_waived": True},
    )
    for sol in (greedy(prob), solve(prob, time_limit=CAP, deterministic_time=0.3)):
        assert sol.unplaced == {}
        assert check(prob, sol.placements) == []
        p = sol.placements
        busy = sorted((p[m].start, p[m].start + 60 if m != "t1" else p[m].start + 30) for m in p)
        for c in ("c1", "c2"):
            s = p[c].start
            others = [(a, b) for a, b in busy if (a, b) != (s, s + 60)]
            assert all(b <= s - 30 or a >= s + 75 for a, b in others)


def test_team_time_is_protected_on_on_site_days_only():
    prob = problem(
        meeting("late", windows=(Span(hm(15), hm(17, 30)), Span(hm(15, D2), hm(17, 30, D2)))),
        khan={"onsite_days": frozenset({6})},
    )
    assert rules_of(prob, {"late": Placement(hm(16, 30), ("khan",))}) == {"team_time"}
    assert check(prob, {"late": Placement(hm(16, 30, D2), ("khan",))}) == []  # day 7: off site
    only_day_6 = problem(
        meeting("late", windows=(Span(hm(15, 30), hm(17, 30)),)),
        khan={"onsite_days": frozenset({6})},
    )
    for sol in (greedy(only_day_6), solve(only_day_6, time_limit=CAP, deterministic_time=0.2)):
        assert sol.unplaced == {}
        assert sol.placements["late"].start + 60 <= hm(16, 45)


def test_each_inspector_has_their_own_case_cap():
    day6 = (Span(hm(8, 30), hm(17, 30)),)
    cases = [
        case(
            f"c{k}",
            windows=day6,
            buffer_before=0,
            buffer_after=0,
            inspectors=(),
            inspector_pool=("khan", "lee"),
            inspectors_needed=1,
        )
        for k in range(3)
    ]
    prob = problem(*cases, khan={"max_case_meetings_per_day": 1})
    two_for_khan = {
        "c0": Placement(hm(9), ("khan",)),
        "c1": Placement(hm(11), ("khan",)),
        "c2": Placement(hm(9), ("lee",)),
    }
    assert rules_of(prob, two_for_khan) == {"case_limit"}
    sol = solve(prob, time_limit=CAP, deterministic_time=0.3)
    assert sol.unplaced == {} and check(prob, sol.placements) == []
    # All three placed in one day: Lee (the default cap, 4) takes at least two, Khan one at most.
    assert [p.inspectors[0] for p in sol.placements.values()].count("khan") <= 1


def test_an_inspector_who_waives_lunch_may_work_through_it():
    lunch_long = (meeting("a", duration=120), meeting("b", duration=60))
    busy = {"a": Placement(hm(11, 30), ("khan",)), "b": Placement(hm(13, 30), ("khan",))}
    assert rules_of(problem(*lunch_long), busy) == {"lunch"}
    waived = problem(*lunch_long, khan={"lunch_waived": True})
    assert check(waived, busy) == []
    assert score(waived, busy)["lunch"] == 0


def test_no_meeting_goes_in_the_inspectors_base_room():
    prob = problem(meeting("m", mode=IN_PERSON, venue="ludlow", size=2))
    assert rules_of(prob, {"m": Placement(hm(10), ("khan",), room="base")}) == {"base_room"}
    for sol in (greedy(prob), solve(prob, time_limit=CAP, deterministic_time=0.2)):
        assert sol.placements["m"].room == "ra"
    # With the base room the only room there, the meeting cannot be placed, and says why.
    alone = problem(
        meeting("m", mode=IN_PERSON, venue="ludlow", size=2),
        rooms=(sv.Room("base", "Inspectors' base room", "ludlow", 8, inspectors_base=True),),
    )
    sol = greedy(alone)
    assert list(sol.unplaced) == ["m"]
    assert sol.unplaced["m"] == ["There is no room at Ludlow for 'Meeting m'."]


def test_travel_is_a_cost_and_the_plan_avoids_a_needless_trip():
    hour = lambda h: (Span(hm(h), hm(h + 1)),)  # noqa: E731 - a one-hour window
    prob = problem(
        meeting("s", mode=VISIT, venue="shrewsbury", windows=hour(9)),
        meeting("l", mode=VISIT, venue="ludlow", windows=hour(9), inspectors=("lee",)),
        # either inspector can take it: Khan would drive from Shrewsbury, Lee is at Ludlow
        meeting(
            "free",
            mode=VISIT,
            venue="ludlow",
            windows=hour(11),
            inspectors=(),
            inspector_pool=("khan", "lee"),
            inspectors_needed=1,
        ),
    )
    first_fit = greedy(prob)  # takes the pool in order: Khan, and a 50-minute drive
    assert first_fit.placements["free"].inspectors == ("khan",)
    assert first_fit.soft["travel"] == 3 * 50
    sol = solve(prob, time_limit=CAP, deterministic_time=0.2, hint=first_fit.placements)
    assert sol.placements["free"].inspectors == ("lee",)
    assert sol.soft["travel"] == 0
    there_and_back = problem(
        meeting("s1", mode=VISIT, venue="shrewsbury"),
        meeting("l1", mode=VISIT, venue="ludlow"),
        meeting("s2", mode=VISIT, venue="shrewsbury"),
    )
    placed = {
        "s1": Placement(hm(8, 30), ("khan",)),
        "l1": Placement(hm(10, 30), ("khan",)),
        "s2": Placement(hm(14), ("khan",)),
    }
    assert check(there_and_back, placed) == []
    assert score(there_and_back, placed)["travel"] == 3 * (50 + 50)


def test_buffers_are_not_idle_time():
    prob = problem(case("c1"), case("c2"), khan={"lunch_waived": True})
    # 09:00-10:00, write-up to 10:15; reading from 10:15 for 10:45: no idle minute in between.
    tight = {"c1": Placement(hm(9), ("khan",)), "c2": Placement(hm(10, 45), ("khan",))}
    assert check(prob, tight) == []
    assert score(prob, tight)["compact"] == 0


def test_shropshire_plans_realistic_inspectors_days(scenario):
    """The scenario planned as the app plans it: every meeting placed, no hard violation,
    each case discussion's inspector free for the 30 minutes before it, the base room unused,
    and an inspector's own cap of 3 case meetings a day kept."""
    team_1 = scenario.inspectors.get(ref="insp-team-1")
    team_1.max_case_meetings_per_day = 3
    team_1.save()
    assert MeetingType.objects.get(key="case_discussion").reading_minutes == 30
    base = Room.objects.get(venue__inspection=scenario, ref="base")
    assert base.inspectors_base

    result = plan(scenario, time_limit=CAP, deterministic_time=0.05, fresh=True)

    built = build(scenario)
    placements = current_placements(built)
    problem_ = built.problem
    assert result.unplaced == {}
    assert len(placements) == len(problem_.meetings)
    assert check(problem_, placements) == []
    assert (
        next(i for i in problem_.inspectors if i.id == "insp-team-1").max_case_meetings_per_day == 3
    )
    assert all(p.room != f"room-{base.pk}" for p in placements.values())
    spans = {
        mid: (p.start, p.start + built.meetings[mid].duration, p.inspectors)
        for mid, p in placements.items()
    }
    cases = [mid for mid, m in built.meetings.items() if m.meeting_type.key == "case_discussion"]
    assert len(cases) >= 30
    for mid in cases:
        start, _, inspectors = spans[mid]
        clash = [
            other
            for other, (s, e, who) in spans.items()
            if other != mid and set(who) & set(inspectors) and s < start and e > start - 30
        ]
        assert clash == [], (mid, clash)
    per_day: dict[int, int] = {}
    for mid in cases:
        start, _, inspectors = spans[mid]
        if "insp-team-1" in inspectors:
            per_day[start // 1440] = per_day.get(start // 1440, 0) + 1
    assert max(per_day.values(), default=0) <= 3
    assert Meeting.objects.filter(inspection=scenario, room=base).count() == 0
