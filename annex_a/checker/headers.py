"""Matching a sheet's header row to a list's columns: tolerant, and says what it took."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from annex_a.checker.report import Finding
from annex_a.checker.spec import ListSpec, normalise

# A header this close to a column's name (difflib ratio) is taken for it, with a warning.
CLOSE_MATCH = 0.85


@dataclass
class HeaderMatch:
    positions: dict[str, int] = field(default_factory=dict)  # column name -> cell index
    taken: dict[str, str] = field(default_factory=dict)  # column name -> header text
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def match_headers(spec: ListSpec, cells: Sequence[object], row: int) -> HeaderMatch:
    result = HeaderMatch()
    headers = {i: str(c).strip() for i, c in enumerate(cells) if c is not None and str(c).strip()}
    keys = {i: normalise(h) for i, h in headers.items()}
    free = dict(keys)

    def take(column: str, index: int) -> None:
        result.positions[column] = index
        result.taken[column] = headers[index]
        del free[index]

    # exact (after folding case, spacing, punctuation), then each known alias
    for column in spec.columns:
        for key in column.header_keys:
            index = next((i for i, k in free.items() if k == key), None)
            if index is not None:
                take(column.name, index)
                if headers[index] != column.name:
                    result.notes.append(f"took header {headers[index]!r} for {column.name!r}")
                break
    # near misses: taken, but the header is misnamed
    for column in spec.columns:
        if column.name in result.positions or not free:
            continue
        best, best_ratio = None, 0.0
        for i, k in free.items():
            for key in column.header_keys:
                ratio = difflib.SequenceMatcher(None, key, k).ratio()
                if ratio > best_ratio:
                    best, best_ratio = i, ratio
        if best is not None and best_ratio >= CLOSE_MATCH:
            header = headers[best]
            take(column.name, best)
            result.findings.append(
                Finding(
                    spec.number,
                    row,
                    column.name,
                    f"header {header!r} looks misnamed: taken for {column.name!r}",
                    kind="header",
                    severity="warning",
                )
            )
            result.notes.append(f"took misnamed header {header!r} for {column.name!r}")
    for column in spec.columns:
        if column.name not in result.positions:
            result.findings.append(
                Finding(
                    spec.number,
                    row,
                    column.name,
                    f"column {column.name!r} is missing",
                    kind="missing_column",
                    severity="error" if column.mandatory else "warning",
                )
            )
    for i in free:
        result.findings.append(
            Finding(
                spec.number,
                row,
                headers[i],
                f"header {headers[i]!r} is not a column of list {spec.number}: ignored",
                kind="header",
                severity="warning",
            )
        )
    return result
