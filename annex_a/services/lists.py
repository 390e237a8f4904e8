"""The eleven lists of an inspection: creating them, ticking the checklist, the numbers shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annex_a.checker import AnnexASpec, load_spec
from annex_a.models import CHECKLIST, AnnexAList, FileCheck, ListStatus
from inspections.access import require
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError

UPLOAD_DAY = 2  # Annexe A goes to Ofsted on day 2


@cache
def annex_a_spec() -> AnnexASpec:
    return load_spec(settings.SEEDS_DIR / "annex-a.toml")


def ensure_lists(inspection: Inspection) -> list[AnnexAList]:
    """The inspection's eleven lists, created from the spec when missing."""
    existing = {lst.number: lst for lst in inspection.annex_a_lists.select_related("owner")}
    created = False
    for spec in annex_a_spec().lists:
        if spec.number not in existing:
            AnnexAList.objects.get_or_create(
                inspection=inspection,
                number=spec.number,
                defaults={"name": spec.name, "period_months": spec.period_months},
            )
            created = True
    if created:
        existing = {lst.number: lst for lst in inspection.annex_a_lists.select_related("owner")}
    return [existing[n] for n in sorted(existing)]


def due_at(inspection: Inspection) -> dt.datetime:
    return inspection.calendar.due_at(UPLOAD_DAY, None)


def derive_status(lst: AnnexAList, has_issues: bool = False) -> str:
    if lst.uploaded:
        return ListStatus.UPLOADED
    if lst.signed_off:
        return ListStatus.SIGNED_OFF
    if has_issues or (lst.status == ListStatus.ISSUES and not lst.checks_passed):
        return ListStatus.ISSUES
    if any(getattr(lst, f) for f in CHECKLIST):
        return ListStatus.IN_PROGRESS
    return ListStatus.NOT_STARTED


@transaction.atomic
def update_checklist(
    lst: AnnexAList,
    ticked: set[str],
    actor: Any = None,
    notes: str | None = None,
    now: dt.datetime | None = None,
) -> AnnexAList:
    """Sets the checklist to exactly `ticked`; signing off stamps who (the actor) and when."""
    require(actor, lst.inspection, Role.PROJECT_TEAM)
    unknown = ticked - set(CHECKLIST)
    if unknown:
        raise DomainError(f"Unknown checklist items: {', '.join(sorted(unknown))}.")
    lst = AnnexAList.objects.select_for_update().get(pk=lst.pk)
    if "uploaded" in ticked and "signed_off" not in ticked:
        raise DomainError(f"List {lst.number}: sign it off before marking it uploaded.")
    for field in CHECKLIST:
        setattr(lst, field, field in ticked)
    if lst.signed_off and lst.signed_off_at is None:
        lst.signed_off_at = now or timezone.now()
        lst.signed_off_by = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[assignment]
    if not lst.signed_off:
        lst.signed_off_at = None
        lst.signed_off_by = None
    if notes is not None:
        lst.notes = notes
    lst.status = derive_status(lst)
    lst.save()
    return lst


@dataclass(frozen=True)
class ListSummary:
    """One row of the tracker and of the export's summary sheet."""

    lst: AnnexAList
    findings: int | None  # in the latest finished check; None: not checked yet
    rows_checked: int | None


@dataclass(frozen=True)
class Summary:
    lists: list[ListSummary]
    signed_off: int
    total: int
    due_at: dt.datetime
    latest_check: FileCheck | None

    @property
    def not_signed_off(self) -> int:
        return self.total - self.signed_off

    @property
    def label(self) -> str:
        return f"{self.signed_off} of {self.total} lists signed off"

    @property
    def risk(self) -> str:
        n = self.not_signed_off
        return f"{n} list{'s' if n != 1 else ''} not yet signed off" if n else ""


def latest_finished_check(inspection: Inspection) -> FileCheck | None:
    return inspection.annex_a_checks.filter(status="done").order_by("-finished_at", "-pk").first()


def summarise(inspection: Inspection) -> Summary:
    """Every number the tracker, the export and task progress show comes from here."""
    lists = ensure_lists(inspection)
    check = latest_finished_check(inspection)
    counts = check.list_counts if check else {}
    rows = []
    for lst in lists:
        c = counts.get(str(lst.number))
        rows.append(ListSummary(lst, c["findings"] if c else None, c["rows"] if c else None))
    signed = sum(1 for lst in lists if lst.status in (ListStatus.SIGNED_OFF, ListStatus.UPLOADED))
    return Summary(rows, signed, len(lists), due_at(inspection), check)
