"""A deterministic synthetic Problem of Shropshire shape, for tests and the benchmark fallback.

Three weeks from Monday 16 June 2025 (British Summer Time: local midnight is 23:00 UTC the day
before). Week 1 off site (Teams only); four inspectors on site in week 2, six in week 3; ~6 venues
across a rural county (travel 15–60 minutes); ~15 rooms; daily KITs at fixed times; ~70
practitioner and partner meetings; an evening visit to a children's home after 17:00.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from scheduling.solver.problem import (
    IN_PERSON,
    TEAMS,
    VISIT,
    Day,
    Inspector,
    Meeting,
    Person,
    Problem,
    Room,
    Rules,
    Span,
    Venue,
)

EPOCH = dt.datetime(2025, 6, 16, tzinfo=dt.UTC)

# name, x, y (km, rough)
VENUES = [
    ("shrewsbury", "Shrewsbury Guildhall", 0, 0),
    ("ludlow", "Ludlow Hub", 5, -40),
    ("oswestry", "Oswestry Hub", -25, 25),
    ("wellington", "Wellington Hub (Telford side)", 20, 3),
    ("bridgnorth", "Bridgnorth Family Centre", 30, -20),
    ("drayton", "Market Drayton Hub", 25, 30),
    ("chelmaren", "Chelmaren Home", 8, -12),
    ("court", "Shrewsbury Justice Centre", 1, 1),
]
ROOMS = [
    ("shr-1", "Guildhall Room 1", "shrewsbury", 6, {"screen"}),
    ("shr-2", "Guildhall Room 2", "shrewsbury", 8, {"screen", "teams"}),
    ("shr-3", "Guildhall Committee Room", "shrewsbury", 14, {"screen", "teams"}),
    ("shr-4", "Guildhall Council Chamber", "shrewsbury", 30, {"screen", "teams"}),
    ("shr-5", "Guildhall Room 5", "shrewsbury", 4, set()),
    ("lud-1", "Ludlow Room A", "ludlow", 6, {"screen"}),
    ("lud-2", "Ludlow Room B", "ludlow", 12, {"screen", "teams"}),
    ("osw-1", "Oswestry Room 1", "oswestry", 6, set()),
    ("osw-2", "Oswestry Training Room", "oswestry", 14, {"screen"}),
    ("wel-1", "Wellington Room 1", "wellington", 4, set()),
    ("wel-2", "Wellington Room 2", "wellington", 8, {"screen"}),
    ("wel-3", "Wellington Hall", "wellington", 16, {"screen", "teams"}),
    ("bri-1", "Bridgnorth Meeting Room", "bridgnorth", 12, {"screen"}),
    ("dra-1", "Drayton Room 1", "drayton", 6, set()),
    ("dra-2", "Drayton Room 2", "drayton", 10, {"screen"}),
]
HUBS = ["shrewsbury", "ludlow", "oswestry", "wellington", "bridgnorth", "drayton"]


def _days() -> tuple[Day, ...]:
    days = []
    n = 0
    for offset in range(19):
        date = EPOCH.date() + dt.timedelta(days=offset)
        if date.weekday() >= 5:
            continue
        n += 1
        midnight = offset * 1440 - 60  # BST
        days.append(Day(n, midnight, midnight + 510, midnight + 1050))
    return tuple(days)


def _present(people: list[Person], pid: str, d: Day) -> bool:
    person = next(p for p in people if p.id == pid)
    return any(s.start <= d.start and d.end <= s.end for s in person.available)


def shropshire(seed: int = 2025) -> Problem:
    rng = random.Random(seed)
    days = _days()
    week = {1: days[0:5], 2: days[5:10], 3: days[10:15]}
    on_site = week[2] + week[3]

    venues = tuple(Venue(v, name) for v, name, _, _ in VENUES)
    travel: dict[tuple[str, str], int] = {}
    for a, _, ax, ay in VENUES:
        for b, _, bx, by in VENUES:
            if a < b:
                km = math.hypot(ax - bx, ay - by)
                travel[(a, b)] = max(15, min(60, round(12 + km * 1.0)))
    rooms = tuple(
        Room(rid, name, venue, cap, frozenset(eq), tuple(Span(d.start, d.end) for d in days))
        for rid, name, venue, cap, eq in ROOMS
    )

    def day_span(d: Day, lo: int = 510, hi: int = 1050) -> Span:
        return Span(d.midnight + lo, d.midnight + hi)

    def insp(iid: str, name: str, role: str, site: tuple[Day, ...], calls: tuple[Day, ...]):
        spans = [day_span(d, 510, 1230) for d in site] + [day_span(d) for d in calls]
        return Inspector(iid, name, role, tuple(sorted(spans, key=lambda s: s.start)))

    inspectors = (
        insp("lead", "R. Patel (lead)", "lead", on_site, week[1]),
        insp("i2", "A. Khan", "team", on_site, week[1][2:]),
        insp("i3", "S. Morgan", "team", on_site, week[1][2:]),
        insp("i4", "J. Lewis", "team", on_site, ()),
        insp("i5", "C. Evans (schools HMI)", "schools", week[3], ()),
        insp("i6", "P. Hughes (QA)", "qa", week[3], ()),
    )
    pool2 = ("lead", "i2", "i3", "i4")
    pool3 = ("lead", "i2", "i3", "i4", "i5", "i6")

    people: list[Person] = []

    def person(pid: str, name: str, leave_days: int = 0, evening: bool = False) -> str:
        away = set(rng.sample(range(15), leave_days)) if leave_days else set()
        hi = 1230 if evening else 1050
        spans = tuple(day_span(d, 510, hi) for k, d in enumerate(days) if k not in away)
        people.append(Person(pid, name, spans))
        return pid

    dcs = person("dcs", "Director of Children's Services")
    cex = person("cex", "Chief Executive")
    leader = person("leader", "Council Leader", leave_days=3)
    ph = person("ph", "Portfolio Holder", leave_days=3)
    sm = [person(f"sm{k}", f"Service Manager {k}", evening=k == 3) for k in range(1, 5)]
    partners = {
        key: person(key, name, leave_days=2)
        for key, name in [
            ("adults", "Director of Adult Services"),
            ("vs", "Virtual School Head"),
            ("cafcass", "Cafcass Service Manager"),
            ("judge", "Designated Family Judge"),
            ("legal", "Head of Legal"),
            ("lado", "LADO"),
            ("police", "Police Partner"),
            ("health", "Designated Nurse"),
            ("commissioning", "Head of Commissioning"),
            ("fostering", "Fostering Team Manager"),
            ("pa", "Personal Adviser Manager"),
            ("ptracker", "Permanence Tracking Officer"),
        ]
    }
    teams = ["Disabled Children", "Early Help", "Fostering", "Adoption", "IRO", "Virtual School",
             "Safeguarding North", "Safeguarding South", "Leaving Care"]  # fmt: skip
    practitioners: list[tuple[str, str]] = []  # (id, hub)
    for k in range(1, 93):
        team = teams[k % len(teams)]
        pid = person(f"p{k}", f"Practitioner {k} ({team})", leave_days=rng.choice([0, 0, 1, 2]))
        practitioners.append((pid, HUBS[k % len(HUBS)]))

    meetings: list[Meeting] = []

    def add(**kw) -> None:
        meetings.append(Meeting(**kw))

    # Week 1: day-one set-up, daily DCS KITs, calls with inspectors.
    add(id="setup", title="DCS set-up meeting", kind="dcs_setup", duration=60, mode=TEAMS,
        windows=(day_span(days[0]),), inspectors=("lead",), attendees=(dcs, *sm[:2]),
        fixed_start=days[0].midnight + 600)  # fmt: skip
    for n, d in enumerate(days, start=1):
        add(id=f"kit-dcs-{n}", title=f"Lead KIT with DCS (day {n})", kind="kit_dcs", duration=30,
            mode=TEAMS, windows=(day_span(d),), inspectors=("lead",), attendees=(dcs,),
            fixed_start=d.midnight + 16 * 60)  # fmt: skip
    for n, d in enumerate(on_site, start=6):
        add(id=f"kit-int-{n}", title=f"Internal KIT (day {n})", kind="kit_internal", duration=30,
            mode=TEAMS, windows=(day_span(d),), inspectors=("lead",),
            attendees=(sm[n % 4],), fixed_start=d.midnight + 510)  # fmt: skip
    for k, iid in enumerate(("i2", "i3")):
        add(id=f"call-{iid}", title=f"Planning call with {iid}", kind="inspector_call",
            duration=45, mode=TEAMS, windows=tuple(day_span(d) for d in week[1][2:]),
            inspectors=("lead", iid), attendees=(sm[k],))  # fmt: skip

    # Senior and partner meetings, weeks 2-3.
    def partner(mid: str, title: str, kind: str, who: tuple[str, ...], mode: str, dur: int = 60,
                wk: int = 2, venue: str | None = None, size: int = 0, named: tuple[str, ...] = (),
                eq: frozenset[str] = frozenset()) -> None:  # fmt: skip
        ws = week[wk]
        pool = pool2 if wk == 2 else pool3
        add(id=mid, title=title, kind=kind, duration=dur, mode=mode,
            windows=tuple(day_span(d) for d in ws), inspectors=named,
            inspector_pool=pool if not named else (), inspectors_needed=0 if named else 1,
            attendees=who, size=size or len(who) + 2, venue=venue, equipment=eq)  # fmt: skip

    partner(
        "cex",
        "Chief Executive",
        "chief_executive",
        (cex,),
        IN_PERSON,
        named=("lead",),
        venue="shrewsbury",
    )
    partner(
        "ph",
        "Portfolio Holder",
        "portfolio_holder",
        (ph,),
        IN_PERSON,
        named=("lead",),
        venue="shrewsbury",
    )
    partner("adults", "Adult services", "adult_services", (partners["adults"],), TEAMS)
    partner(
        "vs", "Virtual School", "virtual_school", (partners["vs"],), IN_PERSON, wk=3, named=("i5",)
    )
    partner("cafcass", "Cafcass", "cafcass", (partners["cafcass"],), TEAMS, wk=3)
    partner("judiciary", "Local judiciary", "judiciary", (partners["judge"],), VISIT, venue="court")
    partner("legal", "Legal", "legal", (partners["legal"],), TEAMS)
    partner("lado", "LADO", "lado", (partners["lado"],), IN_PERSON, venue="shrewsbury")
    partner("police", "Police partners", "partners", (partners["police"],), TEAMS)
    partner("health", "Health partners", "partners", (partners["health"],), TEAMS, wk=3)
    partner(
        "commissioning", "Commissioning", "commissioning", (partners["commissioning"],), TEAMS, wk=3
    )
    partner("foster", "Foster carers and adopters", "foster_carers", (partners["fostering"],), IN_PERSON,
            wk=3, size=12, venue="wellington", eq=frozenset({"screen"}))  # fmt: skip
    partner(
        "leavers", "Care leavers group", "care_leavers", (partners["pa"],), IN_PERSON, wk=3, size=10
    )
    partner("perm", "Permanence tracking", "permanence", (partners["ptracker"],), TEAMS, wk=3)
    add(id="chelmaren", title="Evening visit to Chelmaren Home", kind="children_home_visit",
        duration=90, mode=VISIT, venue="chelmaren", size=8,
        windows=tuple(day_span(d, 17 * 60 + 30, 20 * 60 + 30) for d in week[2][1:4]),
        inspector_pool=pool2, inspectors_needed=1, attendees=(sm[2],))  # fmt: skip
    last = days[14]
    add(id="feedback", title="Final feedback", kind="final_feedback", duration=90, mode=IN_PERSON,
        windows=(day_span(last),), inspectors=("lead", "i2"), attendees=(dcs, cex, leader, ph, *sm),
        size=14, venue="shrewsbury", equipment=frozenset({"screen"}),
        fixed_start=last.midnight + 14 * 60)  # fmt: skip

    # Practitioner meetings: 40 case discussions, 8 focus groups, 6 home/group visits, debriefs.
    rng.shuffle(practitioners)
    queue = list(practitioners)
    for k in range(40):
        wk = 2 if k < 20 else 3
        n_prac = rng.choice([1, 1, 2, 2, 3])
        who = (
            [queue.pop() for _ in range(n_prac)]
            if len(queue) >= n_prac
            else rng.sample(practitioners, n_prac)
        )
        hub = who[0][1]
        mode = TEAMS if rng.random() < 0.3 else IN_PERSON
        mgr = sm[k % 4]
        d0 = rng.randrange(0, 3)
        ws = week[wk][d0 : d0 + 3]
        mid = f"case-{k + 1}"
        pref = None
        free_days = [d for d in ws if all(_present(people, pid, d) for pid, _ in who)]
        if rng.random() < 0.4 and free_days:
            pd = free_days[rng.randrange(len(free_days))]
            pref = pd.midnight + rng.choice([9 * 60 + 30, 11 * 60, 14 * 60, 15 * 60 + 30])
        debrief = None
        if k % 8 == 0:
            debrief = f"debrief-{k + 1}"
        add(id=mid, title=f"Case discussion about child C{1000 + k}", kind="case_discussion",
            duration=60, mode=mode, windows=tuple(day_span(d) for d in ws),
            inspector_pool=pool2 if wk == 2 else pool3, inspectors_needed=1,
            attendees=(*(p for p, _ in who), mgr), size=n_prac + 2,
            venue=hub if mode == IN_PERSON else None, counts_as_case=True, preferred_start=pref,
            before=(debrief,) if debrief else ())  # fmt: skip
        if debrief:
            add(id=debrief, title=f"Practitioner debrief after case C{1000 + k}", kind="debrief",
                duration=30, mode=TEAMS, windows=tuple(day_span(d) for d in ws),
                attendees=(who[0][0], sm[(k + 1) % 4]))  # fmt: skip
    for k in range(8):
        wk = 2 if k < 4 else 3
        group = [p for p, _ in rng.sample(practitioners, rng.randint(5, 9))]
        hub = HUBS[k % len(HUBS)]
        ws = week[wk][k % 2 * 2 : k % 2 * 2 + 3]
        add(id=f"focus-{k + 1}", title=f"Practitioner focus group {k + 1}", kind="focus_group",
            duration=90, mode=IN_PERSON, windows=tuple(day_span(d) for d in ws),
            inspector_pool=pool2 if wk == 2 else pool3, inspectors_needed=1, attendees=tuple(group),
            size=len(group) + 1, venue=hub, equipment=frozenset({"screen"}))  # fmt: skip
    for k in range(6):
        wk = 2 if k < 3 else 3
        hub = HUBS[(k * 5) % len(HUBS)]
        ws = week[wk][k % 3 : k % 3 + 2]
        add(id=f"visit-{k + 1}", title=f"Family visit {k + 1}", kind="home_visit", duration=60,
            mode=VISIT, venue=hub, windows=tuple(day_span(d, 570, 1020) for d in ws),
            inspector_pool=pool2 if wk == 2 else pool3, inspectors_needed=1,
            attendees=(rng.choice(practitioners)[0],), size=4, counts_as_case=True)  # fmt: skip

    return Problem(
        epoch=EPOCH,
        days=days,
        meetings=tuple(meetings),
        inspectors=inspectors,
        people=tuple(people),
        rooms=rooms,
        venues=venues,
        travel=travel,
        rules=Rules(),
    )
