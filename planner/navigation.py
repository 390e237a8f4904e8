"""The inspection's service navigation. Needs only the slug in the URL: no query."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

# Label, URL name (each takes the inspection slug), and the first path segments under
# /inspections/<slug>/ that belong to the section.
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("Dashboard", "planner:dashboard", ("",)),
    ("Days", "planner:days", ("days",)),
    ("Tasks", "planner:tasks", ("tasks",)),
    ("Meetings", "scheduling:meetings", ("meetings",)),
    ("Calendar", "calendars:index", ("calendar", "feeds")),
    (
        "Evidence",
        "evidence:library",
        ("library", "audits", "deep-dives", "children", "annex-a"),
    ),
    ("People", "inspections:people", ("people", "inspectors")),
    ("Rooms", "scheduling:rooms", ("rooms",)),
    ("Search", "planner:search", ("search",)),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def nav_items(slug: str, path: str) -> list[NavItem]:
    base = f"/inspections/{slug}/"
    section = path[len(base) :].split("/", 1)[0] if path.startswith(base) else None
    items = []
    for label, name, sections in NAV:
        url = reverse(name, kwargs={"slug": slug})
        items.append(NavItem(label, url, section in sections))
    return items


def inspection_slug(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    slug = match.kwargs.get("slug")
    return slug if isinstance(slug, str) else None
