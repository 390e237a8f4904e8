"""The soak, start to end: set-up, 50 users for the run, a PostgreSQL restart in the middle,
then the checks and the figures. Exits 1 if any check fails. The servers it started are
stopped whatever happens; PostgreSQL is left running."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.db import connections

from benchmarks.soak import checks, infra, report, seed
from benchmarks.soak.seed import Account, Site
from benchmarks.soak.users import (
    Actor,
    Browsing,
    Coordinator,
    FeedPoller,
    Ledger,
    PlanCoordinator,
    Planner,
    RaceLeader,
    Racer,
    Soak,
    Ticker,
)
from benchmarks.soak.web import Browser, Recorder

SCENARIO = "shropshire-2025"
LIVE = f"{SCENARIO}-live"  # everything is checked here: moves, races, ticks, publishing
OTHER = SCENARIO  # the background planner's inspection (its runs rewrite the draft)
GUNICORN_WORKERS = 4
QCLUSTERS = 2
STAFF_TICKERS = 3  # staff who tick their own tasks; the rest of the tickers are project team
TEAM_TICKERS = 11


def _accounts(sites: dict[str, Site]) -> dict[str, list[Account]]:
    """50 users: who they are on which inspection (feed pollers need no account)."""

    def many(kind: str, n: int, role: str, slug: str = LIVE) -> list[Account]:
        return [Account(f"soak-{kind}-{i}", role, slug) for i in range(1, n + 1)]

    owners = Counter(t.owner_ref for t in sites[LIVE].tasks.values() if t.owner_ref)
    # the owners of fewest tasks, so most tasks stay for the project team to share
    staff_refs = [ref for ref, _ in sorted(owners.items(), key=lambda kv: (kv[1], kv[0]))]
    return {
        "coordinator": many("coordinator", 2, "coordinator"),
        "planner": many("planner", 7, "project_team"),
        "racer": many("racer", 10, "project_team"),
        "staff": [
            Account(f"soak-staff-{i}", "staff", LIVE, ref)
            for i, ref in enumerate(staff_refs[:STAFF_TICKERS], 1)
        ],
        "ticker": many("ticker", TEAM_TICKERS, "project_team"),
        "viewer": many("viewer", 4, "viewer"),
        "reader": many("reader", 4, "project_team"),
        "plan-coordinator": many("plan-coordinator", 1, "coordinator", OTHER),
        "other-planner": many("other-planner", 3, "project_team", OTHER),
        "other-viewer": many("other-viewer", 1, "viewer", OTHER),
    }


def _actors(soak: Soak, accounts: dict[str, list[Account]], feed_pollers: int) -> list[Actor]:
    site = soak.sites[LIVE]
    actors: list[Actor] = []
    actors += [
        Coordinator(soak, a, a.username, offset=8.0 + 10.0 * i)
        for i, a in enumerate(accounts["coordinator"])
    ]
    actors += [Planner(soak, a, a.username) for a in accounts["planner"]]
    racers = [Racer(soak, a, a.username) for a in accounts["racer"][1:]]
    lead = accounts["racer"][0]
    actors += [RaceLeader(soak, lead, lead.username, racers), *racers]
    # each task has one writer, so "the last change its owner saw succeed" is well defined
    staff = {a.person_ref: a for a in accounts["staff"]}
    shared = [t for t in site.tasks.values() if t.owner_ref not in staff]
    for a in accounts["staff"]:
        mine = [t for t in site.tasks.values() if t.owner_ref == a.person_ref]
        actors.append(Ticker(soak, a, a.username, mine))
    for i, a in enumerate(accounts["ticker"]):
        actors.append(Ticker(soak, a, a.username, shared[i :: len(accounts["ticker"])]))
    actors += [Browsing(soak, a, a.username) for a in accounts["viewer"] + accounts["reader"]]
    actors += [PlanCoordinator(soak, a, a.username) for a in accounts["plan-coordinator"]]
    actors += [Planner(soak, a, a.username) for a in accounts["other-planner"]]
    actors += [Browsing(soak, a, a.username) for a in accounts["other-viewer"]]
    actors += [FeedPoller(soak, f"soak-feeds-{i}") for i in range(1, feed_pollers + 1)]
    return actors


def _set_up(
    env: dict[str, str], log_path: Path, password: str
) -> tuple[dict[str, Site], dict[str, str]]:
    with log_path.open("w") as log:
        infra.manage(env, log, "migrate", "--noinput")
        infra.manage(env, log, "load_scenario", SCENARIO, "--live")
        infra.manage(env, log, "load_scenario", SCENARIO)
        infra.manage(env, log, "plan_meetings", LIVE, "--publish", "--time-limit", "5")
        # the other inspection starts unplanned: its planner coordinator's first run plans it
    sites = {
        LIVE: seed.load_site(LIVE, with_feeds=True),
        OTHER: seed.load_site(OTHER, with_feeds=False),
    }
    sessions = seed.create_accounts(
        [a for group in _accounts(sites).values() for a in group], password, form_sign_in=5
    )
    return sites, sessions


def _final_feeds(base: str, site: Site) -> dict[tuple[str, str], bytes | None]:
    """Every feed once more after the load, four at a time (one per gunicorn worker)."""
    webs = [Browser(base, Recorder(), f"final-feeds-{i}") for i in range(GUNICORN_WORKERS)]

    def fetch(i: int) -> list[tuple[tuple[str, str], bytes | None]]:
        out = []
        for feed in site.feeds[i :: len(webs)]:
            answer = webs[i].get(feed.path, kind="feed")
            body = answer.content if answer is not None and answer.status_code == 200 else None
            out.append(((feed.kind, feed.ref), body))
        webs[i].close()
        return out

    with ThreadPoolExecutor(len(webs)) as pool:
        return dict(pair for part in pool.map(fetch, range(len(webs))) for pair in part)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 120)))
    parser.add_argument("--feed-pollers", type=int, default=4)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    run_dir = Path(tempfile.mkdtemp(prefix="ilacs-soak-"))
    procs = infra.Processes()
    # the servers run in sessions of their own: a terminated soak must still stop them
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return _soak(args.seconds, args.feed_pollers, env, run_dir, procs)
    finally:
        procs.stop()
        connections.close_all()


def _soak(
    seconds: float, feed_pollers: int, env: dict[str, str], run_dir: Path, procs: infra.Processes
) -> int:
    version, cluster = infra.pg_version(), env["SOAK_PG_CLUSTER"]
    port, pg_port = int(env["SOAK_PORT"]), int(env["SOAK_PG_PORT"])
    base = f"http://{infra.HOST}:{port}"
    print(f"== soak: logs in {run_dir}", flush=True)
    started = time.monotonic()
    infra.ensure_cluster(version, cluster, pg_port)
    infra.recreate_database(pg_port, env["SOAK_DB"])
    infra.flush_redis(env["REDIS_URL"])
    password = secrets.token_urlsafe(16)
    sites, sessions = _set_up(env, run_dir / "setup.log", password)
    live = sites[LIVE]
    initial_meetings = checks.meeting_states(LIVE)
    initial_tasks = checks.task_states(LIVE)
    before = checks.sql_double_bookings() + checks.draft_violations(LIVE)
    connections.close_all()  # the restart would break them; Django reconnects after
    server_log = run_dir / "gunicorn.log"
    procs.start(
        "gunicorn",
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "-b",
            f"{infra.HOST}:{port}",
            "-w",
            str(GUNICORN_WORKERS),
            "--timeout",
            "30",
            "--graceful-timeout",
            "10",
        ],
        env,
        server_log,
    )
    for i in range(1, QCLUSTERS + 1):
        procs.start(
            f"qcluster-{i}",
            [sys.executable, "manage.py", "qcluster"],
            env,
            run_dir / f"qcluster-{i}.log",
        )
    infra.wait_until_up(port)
    print(
        f"   set-up {time.monotonic() - started:.0f} s: PostgreSQL {version}/{cluster} "
        f"(port {pg_port}), database {env['SOAK_DB']}, Redis {env['REDIS_URL']}, "
        f"gunicorn {GUNICORN_WORKERS} workers on {base}, {QCLUSTERS} qcluster",
        flush=True,
    )

    recorder, ledger = Recorder(), Ledger()
    soak = Soak(base, recorder, ledger, password, sessions, sites, LIVE, OTHER, seed=11)
    actors = _actors(soak, _accounts(sites), feed_pollers)
    restart_at = seconds / 2
    print(
        f"== load: {len(actors)} users for {seconds:.0f} s; PostgreSQL restarts at "
        f"{restart_at:.0f} s",
        flush=True,
    )
    clock = report.LogClock(server_log)
    recorder.origin = time.monotonic()
    for actor in actors:
        actor.start()
        time.sleep(0.05)  # a morning's sign-ins, not one instant
    began = restarted = None
    while recorder.now() < seconds:
        clock.sample(recorder.now())
        if began is None and recorder.now() >= restart_at:
            began = recorder.now()
            infra.restart_cluster(version, cluster)
            restarted = recorder.now()
            print(f"   PostgreSQL restarted: {began:.1f} s to {restarted:.1f} s", flush=True)
        time.sleep(0.25)
    cpu = procs.cpu_seconds()
    soak.stopping.set()
    deadline = time.monotonic() + 60
    for actor in actors:
        actor.join(timeout=max(0.1, deadline - time.monotonic()))
    still = [a.name for a in actors if a.is_alive()]
    clock.sample(recorder.now())
    # let a background plan run that is under way finish (or be seen stuck)
    settle = time.monotonic() + 15
    while time.monotonic() < settle and checks.plan_runs(OTHER).keys() & {"queued", "running"}:
        time.sleep(1)
    bodies = _final_feeds(base, live)
    dead = [name for name, proc in procs.started if proc.poll() is not None]
    procs.stop()
    connections.close_all()
    assert began is not None and restarted is not None
    return _report(
        soak,
        report.outage_window(recorder.snapshot(), began, restarted),
        clock,
        seconds,
        before=before,
        initial=(initial_meetings, initial_tasks),
        bodies=bodies,
        still=still,
        dead=dead,
        cpu=cpu,
    )


def _report(
    soak: Soak,
    window: report.Window,
    clock: report.LogClock,
    seconds: float,
    *,
    before: list[str],
    initial: tuple[dict[int, checks.State], dict[int, str]],
    bodies: dict[tuple[str, str], bytes | None],
    still: list[str],
    dead: list[str],
    cpu: dict[str, float],
) -> int:
    records, ledger = soak.recorder.snapshot(), soak.ledger
    server_errors = [r for r in records if r.server_error]
    outside = [r for r in server_errors if not window.covers(r)]
    strange = report.unexpected(records, window)
    moves = Counter(m.outcome for m in ledger.moves if m.race is None)
    races = Counter(m.outcome for m in ledger.moves if m.race is not None)
    wins = Counter(
        sum(1 for m in ledger.moves if m.race == r.number and m.outcome == "ok")
        for r in ledger.rounds
    )
    doubled = [
        r
        for r in ledger.rounds
        if r.kind != "same"
        and sum(1 for m in ledger.moves if m.race == r.number and m.outcome == "ok") > 1
    ]
    ticks = Counter(t.outcome for t in ledger.ticks)
    sql = checks.sql_double_bookings()
    drafts = {slug: checks.draft_violations(slug) for slug in (LIVE, OTHER)}
    releases = checks.release_double_bookings()
    released = sorted(n for n, _ in ledger.published)
    lost_meetings = checks.lost_meeting_updates(
        initial[0], checks.meeting_states(LIVE), ledger.moves
    )
    lost_tasks = checks.lost_task_updates(initial[1], checks.task_states(LIVE), ledger.ticks)
    feeds = checks.feed_mismatches(LIVE, bodies)
    stale_feeds = checks.stale_feed_answers(ledger.published, ledger.feed_seen)
    runs = checks.plan_runs(OTHER)
    jobs = Counter(outcome for _, outcome, _, _ in ledger.jobs)

    print("== figures")
    print(
        f"requests: {len(records)} in {seconds:.0f} s ({len(records) / seconds:.1f}/s); "
        f"statuses: {report.status_line(records)}"
    )
    print(
        f"outage: restart {window.began:.1f}–{window.restarted:.1f} s, first success "
        f"{window.first_success if window.first_success is None else round(window.first_success, 1)} s, "
        f"window {window.began:.1f}–{window.end:.1f} s ({window.end - window.began:.1f} s): "
        f"{len(server_errors) - len(outside)} server errors inside it"
    )
    web_cpu = cpu.get("gunicorn", 0.0)
    print(
        f"server CPU during the load: gunicorn {web_cpu:.0f} s "
        f"({1000 * web_cpu / max(1, len(records)):.0f} ms a request), qcluster "
        f"{sum(v for k, v in cpu.items() if k.startswith('qcluster')):.0f} s, over "
        f"{seconds:.0f} s on {os.cpu_count()} cores shared with whatever else runs"
    )
    print("latency:")
    for line in report.latency_table(records):
        print(line)
    print(
        f"moves: {moves['ok']} saved, {moves['refused']} refused by a rule, {moves['stale']} "
        f"stale, {moves['unknown']} without an answer"
    )
    kinds = Counter(r.kind for r in ledger.rounds)
    print(
        f"races: {len(ledger.rounds)} rounds ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}; "
        f"{ledger.rounds_skipped} not started: too few free candidates), {sum(r.size for r in ledger.rounds)} "
        f"saves pressed together: {races['ok']} saved, {races['refused']} refused, "
        f"{races['stale']} stale, {races['unknown']} without an answer; saved per round "
        f"{dict(sorted(wins.items()))}; rounds with two or more saved into one room, inspector "
        f"or person: {len(doubled)}"
    )
    print(
        f"tasks: {ticks['ok']} changes saved, {ticks['blocked']} refused (dependencies), "
        f"{ticks['unknown']} without an answer"
    )
    print(
        f"releases: {len(released)} published by the soak"
        f"{f' (v{released[0]}–v{released[-1]})' if released else ''}, {len(ledger.publish_refused)} refused, {ledger.publish_unknown} without an answer; "
        f"feeds polled {len(ledger.feed_seen)} times ({ledger.feed_not_modified} not modified), "
        f"{stale_feeds} answers older than a release already published"
    )
    print(
        f"background planner (django-q2 on Redis): runs in the database {dict(sorted(runs.items()))}; "
        f"seen finishing by its page {dict(sorted(jobs.items()))}; {ledger.jobs_refused} starts "
        f"refused while a run was in progress (not a pass/fail check: see issue 11 point 2)"
    )
    for why, n in Counter(ledger.publish_refused).most_common(3):
        print(f"  publish refused {n} × {why!r}")
    if strange:
        print(f"unexpected answers outside the outage ({sum(n for n, _ in strange.values())}):")
        for what, (n, first) in sorted(strange.items(), key=lambda kv: -kv[1][0])[:10]:
            print(f"  {n} × {what} (first: {first.who} at {first.started:.1f} s, {first.error!r})")
    if ledger.driver_errors:
        print(
            f"soak driver errors: {len(ledger.driver_errors)}; the first:\n{ledger.driver_errors[0]}"
        )
    if still or dead:
        print(f"threads still running: {still}; servers that had exited: {dead}")

    failures = []
    print("== checks")

    def verdict(name: str, problems: list[str], note: str = "") -> None:
        print(f"[{_verdict(not problems)}] {name}: {len(problems)}{note}")
        for p in problems[:10]:
            print(f"    {p}")
        if problems:
            failures.append(name)

    verdict("double bookings before the load", before)
    verdict(
        "server errors outside the outage window",
        [f"{r.status or 'no answer'} {r.method} {r.pattern} at {r.started:.1f} s" for r in outside],
    )
    if outside:
        for block in report.tracebacks_outside(clock, window):
            print(block)
    verdict("double bookings in the database (SQL: room, inspector, person)", sql)
    for slug, problems in drafts.items():
        verdict(f"hard-rule violations in the draft of {slug} (check_plan)", problems)
    verdict(
        "double bookings in releases",
        [f"{name}: {p}" for name, ps in releases.items() for p in ps],
        f" (in {len(releases)} releases)",
    )
    verdict(
        "race rounds with more than one save into one slot",
        [f"round {r.number} ({r.kind})" for r in doubled],
    )
    verdict("lost updates: meetings", lost_meetings)
    verdict("lost updates: tasks", lost_tasks)
    verdict(
        "feeds differing from the latest release after the load",
        feeds,
        f" (of {len(bodies)} feeds)",
    )
    verdict(
        "feed answers older than a published release",
        [f"{stale_feeds} answers"] if stale_feeds else [],
    )
    verdict(
        "soak driver errors", ledger.driver_errors[:1] and [f"{len(ledger.driver_errors)} errors"]
    )
    print(f"== soak {'FAILED: ' + '; '.join(failures) if failures else 'passed'}", flush=True)
    return 1 if failures else 0
