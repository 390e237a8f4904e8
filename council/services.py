"""The council's readiness, engagement meetings and self-evaluation versions: the rules and
the writes. Pages and commands call these; each checks the actor again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from council.models import (
    DEFAULT_ITEMS,
    EngagementMeeting,
    ReadinessAtCall,
    ReadinessItem,
    SelfEvaluationVersion,
)
from inspections import audit
from inspections.access import NotAllowed, can
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError, InvalidFields


class CouncilNotFound(DomainError):
    pass


def council_slug(local_authority: str) -> str:
    return slugify(local_authority.replace("&", " and "))


def councils() -> list[str]:
    """Every council an inspection names, in alphabetical order."""
    names = Inspection.objects.values_list("local_authority", flat=True).distinct()
    return sorted(set(names))


def council_for_slug(slug: str) -> str:
    for name in councils():
        if council_slug(name) == slug:
            return name
    raise CouncilNotFound(f"No council {slug!r}: no inspection names it.")


def inspections_of(local_authority: str) -> list[Inspection]:
    return list(Inspection.objects.filter(local_authority=local_authority).order_by("day_one"))


def can_council(user: Any, local_authority: str, need: Role) -> bool:
    """A council's pages follow its inspections' roles: `need` on any one of them."""
    return any(
        can(user, i, need) for i in Inspection.objects.filter(local_authority=local_authority)
    )


def require_council(actor: Any, local_authority: str, need: Role) -> None:
    if actor is None:  # the system (a command, the scenario loader)
        return
    if not can_council(actor, local_authority, need):
        raise NotAllowed(
            f"You need the {Role(need).label.lower()} role on one of {local_authority}'s inspections."
        )


# -- readiness ---------------------------------------------------------------------------
def readiness_items(local_authority: str) -> list[ReadinessItem]:
    """The council's checklist, the default items added on first use."""
    have = set(
        ReadinessItem.objects.filter(local_authority=local_authority).values_list("key", flat=True)
    )
    missing = [
        ReadinessItem(
            local_authority=local_authority,
            key=key,
            title=title,
            owner=owner,
            review_interval_days=interval,
            position=position,
        )
        for position, (key, title, owner, interval) in enumerate(DEFAULT_ITEMS)
        if key not in have
    ]
    for item in missing:
        item.save()
    return list(ReadinessItem.objects.filter(local_authority=local_authority))


@dataclass
class ReadinessSummary:
    items: list[ReadinessItem]
    on_date: dt.date

    @property
    def ready(self) -> list[ReadinessItem]:
        return [i for i in self.items if i.is_ready(self.on_date)]

    @property
    def gaps(self) -> list[ReadinessItem]:
        return [i for i in self.items if not i.is_ready(self.on_date)]


def readiness_summary(local_authority: str, on_date: dt.date | None = None) -> ReadinessSummary:
    return ReadinessSummary(readiness_items(local_authority), on_date or timezone.localdate())


def mark_reviewed(
    item: ReadinessItem, *, actor: Any = None, on_date: dt.date | None = None
) -> ReadinessItem:
    require_council(actor, item.local_authority, Role.PROJECT_TEAM)
    item.last_reviewed = on_date or timezone.localdate()
    item.save()
    return item


def update_item(
    item: ReadinessItem, *, owner: str, review_interval_days: int, notes: str, actor: Any = None
) -> ReadinessItem:
    require_council(actor, item.local_authority, Role.PROJECT_TEAM)
    errors: dict[str, str] = {}
    if len(owner.strip()) > 120:
        errors["owner"] = "Owner must be 120 characters or fewer"
    if not 1 <= review_interval_days <= 3650:
        errors["review_interval_days"] = "Review interval must be between 1 and 3650 days"
    if errors:
        raise InvalidFields(errors)
    item.owner, item.review_interval_days, item.notes = owner.strip(), review_interval_days, notes
    item.save()
    return item


@transaction.atomic
def snapshot_readiness(inspection: Inspection) -> list[ReadinessAtCall]:
    """The council's readiness on the inspection's day of the call, copied onto it."""
    on_date = inspection.day_one
    with audit.batch():
        items = readiness_items(inspection.local_authority)
    inspection.readiness_at_call.all().delete()
    rows = [
        ReadinessAtCall(
            inspection=inspection,
            on_date=on_date,
            key=item.key,
            title=item.title,
            owner=item.owner,
            last_reviewed=item.last_reviewed
            if item.last_reviewed and item.last_reviewed <= on_date
            else None,
            review_interval_days=item.review_interval_days,
            ready=item.is_ready(on_date),
            gap=item.gap_text(on_date),
            position=position,
        )
        for position, item in enumerate(items)
    ]
    return ReadinessAtCall.objects.bulk_create(rows)


