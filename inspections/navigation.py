"""The inspection's service navigation, built from URL names so other apps' pages join it
as soon as their urls.py names them. Needs only the slug in the URL: no query."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# Label, then URL names tried in order (each takes the inspection slug).
NAV: list[tuple[str, tuple[str, ...]]] = [
    ("Dashboard", ("inspections:dashboard",)),
    ("Days", ("inspections:days",)),
    ("Tasks", ("inspections:tasks",)),
    ("Meetings", ("scheduling:meetings", "scheduling:meeting-list", "scheduling:meeting_list")),
    ("Calendar", ("calendars:calendar", "calendars:day", "calendars:week", "calendars:index")),
    ("Evidence", ("evidence:index", "evidence:library", "evidence:dashboard", "evidence:overview")),
    ("People", ("inspections:people",)),
    ("Rooms", ("inspections:rooms",)),
    ("Search", ("inspections:search",)),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _first_url(names: tuple[str, ...], slug: str) -> str | None:
    for name in names:
        for kwargs in ({"slug": slug}, {"inspection": slug}):
            try:
                return reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
    return None


def nav_items(slug: str, path: str) -> list[NavItem]:
    items: list[tuple[str, str]] = []
    for label, names in NAV:
        url = _first_url(names, slug)
        if url:
            items.append((label, url))
    # the longest matching prefix is the current section (the dashboard only on itself)
    best = max(
        (url for _, url in items if path == url or (path.startswith(url) and url.count("/") > 3)),
        key=len,
        default="",
    )
    return [NavItem(label, url, url == best) for label, url in items]


def inspection_slug(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    slug = match.kwargs.get("slug") or match.kwargs.get("inspection")
    return slug if isinstance(slug, str) else None
