"""Timetabling solver: greedy first-fit vs CP-SAT on Shropshire, x2, x4 and a tight copy.

Prints, for each size: meetings placed, hard violations (check), soft score, bound gap, seconds,
for greedy and CP-SAT side by side, the ratio CP-SAT / greedy penalty, peak memory, and the
re-plan time after one inspector's sick day. BENCH_QUICK=1 uses short time limits.
"""

from __future__ import annotations

import dataclasses
import io
import os
import resource
import tempfile
import time

from benchmarks.instances import scale, shropshire, tighten
from scheduling.solver import Problem, Solution, Span, check, greedy, replan, solve


def _real_scenario() -> Problem:
    """The shropshire-2025 scenario through the scheduling shell's adapter (temp SQLite DB)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django  # noqa: PLC0415 - after Django is set up for the benchmark
    from django.apps import apps  # noqa: PLC0415 - after Django is set up for the benchmark

    tmp = os.path.join(tempfile.mkdtemp(prefix="bench_solver_"), "bench.sqlite3")
    if apps.ready:  # another benchmark set Django up: never load into its database
        from django.conf import settings  # noqa: PLC0415 - after Django is set up for the benchmark

        if settings.DATABASES["default"]["NAME"] != tmp:
            raise RuntimeError("Django already set up with another database")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    django.setup()
    from django.core.management import call_command  # noqa: PLC0415 - after Django is set up for the benchmark

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_scenario", "shropshire-2025", verbosity=0, stdout=io.StringIO())
    from inspections.models import Inspection  # noqa: PLC0415 - after Django is set up for the benchmark

    try:
        from scheduling.planning import build_problem  # noqa: PLC0415 - after Django is set up for the benchmark
    except ImportError:
        from scheduling.problem_builder import build_problem  # noqa: PLC0415 - after Django is set up for the benchmark

    inspection = Inspection.objects.get(slug="shropshire-2025")
    return build_problem(inspection)


def _base() -> tuple[Problem, str]:
    try:
        problem = _real_scenario()
        if len(problem.meetings) >= 50:
            return problem, "real shropshire-2025 scenario (load_scenario + build_problem)"
        note = f"real scenario has only {len(problem.meetings)} meetings"
    except Exception as exc:  # the shell may not be ready: fall back, and say so
        note = f"real scenario unavailable ({type(exc).__name__}: {exc})"
    return shropshire(), f"SYNTHETIC generator (benchmarks.instances.generate); {note}"


def _row(name: str, kind: str, problem: Problem, sol: Solution) -> str:
    violations = len(check(problem, sol.placements))
    soft = sol.soft.get("total", 0.0)
    gap = "-"
    if sol.bound is not None and sol.status != "greedy" and soft > 0:
        gap = f"{(soft - sol.bound) / soft:.0%}"
    return (
        f"{name:<11}{kind:<8}{len(sol.placements):>4}/{len(problem.meetings):<5}"
        f"{violations:>5}{soft:>11.0f}{gap:>8}{sol.seconds:>9.2f}  {sol.status}"
    )


def _sick_day(problem: Problem, placements: dict) -> tuple[Problem, str, int]:
    """The inspector with most meetings on one on-site day is off sick that day."""
    counts: dict[tuple[str, int], int] = {}
    by_day = {d.midnight: d for d in problem.days}
    for p in placements.values():
        mn = max((m for m in by_day if m <= p.start), default=None)
        if mn is None:
            continue
        for iid in p.inspectors:
            counts[(iid, mn)] = counts.get((iid, mn), 0) + 1
    (iid, mn), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    lo, hi = mn, mn + 24 * 60

    def cut(spans: tuple[Span, ...]) -> tuple[Span, ...]:
        out = []
        for s in spans:
            if s.start < lo:
                out.append(Span(s.start, min(s.end, lo)))
            if s.end > hi:
                out.append(Span(max(s.start, hi), s.end))
        return tuple(x for x in out if x.end > x.start)

    inspectors = tuple(
        dataclasses.replace(i, available=cut(i.available)) if i.id == iid else i
        for i in problem.inspectors
    )
    day = by_day[mn].number
    touched = sum(1 for p in placements.values() if iid in p.inspectors and lo <= p.start < hi)
    return dataclasses.replace(problem, inspectors=inspectors), f"{iid} on day {day}", touched


def run() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    base, source = _base()
    print(f"Shropshire: {source}; {len(base.meetings)} meetings")
    cases = [
        ("Shropshire", base, 5 if quick else 30),
        ("x2", scale(base, 2), 5 if quick else 30),
        ("x4", scale(base, 4), 10 if quick else 120),
        ("tight", tighten(base), 10 if quick else 120),
    ]
    print(
        "soft = score() total (every goal plus 100000 per unplaced meeting); gap = (soft - bound)"
    )
    print("/ soft, bound from CP-SAT (0 for parts improved window by window)")
    print(f"{'size':<11}{'solver':<8}{'placed':<10}{'hard':>5}{'soft':>11}{'gap':>8}{'seconds':>9}")
    ratios = []
    plans = {}
    for name, problem, limit in cases:
        g = greedy(problem)
        print(_row(name, "greedy", problem, g), flush=True)
        s = solve(problem, time_limit=limit, seed=0, workers=2, hint=g.placements)
        print(_row(name, "cp-sat", problem, s), flush=True)
        goals = {k: v for k, v in s.soft.items() if k not in ("total", "unplaced")}
        g_goals = {k: v for k, v in g.soft.items() if k not in ("total", "unplaced")}
        ratio = s.soft["total"] / g.soft["total"] if g.soft["total"] else 1.0
        goal_ratio = sum(goals.values()) / sum(g_goals.values()) if sum(g_goals.values()) else 1.0
        ratios.append((name, ratio, goal_ratio, limit))
        print(f"    cp-sat by goal: {', '.join(f'{k} {v:.0f}' for k, v in goals.items())}")
        plans[name] = s
        for mid, why in list(s.unplaced.items())[:3]:
            print(f"    unplaced {mid}: {'; '.join(why)}")
    for name, ratio, goal_ratio, limit in ratios:
        print(
            f"ratio cp-sat/greedy penalty {name:<11}{ratio:6.2f}  (soft goals only, unplaced "
            f"penalty left out: {goal_ratio:.2f}; limit {limit} s; target <= 0.50)"
        )
    sick, who, touched = _sick_day(base, plans["Shropshire"].placements)
    t = time.perf_counter()
    r = replan(sick, plans["Shropshire"].placements, time_limit=2.0, seed=0)
    took = time.perf_counter() - t
    print(
        f"re-plan after sick day ({who}, {touched} meetings): {took:.2f} s, moved {len(r.moved)}, "
        f"unplaced {len(r.unplaced)}, hard violations {len(check(sick, r.placements))} (target < 2 s)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (process max RSS): {peak:.0f} MB (target < 1024 MB)")


if __name__ == "__main__":
    run()
