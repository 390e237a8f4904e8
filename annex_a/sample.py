"""Made-up Annexe A extracts for tests, the benchmark and demos: valid rows, no real children.

Child IDs are 'C' + a number shared across lists, so row i of every list is the same child and the
cross-list dependencies hold when a dependent list is no longer than the lists it depends on.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from annex_a.checker import AnnexASpec, ColumnSpec, ListSpec

TEAMS = [
    "Assessment North",
    "Assessment South",
    "Safeguarding Central",
    "Children in Care",
    "Leaving Care",
    "Disabled Children",
    "Adoption West Mercia",
]

# Realistic shares of an Annexe A for a council with about 2,100 allocated children.
SHARES = {
    1: 0.42,
    2: 0.07,
    3: 0.08,
    4: 0.09,
    5: 0.035,
    6: 0.16,
    7: 0.016,
    8: 0.075,
    9: 0.03,
    10: 0.006,
    11: 0.008,
}


def counts_for(total: int) -> dict[int, int]:
    """Rows per list for a workbook of about `total` rows, dependencies kept satisfiable."""
    counts = {n: max(3, round(total * share)) for n, share in SHARES.items()}
    counts[4] = min(counts[4], counts[3])
    counts[7] = min(counts[7], counts[5], counts[6])
    counts[10] = min(counts[10], counts[8])
    counts[1] = max(3, counts[1] + total - sum(counts.values()))  # contacts take up the rounding
    return counts


def _value(column: ColumnSpec, i: int, rng: random.Random, start: dt.date, end: dt.date) -> object:
    if column.name in ("Child Unique ID", "Individual adopter identifier"):
        return f"C{i:06d}"
    if column.type == "date":
        if column.sensitive:
            return end - dt.timedelta(days=rng.randint(30, 17 * 365))
        if column.period == "within" and not column.mandatory:
            return None  # closure and end dates: mostly still open
        days = (end - start).days if column.period == "within" or "Start" in column.name else 700
        return end - dt.timedelta(days=rng.randint(0, max(days, 1)))
    if column.type == "int":
        return rng.randint(0, 9) if column.name != "Age of Child (Years)" else rng.randint(0, 17)
    if column.type == "code":
        assert column.codes is not None
        code = rng.choice(column.codes.codes)
        return f"{code.code}) {code.label}" if len(code.code) == 1 else code.code
    if "Team" in column.name:
        return rng.choice(TEAMS)
    if "postcode" in column.name.lower():
        return "SY1 1AA"
    if "Worker" in column.name or "Advisor" in column.name:
        return f"Worker {rng.randint(1, 180)}"
    return f"{column.name[:12]} {rng.randint(1, 50)}"


def sample_rows(
    list_spec: ListSpec, notification: dt.date, n: int, rng: random.Random
) -> Iterator[list[object]]:
    start, end = list_spec.period(notification)
    for i in range(1, n + 1):
        yield [_value(c, i, rng, start, end) for c in list_spec.columns]


def write_workbook(
    target: str | Path | IO[bytes],
    sheets: Sequence[tuple[str, Sequence[str], Iterator[Sequence[object]]]],
) -> None:
    """Streams sheets (title, headers, rows) to an xlsx with openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(list(headers))
        for row in rows:
            sheet.append(list(row))
    workbook.save(target)


def write_sample_workbook(
    target: str | Path | IO[bytes],
    spec: AnnexASpec,
    notification: dt.date,
    counts: Mapping[int, int],
    seed: int = 1,
) -> None:
    rng = random.Random(seed)
    write_workbook(
        target,
        [
            (
                f"List {s.number}",
                [c.name for c in s.columns],
                sample_rows(s, notification, counts.get(s.number, 0), rng),
            )
            for s in spec.lists
        ],
    )
