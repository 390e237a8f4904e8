"""Bigger problems for the benchmark: scaled copies and a tight copy."""

from __future__ import annotations

import dataclasses

from scheduling.solver.problem import Meeting, Placement, Problem


def _sfx(x: str, c: int) -> str:
    return x if c == 0 else f"{x}@{c + 1}"


def _copy_placement(p: Placement | None, c: int, insp: bool, room: bool) -> Placement | None:
    if p is None:
        return None
    return dataclasses.replace(
        p,
        inspectors=tuple(_sfx(i, c) for i in p.inspectors) if insp else p.inspectors,
        room=_sfx(p.room, c) if (room and p.room) else p.room,
    )


def scale(problem: Problem, k: int) -> Problem:
    """k copies of the meetings, people, inspectors and rooms together (ids suffixed "@2"…);
    venues, days and travel are shared."""
    meetings: list[Meeting] = []
    for c in range(k):
        for m in problem.meetings:
            meetings.append(
                dataclasses.replace(
                    m,
                    id=_sfx(m.id, c),
                    title=m.title if c == 0 else f"{m.title} ({c + 1})",
                    inspectors=tuple(_sfx(i, c) for i in m.inspectors),
                    inspector_pool=tuple(_sfx(i, c) for i in m.inspector_pool),
                    attendees=tuple(_sfx(p, c) for p in m.attendees),
                    rooms=tuple(_sfx(r, c) for r in m.rooms),
                    before=tuple(_sfx(b, c) for b in m.before),
                    locked=_copy_placement(m.locked, c, True, True),
                    hint=_copy_placement(m.hint, c, True, True),
                )
            )
    return dataclasses.replace(
        problem,
        meetings=tuple(meetings),
        inspectors=tuple(
            dataclasses.replace(
                i, id=_sfx(i.id, c), name=i.name if c == 0 else f"{i.name} ({c + 1})"
            )
            for c in range(k)
            for i in problem.inspectors
        ),
        people=tuple(
            dataclasses.replace(
                p, id=_sfx(p.id, c), name=p.name if c == 0 else f"{p.name} ({c + 1})"
            )
            for c in range(k)
            for p in problem.people
        ),
        rooms=tuple(
            dataclasses.replace(
                r, id=_sfx(r.id, c), name=r.name if c == 0 else f"{r.name} ({c + 1})"
            )
            for c in range(k)
            for r in problem.rooms
        ),
    )


def tighten(problem: Problem) -> Problem:
    """Twice the meetings with the same inspectors and rooms. Each copy brings its own council
    attendees (other practitioners would come), so the squeeze is on inspectors and rooms. Meetings
    with a fixed time or a lock (KITs, final feedback) are not copied: a copy could never fit."""
    extra: list[Meeting] = []
    people = {p.id: p for p in problem.people}
    new_people = {}
    for m in problem.meetings:
        if m.fixed_start is not None or m.locked is not None:
            continue
        attendees = tuple(_sfx(p, 1) for p in m.attendees)
        for p in m.attendees:
            if p in people:
                new_people[_sfx(p, 1)] = dataclasses.replace(
                    people[p], id=_sfx(p, 1), name=f"{people[p].name} (2)"
                )
        extra.append(
            dataclasses.replace(
                m,
                id=_sfx(m.id, 1),
                title=f"{m.title} (2)",
                attendees=attendees,
                before=tuple(_sfx(b, 1) for b in m.before),
                hint=None,
            )
        )
    return dataclasses.replace(
        problem,
        meetings=problem.meetings + tuple(extra),
        people=problem.people + tuple(new_people.values()),
    )
