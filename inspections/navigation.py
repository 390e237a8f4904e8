"""The inspection's service navigation, built from URL names so other apps' pages join it
as soon as their urls.py names them. Needs only the slug in the URL: no query."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# Label, URL names tried in order (each takes the inspection slug), and the first path
# segments under /inspections/<slug>/ that belong to the section.
NAV: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("Dashboard", ("inspections:dashboard",), ("",)),
    ("Days", ("inspections:days",), ("days",)),
    ("Tasks", ("inspections:tasks",), ("tasks",)),
    ("Meetings", ("scheduling:meetings", "scheduling:meeting-list"), ("meetings",)),
    ("Calendar", ("calendars:index", "calendars:calendar"), ("calendar", "feeds")),
    (
        "Evidence",
        ("evidence:index", "evidence:overview", "evidence:library", "annex_a:tracker"),
        ("evidence", "library", "audits", "deep-dives", "children", "annex-a"),
    ),
    ("People", ("inspections:people",), ("people", "inspectors")),
    ("Rooms", ("inspections:rooms",), ("rooms",)),
    ("Search", ("inspections:search",), ("search",)),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _first_url(names: tuple[str, ...], slug: str) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
    return None


def nav_items(slug: str, path: str) -> list[NavItem]:
    base = f"/inspections/{slug}/"
    section = path[len(base) :].split("/", 1)[0] if path.startswith(base) else None
    items = []
    for label, names, sections in NAV:
        url = _first_url(names, slug)
        if url:
            items.append(NavItem(label, url, section in sections))
    return items


def inspection_slug(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    slug = match.kwargs.get("slug")
    return slug if isinstance(slug, str) else None
