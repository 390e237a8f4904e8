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
    #                 error_value, duplicate, dependency, missing_list, sheet
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class CheckReport:
    lists: dict[int, ListResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # about the upload as a whole
    notes: list[str] = field(default_factory=list)

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
            "rows": self.rows,
            "finding_count": self.finding_count,
            "findings": [f.as_dict() for f in self.findings],
            "notes": self.notes,
            "lists": [self.lists[n].as_dict() for n in sorted(self.lists)],
        }
