"""What a check returns: counts and findings per list, never the rows themselves."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    list: int | None  # None: about the file as a whole
    row: int | None  # the row number a spreadsheet shows; None: about the sheet or a column
    column: str
    message: str
    child_id: str = ""
    kind: str = ""  # header, missing_column, blank, date, period, number, code, formula,
    #                 error_value, duplicate, dependency, missing_list, sheet; warnings:
    #                 fraction (a fractional age), text_date (a date typed as text), header
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Kinds about a whole list or sheet: nothing below them can be trusted until they are fixed.
STRUCTURAL = frozenset({"missing_list", "sheet", "missing_column"})
FIRST_ROWS = 5  # rows a grouped finding names
# Per-row messages that differ by the value they quote, and what a group of them says.
SUMMARIES = {
    "date": "{column}: values that are not dates: format the column as dates (dd/mm/yyyy)",
    "period": "{column}: dates outside the list's period or after the notification date",
    "number": "{column}: values that are not whole numbers",
    "code": "{column}: values that are not {column} codes",
    "duplicate": "rows that repeat an earlier row of the list",
}


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one kind in one column of one list, as one thing to fix: how many rows,
    which rows first, and one message for them all (the first row's as an example)."""

    list: int | None
    column: str
    kind: str
    severity: str
    count: int
    first_rows: tuple[int, ...]
    message: str
    example: str  # the first finding's own message
    order: tuple[object, ...] = field(default=(), compare=False, repr=False)

    @property
    def rows_text(self) -> str:
        if not self.first_rows:
            return ""
        shown = ", ".join(str(r) for r in self.first_rows)
        more = self.count - len(self.first_rows)
        return f"row{'s' if self.count > 1 else ''} {shown}" + (
            f" and {more:,} more" if more > 0 else ""
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list,
            "column": self.column,
            "kind": self.kind,
            "severity": self.severity,
            "count": self.count,
            "first_rows": list(self.first_rows),
            "message": self.message,
            "example": self.example,
        }


class GroupBuilder:
    """Collapses findings into groups as they arrive: bounded by columns x kinds, not rows."""

    def __init__(self, column_order: dict[str, int] | None = None):
        self.column_order = column_order or {}
        self._groups: dict[tuple[object, ...], dict[str, Any]] = {}

    def add(self, f: Finding) -> None:
        # a dependency's message names the other list: one group per dependency
        key = (f.list, f.column, f.kind, f.severity, f.message if f.kind == "dependency" else "")
        g = self._groups.get(key)
        if g is None:
            g = self._groups[key] = {"first": f, "count": 0, "rows": [], "same": True}
        g["count"] += 1
        if f.row is not None and len(g["rows"]) < FIRST_ROWS:
            g["rows"].append(f.row)
        if g["same"] and f.message != g["first"].message:
            g["same"] = False

    def groups(self, rows_in_list: int = 0) -> list[FindingGroup]:
        out = []
        for g in self._groups.values():
            first: Finding = g["first"]
            message = first.message
            if not g["same"] and first.kind in SUMMARIES:
                message = SUMMARIES[first.kind].format(column=first.column)
                if "(expected " in first.message:  # which codes the column takes
                    message += " (expected " + first.message.split("(expected ", 1)[1]
            structural = first.kind in STRUCTURAL
            # a missing mandatory column is missing on every row of the list
            affected = rows_in_list if first.kind == "missing_column" else g["count"]
            order = (
                0 if first.severity == "error" else 1,
                0 if structural else 1,
                -affected,
                first.list or 0,
                self.column_order.get(first.column, len(self.column_order)),
                first.kind,
            )
            out.append(
                FindingGroup(
                    first.list,
                    first.column,
                    first.kind,
                    first.severity,
                    g["count"],
                    tuple(g["rows"]),
                    message,
                    first.message,
                    order,
                )
            )
        return sorted(out, key=lambda g: g.order)


@dataclass
class ListResult:
    number: int
    name: str
    source: str  # the sheet or file it came from
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # every finding by kind, kept or not
    header_map: dict[str, str] = field(default_factory=dict)  # column -> header taken
    notes: list[str] = field(default_factory=list)
    groups: list[FindingGroup] = field(default_factory=list)  # every finding, grouped
    allocated: int | None = None  # rows naming a child allocated to a worker now

    @property
    def finding_count(self) -> int:
        return sum(self.counts.values())

    @property
    def suppressed(self) -> int:
        return self.finding_count - len(self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.number,
            "name": self.name,
            "source": self.source,
            "rows": self.rows,
            "finding_count": self.finding_count,
            "counts": dict(self.counts),
            "header_map": self.header_map,
            "notes": self.notes,
            "groups": [g.as_dict() for g in self.groups],
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class Allocation:
    """A child's allocated worker and team as a list names them; nothing else of the row."""

    child_id: str
    worker: str
    team: str
    list_number: int


@dataclass
class CheckReport:
    lists: dict[int, ListResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # about the upload as a whole
    notes: list[str] = field(default_factory=list)
    groups: list[FindingGroup] = field(default_factory=list)  # the upload's own, grouped
    # distinct child IDs open with an allocated worker on the lists that say so (report 7.80);
    # None: none of those lists was in the upload
    allocated_children: int | None = None
    # child ID -> worker and team, from the lists that carry them (and which lists did)
    allocations: dict[str, Allocation] = field(default_factory=dict)
    allocation_lists: list[int] = field(default_factory=list)

    def fix_first(self) -> list[FindingGroup]:
        """Every grouped finding, what to fix first first: errors before warnings, whole-list
        problems before cells, then by rows affected."""
        groups = list(self.groups)
        for result in self.lists.values():
            groups.extend(result.groups)
        return sorted(groups, key=lambda g: g.order)

    @property
    def finding_count(self) -> int:
        return len(self.findings) + sum(r.finding_count for r in self.lists.values())

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.lists.values())

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for number in sorted(self.lists):
            out.extend(self.lists[number].findings)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "fix_first": [g.as_dict() for g in self.fix_first()],
            "rows": self.rows,
            "finding_count": self.finding_count,
            "allocated_children": self.allocated_children,
            "findings": [f.as_dict() for f in self.findings],
            "notes": self.notes,
            "lists": [self.lists[n].as_dict() for n in sorted(self.lists)],
        }
