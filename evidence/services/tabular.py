"""Shared parts of the evidence imports: header matching, yes/no and date cells, people lookup."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from inspections.models import Inspection, Person
from inspections.services.errors import DomainError, ImportFailed
from inspections.services.spreadsheets import normalise_header, read_rows

YES = {"yes", "y", "true", "1", "done", "x", "✓"}
NO = {"no", "n", "false", "0", "", "not done", "-"}
# Headers that would carry a child's identity beyond the ID: the whole file is refused.
PERSONAL_HEADERS = re.compile(r"\b(name|forename|surname|date of birth|dob|birth date)\b")


class Table:
    """The rows of an uploaded file as {column: text}, columns matched through aliases."""

    def __init__(
        self,
        filename: str,
        data: bytes,
        aliases: dict[str, str],
        required: list[str],
        personal_check: bool = False,
    ):
        self.filename = filename
        self._rows = read_rows(filename, data)
        try:
            _, header = next(self._rows)
        except StopIteration:
            raise DomainError(f"{filename}: the file is empty.") from None
        normalised = [normalise_header(h) for h in header]
        if personal_check:
            personal = [
                h for h, n in zip(header, normalised, strict=True) if PERSONAL_HEADERS.search(n)
            ]
            if personal:
                raise ImportFailed(
                    f"{filename}: nothing was imported: the planner keeps child IDs only.",
                    [
                        f"row 1: remove column {h!r} (names and dates of birth are not kept)"
                        for h in personal
                    ],
                )
        self.columns = [aliases.get(n, n) for n in normalised]
        missing = [c for c in required if c not in self.columns]
        if missing:
            raise ImportFailed(
                f"{filename}: nothing was imported.",
                [f"row 1: missing column {c!r}" for c in missing],
            )

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in self._rows:
            if not any(cells):
                continue
            row: dict[str, str] = {}
            for i, column in enumerate(self.columns):
                if column and column not in row:
                    row[column] = cells[i].strip() if i < len(cells) else ""
            yield number, row

    def where(self, number: int, field: str) -> str:
        return f"row {number}, field {field!r}"


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"{text!r} is not yes or no")


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]


def parse_date(text: str) -> dt.date:
    """ISO, UK day-first, or the 'YYYY-MM-DD 00:00:00' an Excel date cell reads as."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?", value):
        value = value[:10]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use 31/03/2025 or 2025-03-31)")


class PeopleIndex:
    """Finds a council person by ref, email or full name, with one query for the whole file."""

    def __init__(self, inspection: Inspection):
        self._by_key: dict[str, list[Person]] = {}
        for person in inspection.people.all():
            for key in {person.ref, person.email, person.full_name}:
                if key:
                    self._by_key.setdefault(key.strip().lower(), []).append(person)

    def find(self, text: str) -> Person:
        matches = self._by_key.get(text.strip().lower(), [])
        if not matches:
            raise ValueError(
                f"{text!r} is not a person of this inspection (use a ref, email or name)"
            )
        if len({p.pk for p in matches}) > 1:
            raise ValueError(f"{text!r} matches {len(matches)} people; use their ref or email")
        return matches[0]
