"""The scenario's Annexe A: eleven lists with owners from the project team, statuses and counts.

Counts fit a council with about 2,092 children allocated to social workers (Shropshire 2025):
contacts run to thousands, adoption lists to a few dozen.
"""

from __future__ import annotations

import datetime as dt

from annex_a.models import AnnexAList, ListStatus
from annex_a.services.lists import annex_a_spec
from inspections.calendar import to_utc
from inspections.models import Inspection, Person, PersonRole
from inspections.services.scenario import ScenarioContext

# list -> (typical rows, owner role, state by day 2 of the scenario)
PLAN: dict[int, tuple[int, str, str]] = {
    1: (7840, PersonRole.LCS, "uploaded"),
    2: (1310, PersonRole.PERFORMANCE, "signed_off"),
    3: (1512, PersonRole.LCS, "uploaded"),
    4: (1689, PersonRole.LCS, "signed_off"),
    5: (612, PersonRole.PERFORMANCE, "reconciling"),
    6: (1596, PersonRole.PERFORMANCE, "signed_off"),
    7: (298, PersonRole.PERFORMANCE, "signed_off"),
    8: (684, PersonRole.LCS, "issues"),
    9: (352, PersonRole.PERFORMANCE, "signed_off"),
    10: (41, PersonRole.LCS, "signed_off"),
    11: (63, PersonRole.LCS, "extracted"),
}
TICKS = {
    "extracted": ("extract_run",),
    "issues": ("extract_run",),
    "reconciling": ("extract_run", "checks_passed"),
    "signed_off": ("extract_run", "checks_passed", "reconciled", "signed_off"),
    "uploaded": ("extract_run", "checks_passed", "reconciled", "signed_off", "uploaded"),
}
STATUS = {
    "extracted": ListStatus.IN_PROGRESS,
    "issues": ListStatus.ISSUES,
    "reconciling": ListStatus.IN_PROGRESS,
    "signed_off": ListStatus.SIGNED_OFF,
    "uploaded": ListStatus.UPLOADED,
}
NOTES = {
    "issues": "Placement postcodes blank for some out-of-area placements: LCS fixing at source.",
    "reconciling": "Two S47s more than the performance report: checking strategy discussion dates.",
    "extracted": "Awaiting the adoption agency's stage 2 dates.",
}


def load_scenario_annex_a(inspection: Inspection, ctx: ScenarioContext) -> str:
    rng = ctx.rng("annex_a")
    owners: dict[str, list[Person]] = {
        role: list(inspection.people.project_team().with_role(role).order_by("ref"))
        for role in (PersonRole.LCS, PersonRole.PERFORMANCE)
    }
    day_one = inspection.day_one
    signed = 0
    for spec in annex_a_spec().lists:
        rows, role, state = PLAN[spec.number]
        people = owners.get(role) or owners[PersonRole.PERFORMANCE] or owners[PersonRole.LCS]
        owner = people[spec.number % len(people)] if people else None
        ticks = TICKS[state]
        signed_off_at = None
        if "signed_off" in ticks:
            signed += 1
            # signed off late on day one (16:00-19:00) or early on day two (08:00-11:00), UK time
            day = day_one if rng.random() < 0.5 else inspection.calendar.date_for_day(2)
            start = dt.time(16, 0) if day == day_one else dt.time(8, 0)
            signed_off_at = ctx.at_most_now(
                to_utc(day, start) + dt.timedelta(minutes=rng.randint(0, 180))
            )
        count = round(rows * rng.uniform(0.97, 1.03))
        AnnexAList.objects.update_or_create(
            inspection=inspection,
            number=spec.number,
            defaults={
                "name": spec.name,
                "period_months": spec.period_months,
                "owner": owner,
                "status": STATUS[state],
                "row_count": count,
                "notes": NOTES.get(state, ""),
                "signed_off_at": signed_off_at,
                "signed_off_by": None,
                **{field: field in ticks for field in TICKS["uploaded"]},
            },
        )
    return f"annex A: 11 lists, {signed} signed off"
