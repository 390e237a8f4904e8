"""Reading one cell as a date, whole number or code; a problem comes back as a message."""

from __future__ import annotations

import datetime as dt
import re

ERROR_VALUES = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")


class CellProblem(ValueError):
    """kind is a finding kind; message may echo the value unless the column is sensitive."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_DATE_LIKE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for a finding; anything date-like is never echoed, since a shifted column
    can put a date of birth where a code or a number belongs."""
    if isinstance(value, dt.date) or _DATE_LIKE.search(str(value)):
        return "a date"
    text = str(value).strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def screen(value: object) -> None:
    """Formulas and error values are findings in any column. A workbook's formulas are read as
    the values Excel saved for them, so a formula seen here is one never calculated (written by
    a script, or a CSV cell that starts with '=')."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("="):
            raise CellProblem(
                "formula",
                "holds a formula with no saved value: open the workbook in Excel and save it "
                "(or paste values) so the value is there",
            )
        if text.upper() in ERROR_VALUES:
            raise CellProblem(
                "error_value",
                f"holds the error value {text.upper()} (a formula or lookup that failed): "
                "fix the formula or type the value",
            )


def parse_date(value: object, sensitive: bool) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellProblem("date", "is not a date")
    if isinstance(value, int | float):
        raise CellProblem(
            "date",
            "holds a number where a date belongs"
            + ("" if sensitive else f" ({value:g})")
            + ": format the column as dates (dd/mm/yyyy)",
        )
    text = str(value).strip()
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                raise CellProblem("date", "has a two-digit year: use dd/mm/yyyy")
            return dt.date(year, month, day)
        match = _ISO.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except CellProblem:
        raise
    except ValueError:  # 31/02/2025: no such day
        pass
    raise CellProblem(
        "date", "is not a date" + ("" if sensitive else f" ({text[:40]!r})") + ": use dd/mm/yyyy"
    )


_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def parse_int(value: object, fraction: str = "") -> int:
    """A whole number. fraction="warning": a fraction (an age a formula computes, 6.138) is
    the warning kind "fraction", its value never echoed: with the notification date, an age
    to three decimals gives away the date of birth."""
    if isinstance(value, bool):
        raise CellProblem("number", "is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT.match(value.strip()):
        number = int(float(value.strip()))
    elif fraction and (
        isinstance(value, float) or (isinstance(value, str) and _DECIMAL.match(value.strip()))
    ):
        raise CellProblem(
            "fraction",
            "holds a fraction, not whole years (an age worked out by a formula?): give whole "
            "years, for example with INT() around the formula",
        )
    else:
        raise CellProblem("number", f"is not a whole number ({shown(value)})")
    if number < 0:
        raise CellProblem("number", f"is negative ({number})")
    return number


def as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()
