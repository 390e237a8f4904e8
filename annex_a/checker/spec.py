"""The Annexe A lists as plain data, read from seeds/annex-a.toml. No Django here."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

COLUMN_TYPES = ("text", "date", "int", "code")


class SpecError(ValueError):
    pass


def normalise(text: object) -> str:
    """Case, spacing and punctuation folded away: 'Age of Child (Years)' -> 'age of child years'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text or "").lower()).split())


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeSet:
    name: str
    codes: tuple[Code, ...]

    @cached_property
    def accepted(self) -> dict[str, str]:
        """Normalised spelling -> canonical code. Code, label, 'code) label', 'code: label'."""
        out: dict[str, str] = {}
        for c in self.codes:
            for form in (c.code, c.label, f"{c.code} {c.label}", *c.aliases):
                out.setdefault(normalise(form), c.code)
        return out

    def lookup(self, value: str) -> str | None:
        key = normalise(value)
        if key in self.accepted:
            return self.accepted[key]
        # Template spellings carry a letter prefix ("a) WBRI", "p1) 5D: LA services") or a
        # label after the code ("5D: LA services - early help", "N1 - Abuse or neglect").
        stripped = re.sub(r"^[a-z]{1,2}\d?\)\s*", "", value.strip(), flags=re.I)
        key = normalise(stripped)
        if key in self.accepted:
            return self.accepted[key]
        head = normalise(re.split(r"\s*[:\-–]\s+|:", stripped, maxsplit=1)[0])
        codes = {normalise(c.code): c.code for c in self.codes}
        return codes.get(head)

    def describe(self, limit: int = 8) -> str:
        shown = ", ".join(c.code for c in self.codes[:limit])
        return shown + (", …" if len(self.codes) > limit else "")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    mandatory: bool = False
    codes: CodeSet | None = None
    aliases: tuple[str, ...] = ()
    period: str = ""  # "within": must fall in the list's period
    sensitive: bool = False  # never echo the value (dates of birth)
    # "warning": a fraction in this whole-number column is a warning, not an error (ages that
    # a workbook computes with a formula, 6.138 years for 6)
    fraction: str = ""

    @property
    def header_keys(self) -> tuple[str, ...]:
        return tuple(normalise(h) for h in (self.name, *self.aliases))


@dataclass(frozen=True)
class Dependency:
    list: int
    why: str
    when_in_period: str = ""
    when_blank: str = ""


@dataclass(frozen=True)
class Allocated:
    """Which rows of a list are children allocated to a worker now: a worker named and, when
    the list also holds closed cases, the column that closes them blank."""

    worker: str
    open_when_blank: str = ""


@dataclass(frozen=True)
class ListSpec:
    number: int
    name: str
    period_months: int
    columns: tuple[ColumnSpec, ...]
    description: str = ""
    id_column: str = "Child Unique ID"
    depends: tuple[Dependency, ...] = ()
    covers: str = ""  # the rows the list holds, as Ofsted's Annex A guidance puts it
    allocated: Allocated | None = None  # its open rows count towards children allocated

    @property
    def title(self) -> str:
        return f"List {self.number}: {self.name}"

    def period(self, notification: dt.date) -> tuple[dt.date, dt.date]:
        """[start, notification]: the months before notification, same day of month."""
        month = notification.month - self.period_months
        year = notification.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = notification.day
        while True:
            try:
                return dt.date(year, month, day), notification
            except ValueError:
                day -= 1  # 31 August minus 6 months: 28/29 February

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True)
class AnnexASpec:
    lists: tuple[ListSpec, ...]
    codes: Mapping[str, CodeSet] = field(default_factory=dict)

    def get(self, number: int) -> ListSpec:
        for spec in self.lists:
            if spec.number == number:
                return spec
        raise KeyError(number)