def readiness_gaps(inspection: Inspection, on_date: dt.date | None = None) -> list[ReadinessAtCall]:
    """The items not ready on the day of the call and still not ready on `on_date` (the
    dashboard's risks): reviewing one since the call clears it."""
    on_date = on_date or timezone.localdate()
    gaps = list(inspection.readiness_at_call.filter(ready=False))
    if not gaps:
        return []
    now = {
        i.key: i
        for i in ReadinessItem.objects.filter(
            local_authority=inspection.local_authority, key__in=[g.key for g in gaps]
        )
    }
    return [g for g in gaps if g.key not in now or not now[g.key].is_ready(on_date)]


# -- the council's year ------------------------------------------------------------------
def _parse_date(value: dt.date | None, field: str, label: str) -> dt.date:
    if value is None:
        raise InvalidFields({field: f"Enter the {label}"})
    return value


def add_engagement_meeting(
    local_authority: str, *, date: dt.date | None, notes: str = "", actor: Any = None
) -> EngagementMeeting:
    require_council(actor, local_authority, Role.PROJECT_TEAM)
    day = _parse_date(date, "date", "date of the meeting")
    return EngagementMeeting.objects.create(
        local_authority=local_authority, date=day, notes=notes.strip()
    )


def add_self_evaluation_version(
    local_authority: str,
    *,
    version: str,
    date: dt.date | None,
    owner: str = "",
    note: str = "",
    actor: Any = None,
) -> SelfEvaluationVersion:
    require_council(actor, local_authority, Role.PROJECT_TEAM)
    errors: dict[str, str] = {}
    if not version.strip():
        errors["version"] = "Enter the version, such as 2025.2"
    elif len(version.strip()) > 40:
        errors["version"] = "Version must be 40 characters or fewer"
    if date is None:
        errors["date"] = "Enter the date of the version"
    if errors:
        raise InvalidFields(errors)
    assert date is not None
    return SelfEvaluationVersion.objects.create(
        local_authority=local_authority,
        version=version.strip(),
        date=date,
        owner=owner.strip()[:120],
        note=note.strip(),
    )


@dataclass
class CouncilYear:
    local_authority: str
    today: dt.date
    past: list[Inspection]
    current: list[Inspection]
    coming: list[Inspection]
    meetings: list[EngagementMeeting]
    versions: list[SelfEvaluationVersion]
    readiness: ReadinessSummary


def council_year(local_authority: str, today: dt.date | None = None) -> CouncilYear:
    today = today or timezone.localdate()
    everything = Inspection.objects.filter(local_authority=local_authority)
    return CouncilYear(
        local_authority=local_authority,
        today=today,
        past=list(everything.past(today).order_by("-day_one")),
        current=list(everything.current(today).order_by("day_one")),
        coming=list(everything.upcoming(today).order_by("day_one")),
        meetings=list(EngagementMeeting.objects.filter(local_authority=local_authority)),
        versions=list(SelfEvaluationVersion.objects.filter(local_authority=local_authority)),
        readiness=readiness_summary(local_authority, today),
    )


@dataclass
class CouncilReadiness:
    local_authority: str
    slug: str
    ready: int
    total: int
    gaps: list[str]


def readiness_overview(names: list[str], today: dt.date | None = None) -> list[CouncilReadiness]:
    """For the home page, read only: each council's items ready today; a default item the
    council has not set up yet counts as not ready."""
    today = today or timezone.localdate()
    out = []
    for name in sorted(set(names)):
        items = {i.key: i for i in ReadinessItem.objects.filter(local_authority=name)}
        titles = {key: title for key, title, _owner, _days in DEFAULT_ITEMS}
        keys = list(dict.fromkeys([*titles, *items]))
        gaps = [
            items[k].title if k in items else titles[k]
            for k in keys
            if k not in items or not items[k].is_ready(today)
        ]
        out.append(
            CouncilReadiness(name, council_slug(name), len(keys) - len(gaps), len(keys), gaps)
        )
    return out
