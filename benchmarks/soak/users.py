"""The soak's users: threads that sign in and use the site as its people would.

Browsers read pages; tickers mark their own tasks done or reopen them in place (htmx); planners
move meetings through the move form after the live check says "No clashes"; racers are sent,
a few at once, into the same room, inspector or person at the same slot (or the same meeting
from the same version), pressing Save together; coordinators publish; a plan coordinator runs
the background planner on a second inspection; feed pollers are calendar clients.

Every write a user saw succeed, be refused or get no clear answer goes into the Ledger, which
the checks compare with the database afterwards. Only 127.0.0.1 is addressed; every loop stops
when the soak's stop event is set.
"""

from __future__ import annotations

import html
import itertools
import queue
import random
import re
import threading
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from benchmarks.soak.seed import Account, MeetingInfo, Site, TaskInfo
from benchmarks.soak.web import Browser, Recorder

NO_CLASHES = "No clashes"
VERSION = re.compile(r'name="version" value="(\d+)"')
CHECKED_INSPECTOR = re.compile(r'name="inspectors" type="checkbox" value="([^"]+)" checked')
SELECTED_DAY = re.compile(r'<option value="(\d+)" selected>Day ')
PUBLISHED = re.compile(r"Published v(\d+)\.")
ERROR_MESSAGE = re.compile(r'govuk-error-summary__body"><p class="govuk-body">(.*?)</p>', re.S)
RUN_LINK = re.compile(r"/meetings/plan/runs/(\d+)/")
FEED_RELEASE = re.compile(rb"release v(\d+)")
TASK_STATUS_LABELS = {"To do": "todo", "In progress": "in_progress", "Done": "done"}
SEARCHES = ["case", "audit", "review", "room", "C108", "social", "leader"]
MOVE_ANSWERS = (302, 400, 409)


@dataclass(frozen=True)
class Move:
    """One press of Save on the move form."""

    meeting: int
    opened: int  # the version the form was opened at
    day: int
    time: str  # "HH:MM", UK time
    room: int | None
    inspectors: tuple[str, ...]
    outcome: str  # ok, refused (a rule), stale (someone else saved first), unknown (no answer)
    started: float
    ended: float
    race: int | None = None


@dataclass(frozen=True)
class Tick:
    task: int
    status: str
    outcome: str  # ok, blocked (a dependency), unknown
    started: float
    ended: float


@dataclass(frozen=True)
class Round:
    number: int
    kind: str  # room, inspector, person, same
    size: int