def _column(
    raw: Mapping[str, Any], shared: Mapping[str, Any], codes: Mapping[str, CodeSet], where: str
) -> ColumnSpec:
    if "use" in raw:
        if raw["use"] not in shared:
            raise SpecError(f"{where}: no shared column {raw['use']!r}.")
        raw = {**shared[raw["use"]], **{k: v for k, v in raw.items() if k != "use"}}
    kind = raw.get("type", "text")
    if kind not in COLUMN_TYPES:
        raise SpecError(f"{where}: column {raw.get('name')!r} has unknown type {kind!r}.")
    code_set = None
    if kind == "code":
        if raw.get("codes") not in codes:
            raise SpecError(
                f"{where}: column {raw.get('name')!r} names unknown codes {raw.get('codes')!r}."
            )
        code_set = codes[raw["codes"]]
    unknown = set(raw) - {
        "name",
        "type",
        "mandatory",
        "codes",
        "aliases",
        "period",
        "sensitive",
        "fraction",
    }
    if unknown:
        raise SpecError(f"{where}: column {raw.get('name')!r} has unknown keys {sorted(unknown)}.")
    return ColumnSpec(
        name=raw["name"],
        type=kind,
        mandatory=bool(raw.get("mandatory", False)),
        codes=code_set,
        aliases=tuple(raw.get("aliases", ())),
        period=raw.get("period", ""),
        sensitive=bool(raw.get("sensitive", False)),
        fraction=raw.get("fraction", ""),
    )


def parse_spec(data: Mapping[str, Any]) -> AnnexASpec:
    codes = {
        name: CodeSet(
            name,
            tuple(Code(str(c["code"]), c["label"], tuple(c.get("aliases", ()))) for c in items),
        )
        for name, items in data.get("codes", {}).items()
    }
    shared = data.get("column", {})
    lists = []
    for raw in data.get("list", []):
        where = f"list {raw.get('number')}"
        columns = tuple(_column(c, shared, codes, where) for c in raw["columns"])
        names = [c.name for c in columns]
        if len(set(map(normalise, names))) != len(names):
            raise SpecError(f"{where}: two columns share a name.")
        depends = tuple(Dependency(**d) for d in raw.get("depends", ()))
        for d in depends:
            for col in (d.when_in_period, d.when_blank):
                if col and col not in names:
                    raise SpecError(f"{where}: dependency names unknown column {col!r}.")
        allocated = Allocated(**raw["allocated"]) if "allocated" in raw else None
        if allocated is not None:
            for col in (allocated.worker, allocated.open_when_blank):
                if col and col not in names:
                    raise SpecError(f"{where}: allocated names unknown column {col!r}.")
        spec = ListSpec(
            number=int(raw["number"]),
            name=raw["name"],
            period_months=int(raw["period_months"]),
            columns=columns,
            description=raw.get("description", ""),
            id_column=raw.get("id_column", "Child Unique ID"),
            depends=depends,
            covers=raw.get("covers", ""),
            allocated=allocated,
        )
        if spec.id_column not in names:
            raise SpecError(f"{where}: id column {spec.id_column!r} is not one of its columns.")
        lists.append(spec)
    numbers = [s.number for s in lists]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        raise SpecError(f"Lists must be numbered 1..n, got {numbers}.")
    for s in lists:
        for d in s.depends:
            if d.list not in numbers:
                raise SpecError(f"list {s.number}: depends on unknown list {d.list}.")
    return AnnexASpec(lists=tuple(lists), codes=codes)


def load_spec(path: str | Path) -> AnnexASpec:
    with open(path, "rb") as fh:
        return parse_spec(tomllib.load(fh))


def list_number_from_name(name: str) -> int | None:
    """'List 3', 'list_3_referrals.csv', 'Annex A - List 10' -> 3 / 10; None otherwise."""
    match = re.search(r"list[\s_\-.]*0*(\d{1,2})(?!\d)", name, flags=re.I)
    return int(match.group(1)) if match else None
