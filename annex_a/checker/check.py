"""The Annexe A check: spec + rows (iterators) -> findings. Keeps counts and findings, never rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from annex_a.checker.cells import (
    CellProblem,
    as_text,
    is_blank,
    parse_date,
    parse_int,
    screen,
    shown,
)
from annex_a.checker.headers import match_headers
from annex_a.checker.report import Allocation, CheckReport, Finding, GroupBuilder, ListResult
from annex_a.checker.spec import (
    AnnexASpec,
    ColumnSpec,
    ListSpec,
    list_number_from_name,
    normalise,
)
from inspections.childids import CHILD_ID_RULE, is_child_id  # pure: no Django

# Findings kept per list, column and kind; the rest are counted, so a column that is wrong on
# every one of 100,000 rows costs 50 findings, not 100,000.
KEEP_PER_KIND = 50
Rows = Iterable[tuple[int, Sequence[object]]]
# Rows looked at for the header row: councils' workbooks put titles and notes above it.
HEADER_SCAN = 20
# A row is the header when it names this many of the list's columns (or all, if fewer).
HEADER_MATCHES = 3
# Problems with the cell's form, not its content: the value is read, but should be fixed.
WARNING_KINDS = frozenset({"fraction", "text_date"})
# The columns that give a child's allocated worker and team (lists 3 to 9).
WORKER_COLUMN, TEAM_COLUMN = "Allocated Worker", "Allocated Team"


@dataclass(frozen=True)
class Source:
    """One sheet of a workbook or one CSV file."""

    name: str
    rows: Rows
    list_number: int | None = None
    typed: bool = False  # cells carry types (a workbook): a date held as text is a warning

    @property
    def number(self) -> int | None:
        return self.list_number or list_number_from_name(self.name)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class ListChecker:
    def __init__(
        self,
        spec: ListSpec,
        notification: dt.date,
        source: str,
        keep: int = KEEP_PER_KIND,
        keep_ids: bool = True,
        typed: bool = False,
    ):
        self.spec = spec
        self.notification = notification
        self.start, _ = spec.period(notification)
        self.result = ListResult(spec.number, spec.name, source)
        self.keep = keep
        self.kept: dict[tuple[str, str], int] = {}
        self.positions: dict[str, int] | None = None
        self.keep_ids = keep_ids  # only lists that others depend on need their child IDs
        self.ids: set[str] = set()
        self.seen: dict[int, int] = {}  # hash of a row's cells -> first row number
        # per dependency: (row, child ID) of rows it applies to
        self.dependents: list[list[tuple[int, str]]] = [[] for _ in spec.depends]
        self._plan: list[tuple[int, ColumnSpec]] = []
        self.typed = typed
        self.grouped = GroupBuilder({c.name: i for i, c in enumerate(spec.columns)})
        self.allocated: set[str] = set()  # child IDs open with a worker (spec.allocated)
        # child ID -> (worker, team) on lists that carry both: the mapping case tracking keeps
        self.workers: dict[str, tuple[str, str]] = {}
        self._above: list[tuple[int, Sequence[object]]] = []  # rows above the header, so far

    def add(self, finding: Finding) -> None:
        self.grouped.add(finding)
        self.result.counts[finding.kind] += 1
        key = (finding.column, finding.kind)
        n = self.kept.get(key, 0)
        if n < self.keep:
            self.result.findings.append(finding)
        self.kept[key] = n + 1

    def header(self, row: int, cells: Sequence[object]) -> None:
        match = match_headers(self.spec, cells, row)
        self.positions = match.positions
        self.result.header_map = match.taken
        self.result.notes.extend(match.notes)
        for f in match.findings:
            self.add(f)
        self._plan = [
            (match.positions[c.name], c) for c in self.spec.columns if c.name in match.positions
        ]

    def row(self, row: int, cells: Sequence[object]) -> None:
        assert self.positions is not None
        self.result.rows += 1
        width = len(cells)
        id_index = self.positions.get(self.spec.id_column)
        raw_id = cells[id_index] if id_index is not None and id_index < width else None
        child_id = "" if is_blank(raw_id) else as_text(raw_id)[:64]
        if child_id and not is_child_id(child_id):
            # the one child-ID rule: a cell that fails it may hold a name, never kept or echoed
            self.add(
                Finding(
                    self.spec.number,
                    row,
                    self.spec.id_column,
                    f"{self.spec.id_column} is not a child ID (is a name in this column?): "
                    f"{CHILD_ID_RULE}",
                    kind="id",
                )
            )
            child_id = ""
        dates: dict[str, dt.date] = {}
        blanks: set[str] = set()
        for index, column in self._plan:
            value = cells[index] if index < width else None
            if value is None or (isinstance(value, str) and not value.strip()):
                blanks.add(column.name)
                if column.mandatory:
                    self.add(
                        Finding(
                            self.spec.number,
                            row,
                            column.name,
                            f"{column.name} is blank but mandatory",
                            child_id,
                            "blank",
                        )
                    )
                continue
            try:
                screen(value)
                if column.type == "date":
                    day = parse_date(value, column.sensitive)
                    self._check_date(row, column, day, child_id)
                    dates[column.name] = day
                    if self.typed and isinstance(value, str):
                        raise CellProblem(
                            "text_date",
                            "is a date typed as text: it was read as dd/mm/yyyy; format the "
                            "column as dates so Ofsted's import reads it the same way",
                        )
                elif column.type == "int":
                    parse_int(value, column.fraction)
                elif column.type == "code":
                    assert column.codes is not None
                    text = as_text(value)
                    if column.codes.lookup(text) is None:
                        raise CellProblem(
                            "code",
                            f"{shown(value)} is not a {column.name} code "
                            f"(expected {column.codes.describe()})",
                        )
            except CellProblem as problem:
                self.add(
                    Finding(
                        self.spec.number,
                        row,
                        column.name,
                        f"{column.name} {problem.message}"
                        if problem.kind != "code"
                        else problem.message,
                        child_id,
                        problem.kind,
                        "warning" if problem.kind in WARNING_KINDS else "error",
                    )
                )
        if child_id and self.keep_ids:
            self.ids.add(child_id)
        allocated = self.spec.allocated
        if (
            child_id
            and allocated is not None
            and allocated.worker not in blanks
            and allocated.worker in self.positions
            and (not allocated.open_when_blank or allocated.open_when_blank in blanks)
        ):
            self.allocated.add(child_id)
        if child_id and self.positions is not None:
            self._note_worker(child_id, cells)
        # duplicates: the whole row, trailing empty cells ignored
        end = width
        while end and is_blank(cells[end - 1]):
            end -= 1
        key = hash(tuple(cells[:end]))
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = row
        else:
            self.add(
                Finding(
                    self.spec.number, row, "", f"duplicate of row {first}", child_id, "duplicate"
                )
            )
        for n, dep in enumerate(self.spec.depends):
            if not child_id:
                continue
            if dep.when_in_period:
                started = dates.get(dep.when_in_period)
                if started is None or not self.start <= started <= self.notification:
                    continue
            if dep.when_blank and dep.when_blank not in blanks:
                continue
            self.dependents[n].append((row, child_id))

    def _check_date(self, row: int, column: ColumnSpec, day: dt.date, child_id: str) -> None:
        if column.sensitive:  # a date of birth: say what is wrong, never which date
            if day > self.notification:
                self.add(
                    Finding(
                        self.spec.number,
                        row,
                        column.name,
                        f"{column.name} is after the notification date",
                        child_id,
                        "period",
                    )
                )
            elif day.year < 1990:
                self.add(
                    Finding(
                        self.spec.number,
                        row,
                        column.name,
                        f"{column.name} is implausibly early",
                        child_id,
                        "period",
                    )
                )
            return
        if day > self.notification:
            self.add(
                Finding(
                    self.spec.number,
                    row,
                    column.name,
                    f"{column.name} {_fmt(day)} is after the notification date "
                    f"{_fmt(self.notification)}",
                    child_id,
                    "period",
                )
            )
        elif column.period == "within" and day < self.start:
            self.add(
                Finding(
                    self.spec.number,
                    row,
                    column.name,
                    f"{column.name} {_fmt(day)} is out of period: before {_fmt(self.start)}",
                    child_id,
                    "period",
                )
            )
        elif day.year < 1950:
            self.add(
                Finding(
                    self.spec.number,
                    row,
                    column.name,
                    f"{column.name} {_fmt(day)} is implausibly early",
                    child_id,
                    "period",
                )
            )

    def _note_worker(self, child_id: str, cells: Sequence[object]) -> None:
        """Keep the row's worker and team (only those two cells) for lists that carry them."""
        assert self.positions is not None
        at = [self.positions.get(WORKER_COLUMN), self.positions.get(TEAM_COLUMN)]
        if at[0] is None and at[1] is None:
            return
        worker, team = (
            "" if i is None or i >= len(cells) or is_blank(cells[i]) else as_text(cells[i]).strip()
            for i in at
        )
        if worker.startswith("#") or team.startswith("#"):  # #N/A and friends name nobody
            worker, team = ("" if v.startswith("#") else v for v in (worker, team))
        if worker or team:
            self.workers[child_id] = (worker[:120], team[:120])

    def _names_columns(self, cells: Sequence[object]) -> bool:
        keys = {k for c in self.spec.columns for k in c.header_keys}
        named = sum(1 for c in cells if not is_blank(c) and normalise(c) in keys)
        return named >= min(HEADER_MATCHES, len(self.spec.columns))

    def _settle_header(self) -> list[tuple[int, Sequence[object]]]:
        """No row above named the list's columns: the first with two cells is the header (its
        misnamed columns are findings); the rows after it are data."""
        above, self._above = self._above, []
        for i, (number, cells) in enumerate(above):
            if sum(1 for c in cells if not is_blank(c)) >= 2:
                self.header(number, cells)
                return above[i + 1 :]
            self.result.notes.append(f"row {number} skipped above the header row")
        return []

    def consume(self, rows: Rows, tick: Callable[[int], None] | None = None) -> None:
        def data(number: int, cells: Sequence[object]) -> None:
            self.row(number, cells)
            if tick is not None and self.result.rows % 1000 == 0:
                tick(1000)

        for number, cells in rows:
            if not any(not is_blank(c) for c in cells):
                continue
            if self.positions is None:
                if self._names_columns(cells):
                    for skipped, _ in self._above:
                        self.result.notes.append(f"row {skipped} skipped above the header row")
                    self._above = []
                    self.header(number, cells)
                    continue
                self._above.append((number, cells))
                if len(self._above) < HEADER_SCAN:
                    continue
                for n, c in self._settle_header():
                    data(n, c)
                continue
            data(number, cells)
        if self.positions is None:
            for n, c in self._settle_header():
                data(n, c)
        if tick is not None:
            tick(self.result.rows % 1000)
        self.seen = {}  # duplicates are within a list: free the hashes before the next one
        if self.positions is None:
            self.add(Finding(self.spec.number, None, "", "no header row and no data", kind="sheet"))

    def finish(self) -> None:
        """After the cross-list checks: the findings grouped, the allocated children counted."""
        self.result.groups = self.grouped.groups(self.result.rows)
        if self.spec.allocated is not None and self.positions is not None:
            self.result.allocated = len(self.allocated)


