"""Figures from the request records: latency by kind, statuses, the outage window, and the
server's tracebacks for errors outside it (the log is sampled for its size as the soak runs,
so each traceback gets a time on the soak's clock)."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.soak.web import Record

GRACE_S = 2.0  # after the first success: workers still finding their connections dead
ERROR_START = re.compile(
    r"Internal Server Error: |Traceback \(most recent call last\)|WORKER TIMEOUT"
)
ERROR_PART = re.compile(
    r"Traceback|[A-Za-z_.]+(Error|Exception)\b|The above exception|During handling"
)


@dataclass(frozen=True)
class Window:
    began: float  # just before the restart command
    restarted: float  # the command returned: PostgreSQL accepts connections again
    first_success: float | None
    end: float

    def covers(self, record: Record) -> bool:
        return record.started <= self.end and record.ended >= self.began


def outage_window(records: Iterable[Record], began: float, restarted: float) -> Window:
    """From the restart to the first request that succeeds after it, plus a short grace."""
    after = [r.ended for r in records if r.ended >= restarted and 200 <= r.status < 500]
    first = min(after) if after else None
    return Window(began, restarted, first, (first if first is not None else restarted) + GRACE_S)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_table(records: list[Record]) -> list[str]:
    answered = [r for r in records if r.status]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r in answered:
        by_kind[r.kind].append(r.seconds * 1000)
    lines = [f"  {'kind':<10}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"]
    rows = [("all", [r.seconds * 1000 for r in answered])] + sorted(by_kind.items())
    for kind, values in rows:
        if values:
            lines.append(
                f"  {kind:<10}{len(values):>9}{percentile(values, 0.5):>9.0f}"
                f"{percentile(values, 0.95):>9.0f}{max(values):>9.0f}"
            )
    return lines


def status_line(records: list[Record]) -> str:
    counts = Counter(r.status for r in records)
    parts = [f"{s}: {n}" for s, n in sorted(counts.items()) if s]
    if counts.get(0):
        parts.append(f"no answer: {counts[0]}")
    return " · ".join(parts)


def unexpected(records: list[Record], window: Window) -> dict[str, tuple[int, Record]]:
    """Answers a request should never get (a 403, a 404 ...) outside the outage: how many of
    each status and URL, with the first one seen."""
    out: dict[str, tuple[int, Record]] = {}
    for r in records:
        if r.expected or r.server_error or window.covers(r):
            continue
        key = f"{r.status} {r.method} {r.pattern}"
        n, first = out.get(key, (0, r))
        out[key] = (n + 1, first)
    return out


class LogClock:
    """(soak time, log size) samples: the time a byte of the server log was written by."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.times: list[float] = []
        self.sizes: list[int] = []

    def sample(self, now: float) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        self.times.append(now)
        self.sizes.append(size)

    def time_of(self, offset: int) -> float:
        i = bisect.bisect_left(self.sizes, offset + 1)
        return self.times[min(i, len(self.times) - 1)] if self.times else 0.0


def tracebacks_outside(clock: LogClock, window: Window, limit: int = 3) -> list[str]:
    """The server's first few errors (tracebacks, worker timeouts) logged outside the outage."""
    try:
        lines = clock.path.read_bytes().decode(errors="replace").splitlines(keepends=True)
    except FileNotFoundError:
        return []
    blocks: list[tuple[int, list[str]]] = []  # (byte offset, lines)
    offset = 0
    for i, line in enumerate(lines):
        starts = ERROR_START.search(line) and not (
            line.startswith("Traceback") and i and "Internal Server Error" in lines[i - 1]
        )
        if starts:
            blocks.append((offset, [line.rstrip()]))
        elif (
            blocks
            and len(blocks[-1][1]) < 40
            and (line[:1].isspace() or not line.strip() or ERROR_PART.match(line))
        ):
            blocks[-1][1].append(line.rstrip())
        offset += len(line.encode())
    out = []
    for start, block in blocks:
        when = clock.time_of(start)
        if window.began - 0.5 <= when <= window.end + 0.5:
            continue
        out.append(f"  at about {when:.1f} s:\n    " + "\n    ".join(block))
        if len(out) == limit:
            break
    return out
