"""iCalendar (RFC 5545) content lines, written directly: escaping, UTC times and folding.

Pure: no Django. The feeds used to build icalendar components and serialise them; profiling the
whole-inspection feed showed most of its time in icalendar's character-by-character line folding
and per-property objects. Writing the few property types the feeds use is a fraction of that and
gives the same bytes (property order, escaping and folding as icalendar 7 writes them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

CRLF = "\r\n"
LIMIT = 75  # octets: a line is folded before it reaches this (icalendar's rule, kept)
_FOLD = b"\r\n "
_CONTINUATION = 0xC0  # mask; UTF-8 continuation bytes are 0b10xxxxxx
_ESCAPES = (0x5C, 0x5E)  # "\" and "^": never left at the end of a folded line


def text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11), in icalendar's order so nothing is escaped twice."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def raw(value: str) -> str:
    """A value written as given (URIs, and names icalendar writes unescaped), on one line."""
    return value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def utc(moment: dt.datetime) -> str:
    """An aware time as a UTC DATE-TIME ("20250623T080000Z"); whole seconds, as icalendar."""
    if moment.tzinfo is None:
        raise ValueError(f"Naive datetime {moment!r}: feeds need aware times.")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def duration(delta: dt.timedelta) -> str:
    """Whole hours/minutes/seconds as "PT1H", "PT15M", "PT1H30M" (positive, under a day)."""
    seconds = int(delta.total_seconds())
    if seconds <= 0 or seconds >= 86400:
        raise ValueError(f"Unsupported duration {delta!r}.")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n]
    return "PT" + "".join(parts)


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets, never inside a UTF-8 character
    and never just after a backslash (clients mis-read an escape split over a fold)."""
    if len(line) < LIMIT and (line.isascii() or len(line.encode()) < LIMIT):
        return line
    data = line.encode()
    size = len(data)
    if size < LIMIT:
        return line
    chunks = []
    pos = 0
    while size - pos >= LIMIT:
        end = pos + LIMIT - 1
        while data[end] & _CONTINUATION == 0x80:  # inside a character: break before it
            end -= 1
        if data[end - 1] in _ESCAPES and end - 1 > pos:
            end -= 1
        chunks.append(data[pos:end])
        pos = end
    chunks.append(data[pos:])
    return _FOLD.join(chunks).decode()


def prop(name: str, value: str) -> str:
    """One property's content line, folded; `value` already escaped as its type needs."""
    return fold(f"{name}:{value}")


def component(name: str, lines: Iterable[str]) -> str:
    """BEGIN … END of a component from content lines, each ending CRLF."""
    return f"BEGIN:{name}{CRLF}{CRLF.join(lines)}{CRLF}END:{name}{CRLF}"