def check_sources(
    spec: AnnexASpec,
    sources: Iterable[Source],
    notification: dt.date,
    *,
    expect_all: bool = True,
    on_rows: Callable[[int], None] | None = None,
    keep: int = KEEP_PER_KIND,
) -> CheckReport:
    """Check each source as the list its name gives; then the lists against each other.

    expect_all: a workbook should hold all eleven lists, so a missing one is a finding; with
    separate CSV files it is only a note.
    on_rows(n): called as rows are read (every 1,000), for progress.
    """
    report = CheckReport()
    checkers: dict[int, ListChecker] = {}
    for source in sources:
        number = source.number
        if number is None and source.name.lower().endswith(".csv"):
            report.findings.append(
                Finding(
                    None,
                    None,
                    "",
                    f"{source.name!r}: the file name does "
                    "not say which list it is: name it like 'List 3.csv'",
                    kind="sheet",
                )
            )
            _drain(source.rows)
            continue
        if number is None or number not in {s.number for s in spec.lists}:
            report.notes.append(
                f"{source.name!r} is not one of the lists (List 1 to List "
                f"{len(spec.lists)}): ignored"
            )
            _drain(source.rows)
            continue
        if number in checkers:
            report.findings.append(
                Finding(
                    number,
                    None,
                    "",
                    f"{source.name!r} is a second copy of list {number}: ignored",
                    kind="sheet",
                )
            )
            _drain(source.rows)
            continue
        depended_on = {d.list for s in spec.lists for d in s.depends}
        checker = ListChecker(
            spec.get(number),
            notification,
            source.name,
            keep,
            keep_ids=number in depended_on,
            typed=source.typed,
        )
        checker.consume(source.rows, on_rows)
        checkers[number] = checker
        report.lists[number] = checker.result
    for list_spec in spec.lists:
        if list_spec.number not in checkers:
            text = f"{list_spec.title} is not in the upload"
            if expect_all:
                report.findings.append(
                    Finding(list_spec.number, None, "", text, kind="missing_list")
                )
            else:
                report.notes.append(text)
    for number, checker in checkers.items():
        for dep, candidates in zip(checker.spec.depends, checker.dependents, strict=True):
            other = checkers.get(dep.list)
            if other is None:
                checker.result.notes.append(
                    f"not compared with list {dep.list}: it is not in the upload"
                )
                continue
            for row, child_id in candidates:
                if child_id not in other.ids:
                    checker.add(
                        Finding(
                            number,
                            row,
                            checker.spec.id_column,
                            f"child is not on list {dep.list}: {dep.why}",
                            child_id,
                            "dependency",
                        )
                    )
    allocated: set[str] = set()
    counted = False
    # the highest-numbered list wins: the later stage of the child's journey (a referral's
    # worker gives way to the child protection or children-in-care worker)
    for number in sorted(checkers):
        for child_id, (worker, team) in checkers[number].workers.items():
            report.allocations[child_id] = Allocation(child_id, worker, team, number)
        if checkers[number].workers or _carries_workers(checkers[number].positions):
            report.allocation_lists.append(number)
        checkers[number].workers = {}
    for checker in checkers.values():
        checker.finish()
        if checker.result.allocated is not None:
            allocated |= checker.allocated
            counted = True
        checker.allocated = set()
    report.allocated_children = len(allocated) if counted else None
    builder = GroupBuilder()
    for finding in report.findings:
        builder.add(finding)
    report.groups = builder.groups()
    return report


def _drain(rows: Rows) -> None:
    # Reading on keeps streamed readers in step (and closes them); nothing is kept.
    iterator: Iterator[object] = iter(rows)
    for _ in iterator:
        pass


def _carries_workers(positions: dict[str, int] | None) -> bool:
    return positions is not None and (WORKER_COLUMN in positions or TEAM_COLUMN in positions)
