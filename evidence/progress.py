"""Task progress from the evidence trackers (planner.services.progress maps the keys).

Each provider costs one query, so a day sheet stays at a fixed number of queries.
"""

from __future__ import annotations

from evidence.models import MAX_DEEP_DIVES, Audit, CasePackPart, DeepDive
from evidence.services.library import library_progress
from inspections.models import Inspection
from inspections.services.progress import Progress


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def library(inspection: Inspection) -> Progress:
    p = library_progress(inspection)
    return Progress(done=p.uploaded, total=p.total, label=p.label, risk=p.risk)


def audits(inspection: Inspection) -> Progress:
    s = Audit.objects.for_inspection(inspection).summary()
    total = s["total"]
    if not total:
        return Progress(0, 0, "No audits listed yet", risk="audits: no audits listed yet")
    unmoderated = total - s["moderated"]
    risk = f"audits: {_plural(unmoderated, 'audit')} not yet moderated" if unmoderated else ""
    return Progress(
        done=s["moderated"],
        total=total,
        label=f"{total} audits listed, {s['moderated']} moderated",
        risk=risk,
    )


def deep_dives(inspection: Inspection) -> Progress:
    chosen = DeepDive.objects.for_inspection(inspection).count()
    return Progress(
        done=chosen,
        total=MAX_DEEP_DIVES,
        label=f"{chosen} of up to {MAX_DEEP_DIVES} children chosen",
        # Inspectors may choose fewer than 12: only none at all is a risk.
        risk="" if chosen else "deep dives: no children chosen yet",
    )


def case_packs(inspection: Inspection) -> Progress:
    s = CasePackPart.objects.for_inspection(inspection).summary()
    total = s["total"]
    if not total:
        return Progress(0, 0, "No children chosen yet", risk="case packs: no children chosen yet")
    not_qa = total - s["quality_assured"]
    not_collated = total - s["collated"]
    if not_qa:
        extra = f" ({not_collated} not yet collated)" if not_collated else ""
        risk = f"case packs: {_plural(not_qa, 'document')} not yet quality-assured{extra}"
    elif total - s["uploaded"]:
        risk = f"case packs: {_plural(total - s['uploaded'], 'document')} not yet uploaded"
    else:
        risk = ""
    return Progress(
        done=s["uploaded"],
        total=total,
        label=f"{s['uploaded']} of {total} case-record documents uploaded",
        risk=risk,
    )
