"""The inspection's service navigation. Needs only the slug in the URL and the role the page's
inspection lookup found (request.inspection_role): no query."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from inspections.models import Role

# Label, URL name (each takes the inspection slug), and the first path segments under
# /inspections/<slug>/ that belong to the section.
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("Dashboard", "planner:dashboard", ("",)),
    ("Days", "planner:days", ("days",)),
    ("Tasks", "planner:tasks", ("tasks",)),
    ("Requests", "desk:requests", ("requests",)),
    ("Meetings", "scheduling:meetings", ("meetings",)),
    ("Calendar", "calendars:index", ("calendar", "feeds")),
    (
        "Evidence",
        "evidence:library",
        ("library", "audits", "deep-dives", "children", "annex-a"),
    ),
    ("People", "inspections:people", ("people", "inspectors")),
    ("Rooms", "scheduling:rooms", ("rooms",)),
    ("Aftermath", "aftermath:index", ("aftermath",)),
    ("Lines of enquiry", "desk:lines", ("lines",)),
    ("Search", "planner:search", ("search",)),
]
# Shown only to the roles that may open them.
RESTRICTED: list[tuple[str, str, tuple[str, ...], Role]] = [
    # KIT notes and the feedback rollup (senior leaders who are viewers open them from a link:
    # the navigation knows only the role, and asks no query)
    ("KITs", "desk:kits", ("kits", "feedback"), Role.PROJECT_TEAM),
    ("Case tracking", "desk:tracking", ("tracking",), Role.PROJECT_TEAM),
    # what the planner emailed, and the sends that failed (notify)
    ("Messages", "notify:messages", ("messages",), Role.PROJECT_TEAM),
    # every member chooses what the planner e-mails them (notify)
    ("Your e-mails", "notify:my-choice", ("email",), Role.VIEWER),
    ("History", "planner:history", ("history",), Role.COORDINATOR),
]
# Only for those who see concerns about a child (inspections.access.sees_concerns).
CONCERNS: tuple[str, str, tuple[str, ...]] = ("Concerns", "desk:concerns", ("concerns",))


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def nav_items(
    slug: str, path: str, role: Role | None = None, *, concerns: bool = False
) -> list[NavItem]:
    base = f"/inspections/{slug}/"
    section = path[len(base) :].split("/", 1)[0] if path.startswith(base) else None
    items = []
    allowed = [
        (label, name, sections)
        for label, name, sections, need in RESTRICTED
        if role and role.allows(need)
    ]
    if concerns:
        allowed.append(CONCERNS)
    for label, name, sections in [*NAV, *allowed]:
        url = reverse(name, kwargs={"slug": slug})
        items.append(NavItem(label, url, section in sections))
    return items


def inspection_slug(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    slug = match.kwargs.get("slug")
    return slug if isinstance(slug, str) else None


@dataclass(frozen=True)
class EvidenceLink:
    label: str
    url: str
    key: str  # the page's `section`, to mark the current one


def evidence_nav(slug: str, role: Role | None) -> list[EvidenceLink]:
    """The evidence trackers' own menu, across the evidence and Annexe A apps: the top app
    builds it, so neither of those apps links to the other. Audits and deep dives list child
    IDs: the project team's."""
    links = [
        EvidenceLink("Annexe A", reverse("annex_a:tracker", args=[slug]), "annex_a"),
        EvidenceLink("Library", reverse("evidence:library", args=[slug]), "library"),
    ]
    if role is not None and role.allows(Role.PROJECT_TEAM):
        links += [
            EvidenceLink("Audits", reverse("evidence:audits", args=[slug]), "audits"),
            EvidenceLink(
                "Deep-dive children", reverse("evidence:deep-dives", args=[slug]), "deep_dives"
            ),
        ]
    return links