@dataclass
class Ledger:
    moves: list[Move] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    published: list[tuple[int, float]] = field(default_factory=list)  # (number, answered at)
    publish_refused: list[str] = field(default_factory=list)  # the message shown
    publish_unknown: int = 0
    feed_seen: list[tuple[float, int]] = field(default_factory=list)  # (asked at, version)
    feed_not_modified: int = 0
    jobs: list[tuple[int, str, float, float]] = field(default_factory=list)  # pk, end, start, end
    jobs_refused: int = 0
    rounds_skipped: int = 0
    driver_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, item: object) -> None:
        with self.lock:
            getattr(self, name).append(item)

    def count(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


@dataclass
class Soak:
    base: str
    recorder: Recorder
    ledger: Ledger
    password: str
    sessions: dict[str, str]  # username -> a session signed in before the soak
    sites: dict[str, Site]
    live: str  # the inspection everything is checked on
    other: str  # the one the background planner works on
    seed: int
    stopping: threading.Event = field(default_factory=threading.Event)


class Actor(threading.Thread):
    """A user: signs in, then acts and thinks until the soak stops. Think times are a busy
    person's (seconds between clicks): 50 of them keep a 2-core machine busy."""

    think = (8.0, 20.0)

    def __init__(self, soak: Soak, account: Account | None, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.soak = soak
        self.account = account
        self.rng = random.Random(f"{soak.seed}:{name}")
        self.web = Browser(soak.base, soak.recorder, name)
        self.site = soak.sites[account.slug if account else soak.live]
        if account is not None and account.username in soak.sessions:
            self.web.resume(soak.sessions[account.username])

    def run(self) -> None:
        try:
            while not self.soak.stopping.is_set():
                if (
                    self.account is not None
                    and not self.web.signed_in
                    and not self.web.sign_in(self.account.username, self.soak.password)
                ):
                    self.pause(1.0)
                    continue
                try:
                    self.step()
                except Exception:  # a driver bug must not silence the rest of the soak
                    self.soak.ledger.add("driver_errors", f"{self.name}: {traceback.format_exc()}")
                self.pause(self.rng.uniform(*self.think))
        finally:
            self.web.close()

    def pause(self, seconds: float) -> None:
        self.soak.stopping.wait(seconds)

    def step(self) -> None:
        self.browse()

    # -- reading pages ------------------------------------------------------------------------
    def pages(self) -> Iterator[tuple[str, str]]:
        """(pattern, path) of the pages a viewer may read, in a random order of kinds."""
        s, rng = self.site, self.rng
        base = f"/inspections/{s.slug}"
        day = rng.randint(1, s.last_day)
        choices = [
            ("/", "/"),
            ("/inspections/{slug}/", f"{base}/"),
            ("/inspections/{slug}/days/", f"{base}/days/"),
            ("/inspections/{slug}/days/{n}/", f"{base}/days/{day}/"),
            ("/inspections/{slug}/tasks/", f"{base}/tasks/"),
            ("/inspections/{slug}/tasks/?group=owner", f"{base}/tasks/?status=open&group=owner"),
            ("/inspections/{slug}/calendar/", f"{base}/calendar/"),
            ("/inspections/{slug}/calendar/days/{n}/", f"{base}/calendar/days/{day}/"),
            (
                "/inspections/{slug}/calendar/days/{n}/run-sheet/",
                f"{base}/calendar/days/{day}/run-sheet/",
            ),
            (
                "/inspections/{slug}/calendar/weeks/{n}/",
                f"{base}/calendar/weeks/{rng.choice(s.weeks)}/",
            ),
            (
                "/inspections/{slug}/calendar/rooms/{key}/",
                f"{base}/calendar/rooms/{rng.choice(s.room_keys)}/",
            ),
            (
                "/inspections/{slug}/calendar/people/{ref}/",
                f"{base}/calendar/people/{rng.choice(s.person_refs)}/",
            ),
            ("/inspections/{slug}/meetings/", f"{base}/meetings/?day={day}"),
            (
                "/inspections/{slug}/meetings/{pk}/",
                f"{base}/meetings/{rng.choice(list(s.meetings))}/",
            ),
            ("/inspections/{slug}/meetings/plan/", f"{base}/meetings/plan/"),
            ("/inspections/{slug}/meetings/releases/", f"{base}/meetings/releases/"),
            ("/inspections/{slug}/library/", f"{base}/library/"),
            ("/inspections/{slug}/people/", f"{base}/people/"),
            ("/inspections/{slug}/inspectors/", f"{base}/inspectors/"),
            ("/inspections/{slug}/rooms/", f"{base}/rooms/"),
            ("/inspections/{slug}/search/", f"{base}/search/?q={rng.choice(SEARCHES)}"),
            ("/inspections/{slug}/annex-a/", f"{base}/annex-a/"),
        ]
        rng.shuffle(choices)
        yield from choices

    def team_pages(self) -> list[tuple[str, str]]:
        """Evidence pages only the project team reads (child IDs)."""
        s, rng = self.site, self.rng
        base = f"/inspections/{s.slug}"
        out = [
            ("/inspections/{slug}/audits/", f"{base}/audits/"),
            ("/inspections/{slug}/deep-dives/", f"{base}/deep-dives/"),
            ("/inspections/{slug}/calendar/?plan=draft", f"{base}/calendar/?plan=draft"),
        ]
        if s.child_ids:
            out.append(
                (
                    "/inspections/{slug}/children/{id}/",
                    f"{base}/children/{rng.choice(s.child_ids)}/",
                )
            )
        return out

    def browse(self, count: int = 1) -> None:
        team = self.account is not None and self.account.role in ("project_team", "coordinator")
        pages = list(itertools.islice(self.pages(), count))
        if team and self.rng.random() < 0.3:
            pages[0] = self.rng.choice(self.team_pages())
        for pattern, path in pages:
            self.web.get(path, pattern=pattern)


class Browsing(Actor):
    """Reads pages: the home page, dashboard, day sheets, tasks, timetable, meetings, evidence."""

    think = (6.0, 20.0)


class Ticker(Actor):
    """Marks their own tasks done, or reopens them, in place on the day sheet (htmx)."""

    think = (8.0, 20.0)

    def __init__(self, soak: Soak, account: Account, name: str, tasks: list[TaskInfo]) -> None:
        super().__init__(soak, account, name)
        self.tasks = tasks

    def step(self) -> None:
        if not self.tasks or self.rng.random() < 0.35:
            self.browse()
            return
        task = self.rng.choice(self.tasks)
        slug = self.site.slug
        sheet = self.web.get(
            f"/inspections/{slug}/days/{task.due_day}/", pattern="/inspections/{slug}/days/{n}/"
        )
        if sheet is None or sheet.status_code != 200:
            return
        shown = re.search(rf'id="task-{task.pk}-status"[^>]*>([^<]+)<', sheet.text)
        current = TASK_STATUS_LABELS.get(shown.group(1).strip(), "todo") if shown else "todo"
        if self.rng.random() < 0.15:
            wanted = "in_progress" if current != "in_progress" else "todo"
        else:
            wanted = "todo" if current == "done" else "done"
        started = self.soak.recorder.now()
        answer = self.web.post(
            f"/inspections/{slug}/tasks/{task.pk}/status/",
            {"status": wanted, "day": task.due_day},
            kind="task",
            pattern="/inspections/{slug}/tasks/{pk}/status/",
            headers={"HX-Request": "true"},
        )
        if answer is None or answer.status_code >= 500:
            outcome = "unknown"
        elif answer.status_code == 200 and "app:task-changed" in answer.headers.get(
            "HX-Trigger", ""
        ):
            outcome = "ok"
        else:
            outcome = "blocked"
        self.soak.ledger.add(
            "ticks", Tick(task.pk, wanted, outcome, started, self.soak.recorder.now())
        )


@dataclass(frozen=True)
class Proposal:
    meeting: MeetingInfo
    day: int
    start: int  # minutes after midnight
    room: int | None

    @property
    def time(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}"


class Mover(Actor):
    """What planners and racers share: the live check and the move form."""

    def random_proposal(self, meeting: MeetingInfo, day: int | None = None) -> Proposal | None:
        starts = meeting.starts()
        rooms = self.site.rooms_for(meeting)
        if not starts or not meeting.days or (meeting.mode == "in_person" and not rooms):
            return None
        return Proposal(
            meeting,
            day if day is not None else self.rng.choice(meeting.days),
            self.rng.choice(starts),
            self.rng.choice(rooms) if meeting.mode == "in_person" else None,
        )

    def fields(self, p: Proposal, inspectors: tuple[str, ...]) -> dict[str, object]:
        data: dict[str, object] = {"day": p.day, "time": p.time, "inspectors": list(inspectors)}
        if p.room is not None:
            data["room"] = p.room
        return data

    def check(self, p: Proposal, web: Browser | None = None) -> bool:
        """The move page's live check (htmx): does this placement break no rule?"""
        answer = (web or self.web).post(
            f"/inspections/{self.site.slug}/meetings/{p.meeting.pk}/check/",
            self.fields(p, p.meeting.inspectors),
            kind="check",
            pattern="/inspections/{slug}/meetings/{pk}/check/",
            headers={"HX-Request": "true"},
        )
        return answer is not None and answer.status_code == 200 and NO_CLASHES in answer.text

    def open_form(self, meeting: MeetingInfo) -> tuple[int, tuple[str, ...], int | None] | None:
        """The move form as drawn: (version, inspectors ticked, day selected)."""
        page = self.web.get(
            f"/inspections/{self.site.slug}/meetings/{meeting.pk}/edit/",
            pattern="/inspections/{slug}/meetings/{pk}/edit/",
        )
        if page is None or page.status_code != 200:
            return None
        version = VERSION.search(page.text)
        if version is None:
            return None
        day = SELECTED_DAY.search(page.text)
        return (
            int(version.group(1)),
            tuple(sorted(CHECKED_INSPECTOR.findall(page.text))),
            int(day.group(1)) if day else None,
        )

    def save(
        self,
        p: Proposal,
        opened: int,
        inspectors: tuple[str, ...],
        *,
        kind: str = "move",
        race: int | None = None,
    ) -> Move:
        started = self.soak.recorder.now()
        data = {**self.fields(p, inspectors), "version": opened}
        answer = self.web.post(
            f"/inspections/{self.site.slug}/meetings/{p.meeting.pk}/edit/",
            data,
            kind=kind,
            pattern="/inspections/{slug}/meetings/{pk}/edit/",
            expect=MOVE_ANSWERS,
        )
        if answer is None or answer.status_code >= 500:
            outcome = "unknown"
        elif answer.status_code == 302 and answer.headers.get("Location", "").endswith(
            f"/meetings/{p.meeting.pk}/"
        ):
            outcome = "ok"
        elif answer.status_code == 409:
            outcome = "stale"
        else:
            outcome = "refused"
        move = Move(
            p.meeting.pk,
            opened,
            p.day,
            p.time,
            p.room,
            inspectors,
            outcome,
            started,
            self.soak.recorder.now(),
            race,
        )
        if self.site.slug == self.soak.live:
            self.soak.ledger.add("moves", move)
        return move


class Planner(Mover):
    """Moves meetings by hand: opens the form, tries a few slots with the live check, saves
    the first with no clash (and now and then saves without looking, to be refused)."""

    think = (12.0, 30.0)

    def step(self) -> None:
        if self.rng.random() < 0.3:
            self.browse()
            return
        meeting = self.rng.choice(self.site.movable())
        slug = self.site.slug
        self.web.get(
            f"/inspections/{slug}/meetings/{meeting.pk}/",
            pattern="/inspections/{slug}/meetings/{pk}/",
        )
        form = self.open_form(meeting)
        if form is None:
            return
        opened, inspectors, day = form
        hasty = self.rng.random() < 0.15
        for _ in range(1 if hasty else 3):
            same_day = day if day is not None and self.rng.random() < 0.5 else None
            p = self.random_proposal(meeting, same_day)
            if p is None:
                return
            if hasty or self.check(p):
                self.save(p, opened, inspectors)
                return


@dataclass(frozen=True)
class RaceTask:
    round: int
    proposal: Proposal
    barrier: threading.Barrier


class Racer(Mover):
    """Browses until handed a race: then opens the form and presses Save with the others."""

    think = (12.0, 30.0)

    def __init__(self, soak: Soak, account: Account, name: str) -> None:
        super().__init__(soak, account, name)
        self.inbox: queue.Queue[RaceTask] = queue.Queue()
        self.racing = False

    def pause(self, seconds: float) -> None:
        try:
            task = self.inbox.get(timeout=seconds)
        except queue.Empty:
            return
        self.race(task)

    def race(self, task: RaceTask) -> None:
        self.racing = True
        try:
            form = self.open_form(task.proposal.meeting)
            try:
                task.barrier.wait()  # every racer holds an open form: all press Save at once
            except threading.BrokenBarrierError:
                return
            if form is not None:
                opened, inspectors, _ = form
                self.save(task.proposal, opened, inspectors, kind="race", race=task.round)
        finally:
            self.racing = False


class RaceLeader(Racer):
    """Also finds each race: a slot that the live check says is free for every one of several
    meetings, that share a room, an inspector or a person (or one meeting, several slots)."""

    think = (2.0, 4.0)
    every = (1.0, 3.0)  # between the end of one round's set-up and the next
    TABS = 8  # the leader tries every candidate at once, a tab each, so a round is ready soon

    def __init__(self, soak: Soak, account: Account, name: str, team: list[Racer]) -> None:
        super().__init__(soak, account, name)
        self.team = team
        self.kinds = itertools.cycle(["room", "inspector", "person", "same"])
        self.rounds = itertools.count(1)
        self.next_round = 10.0
        self.tabs = [Browser(soak.base, soak.recorder, f"{name}-tab{i}") for i in range(self.TABS)]
        self.pool = ThreadPoolExecutor(self.TABS, thread_name_prefix=f"{name}-tab")

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.pool.shutdown(wait=True)
            for tab in self.tabs:
                tab.close()

    def check_all(self, proposals: list[Proposal]) -> list[bool]:
        """The live check of each proposal at once, a tab each, the same signed-in session."""
        for tab in self.tabs:
            tab.session.cookies.update(self.web.session.cookies)
            tab.csrf = self.web.csrf
        return list(self.pool.map(self.check, proposals, self.tabs[: len(proposals)]))

    def step(self) -> None:
        now = self.soak.recorder.now()
        if now < self.next_round:
            self.browse()
            return
        kind = next(self.kinds)
        self.web.get(  # the leader looks at the meetings first (and holds a fresh CSRF token)
            f"/inspections/{self.site.slug}/meetings/", pattern="/inspections/{slug}/meetings/"
        )
        proposals = self.candidates(kind)[: self.TABS]
        passed = [p for p, ok in zip(proposals, self.check_all(proposals), strict=True) if ok]
        slots: dict[tuple[int, int], list[Proposal]] = {}
        for p in passed:  # two slots were tried: race in the one more passed
            slots.setdefault((p.day, p.start) if kind != "same" else (0, 0), []).append(p)
        valid = max(slots.values(), key=len) if slots else []
        idle = [r for r in self.team if r.inbox.empty() and not r.racing]
        valid = valid[: min(len(idle), 3 if kind == "same" else 4)]
        self.next_round = self.soak.recorder.now() + self.rng.uniform(*self.every)
        if len(valid) < 2 or self.soak.stopping.is_set():
            self.soak.ledger.count("rounds_skipped")
            return
        number = next(self.rounds)
        barrier = threading.Barrier(len(valid), timeout=30)
        for racer, p in zip(self.rng.sample(idle, len(valid)), valid, strict=True):
            racer.inbox.put(RaceTask(number, p, barrier))
        self.soak.ledger.add("rounds", Round(number, kind, len(valid)))

    def candidates(self, kind: str) -> list[Proposal]:
        """Placements that would all clash with each other, each fine on its own if free:
        one meeting in several slots, or several meetings in one slot sharing a room, an
        inspector or a person (two slots are tried: the room or the person may be taken)."""
        rng, movable = self.rng, self.site.movable()
        if kind == "same":
            meeting = rng.choice(movable)
            found = [self.random_proposal(meeting) for _ in range(self.TABS)]
            return [p for p in found if p is not None]
        if kind == "room":
            group = [m for m in movable if m.mode == "in_person" and self.site.rooms_for(m)]
        else:
            holders: dict[str, list[MeetingInfo]] = {}
            for m in movable:
                for ref in m.inspectors if kind == "inspector" else m.attendees:
                    holders.setdefault(ref, []).append(m)
            shared = [ms for ms in holders.values() if len(ms) >= 2]
            if not shared:
                return []
            group = rng.choice(shared)
        half, room = self.TABS // 2, kind == "room"
        return self.sharing(group, room=room)[:half] + self.sharing(group, room=room)[:half]

    def sharing(self, group: list[MeetingInfo], *, room: bool) -> list[Proposal]:
        """As many of `group` as can start at one time on one day (in one room if `room`)."""
        rng = self.rng
        order = rng.sample(group, len(group))
        chosen = [order[0]]
        days, starts = set(order[0].days), set(order[0].starts())
        rooms = set(self.site.rooms_for(order[0])) if room else set()
        for m in order[1:]:
            d, t = days & set(m.days), starts & set(m.starts())
            r = rooms & set(self.site.rooms_for(m)) if room else rooms
            if d and t and (r or not room):
                chosen.append(m)
                days, starts, rooms = d, t, r
        if not days or not starts:
            return []
        day, start = rng.choice(sorted(days)), rng.choice(sorted(starts))
        shared_room = rng.choice(sorted(rooms)) if room else None
        out = []
        for m in chosen:
            where = shared_room
            if m.mode == "in_person" and where is None:
                where = rng.choice(self.site.rooms_for(m))
            out.append(Proposal(m, day, start, where if m.mode == "in_person" else None))
        return out


class Coordinator(Actor):
    """Reads the plan, releases, feed links and history; publishes the draft now and then."""

    think = (8.0, 16.0)
    every = (20.0, 30.0)

    def __init__(self, soak: Soak, account: Account, name: str, offset: float) -> None:
        super().__init__(soak, account, name)
        self.next_publish = offset

    def step(self) -> None:
        slug = self.site.slug
        now = self.soak.recorder.now()
        if now < self.next_publish:
            pattern, path = self.rng.choice(
                [
                    ("/inspections/{slug}/meetings/plan/", f"/inspections/{slug}/meetings/plan/"),
                    (
                        "/inspections/{slug}/meetings/releases/",
                        f"/inspections/{slug}/meetings/releases/",
                    ),
                    ("/inspections/{slug}/feeds/", f"/inspections/{slug}/feeds/"),
                    ("/inspections/{slug}/history/", f"/inspections/{slug}/history/"),
                    ("/inspections/{slug}/", f"/inspections/{slug}/"),
                ]
            )
            self.web.get(path, pattern=pattern)
            return
        self.next_publish = now + self.rng.uniform(*self.every)
        releases = f"/inspections/{slug}/meetings/releases/"
        pattern = "/inspections/{slug}/meetings/releases/"
        if self.web.get(releases, pattern=pattern) is None:
            return
        answer = self.web.post(
            releases + "publish/",
            {"notes": f"soak {self.name}"},
            kind="publish",
            pattern=pattern + "publish/",
            expect=(302,),
        )
        answered = self.soak.recorder.now()
        page = self.web.get(releases, pattern=pattern) if answer is not None else None
        if answer is None or answer.status_code != 302 or page is None or page.status_code != 200:
            self.soak.ledger.count("publish_unknown")  # no answer, or no page to say how it went
            return
        published = PUBLISHED.search(page.text)
        if published:
            self.soak.ledger.add("published", (int(published.group(1)), answered))
            return
        shown = ERROR_MESSAGE.search(page.text)
        why = re.sub(r"\s+", " ", html.unescape(shown.group(1))).strip() if shown else "no message"
        self.soak.ledger.add("publish_refused", why[:200])


class PlanCoordinator(Actor):
    """Runs the background planner (django-q2 on Redis) and watches its progress as the page's
    htmx poll does, every 2 s; starts another when it has finished."""

    think = (2.0, 2.0)

    def __init__(self, soak: Soak, account: Account, name: str) -> None:
        super().__init__(soak, account, name)
        self.run_pk: int | None = None
        self.run_started = 0.0
        self.rest_until = 0.0

    def step(self) -> None:
        slug = self.site.slug
        plan = f"/inspections/{slug}/meetings/plan/"
        now = self.soak.recorder.now()
        if self.run_pk is not None:
            page = self.web.get(
                f"{plan}runs/{self.run_pk}/",
                kind="plan",
                pattern="/inspections/{slug}/meetings/plan/runs/{pk}/",
            )
            if page is None or page.status_code != 200 or "hx-get" in page.text:
                return  # still queued or running (or no answer): poll again
            outcome = "done" if "govuk-tag--green" in page.text else "failed"
            self.soak.ledger.add("jobs", (self.run_pk, outcome, self.run_started, now))
            self.run_pk = None
            self.rest_until = now + self.rng.uniform(3.0, 8.0)
            return
        if now < self.rest_until:
            self.browse()
            return
        if self.web.get(plan, pattern="/inspections/{slug}/meetings/plan/") is None:
            return
        answer = self.web.post(
            f"{plan}start/",
            {
                "time_limit": 3,
                "seed": self.rng.randint(0, 1000),
                **({"fresh": "1"} if self.rng.random() < 0.5 else {}),
            },
            kind="plan",
            pattern="/inspections/{slug}/meetings/plan/start/",
            expect=(302,),
        )
        if answer is None or answer.status_code != 302:
            return
        page = self.web.get(plan, pattern="/inspections/{slug}/meetings/plan/")
        if page is None or page.status_code != 200:
            return
        if "already being worked out" in page.text:
            self.soak.ledger.count("jobs_refused")
            self.rest_until = now + 5.0
            return
        found = RUN_LINK.search(page.text)
        if found:
            self.run_pk, self.run_started = int(found.group(1)), now


class FeedPoller(Actor):
    """A calendar client: polls private feeds, revalidating with If-None-Match (a real one
    polls hourly; four of these stand for a few hundred subscribed diaries)."""

    think = (4.0, 10.0)

    def __init__(self, soak: Soak, name: str) -> None:
        super().__init__(soak, None, name)
        self.etags: dict[str, tuple[str, int | None]] = {}

    def step(self) -> None:
        feed = self.rng.choice(self.site.feeds)
        cached = self.etags.get(feed.path)
        asked = self.soak.recorder.now()
        answer = self.web.get(
            feed.path,
            kind="feed",
            pattern=f"/feeds/<{feed.kind} secret>.ics",
            headers={"If-None-Match": cached[0]} if cached else None,
            expect=(200, 304),
        )
        if answer is None:
            return
        version: int | None = None
        if answer.status_code == 304 and cached:
            version = cached[1]
            self.soak.ledger.count("feed_not_modified")
        elif answer.status_code == 200:
            found = FEED_RELEASE.search(answer.content)
            version = int(found.group(1)) if found else None
            self.etags[feed.path] = (answer.headers.get("ETag", ""), version)
        if version is not None:
            self.soak.ledger.add("feed_seen", (asked, version))
