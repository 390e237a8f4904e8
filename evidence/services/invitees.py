"""Who is invited to a case discussion about a child (issue 13, point 3): the one rule.

The allocated worker and their team manager, always: inspectors ask the manager about
supervision and oversight of the child's record. When the child is on the audit list, also
whoever did the audit: inspectors test the council's audits against the record and ask the
auditor how the judgement was reached (report 7.53, 7.82). The scenario's case discussions
(through planner.services.scenario) and the desk's case-tracking proposal both come here.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.models import Audit, DeepDive
from inspections.models import Inspection, Person


@dataclass(frozen=True)
class CaseInvitees:
    worker: Person | None
    manager: Person | None
    auditor: Person | None

    @property
    def people(self) -> list[Person]:
        """Worker first (debriefs follow the worker), then manager and auditor, once each."""
        out: list[Person] = []
        for person in (self.worker, self.manager, self.auditor):
            if person is not None and all(p.pk != person.pk for p in out):
                out.append(person)
        return out


def is_team_manager(person: Person) -> bool:
    # The one rule (calendars' feeds use it too). The people list has no "manages" link: a
    # manager is named so in the job title and manages their own team ("Team manager",
    # "Early help team manager", "IRO manager").
    return bool(person.team) and "manager" in person.job_title.lower()


def team_manager_of(inspection: Inspection, team: str, worker: Person | None) -> Person | None:
    """The team's manager (the first by ref if several), never the worker themselves."""
    if not team:
        return None
    for person in Person.objects.filter(inspection=inspection, team__iexact=team).order_by("ref"):
        if is_team_manager(person) and (worker is None or person.pk != worker.pk):
            return person
    return None


def auditor_of(inspection: Inspection, child_id: str) -> Person | None:
    """Who did the child's audit: the audit inspectors chose it through, else its latest."""
    chosen = (
        DeepDive.objects.for_inspection(inspection)
        .filter(child_id__iexact=child_id)
        .select_related("audit__auditor")
        .first()
    )
    if chosen is not None:
        return chosen.audit.auditor
    audit = (
        Audit.objects.for_inspection(inspection)
        .filter(child_id__iexact=child_id)
        .select_related("auditor")
        .order_by("-audit_date", "-pk")
        .first()
    )
    return audit.auditor if audit is not None else None


def case_invitees(
    inspection: Inspection, child_id: str, worker: Person | None, team: str = ""
) -> CaseInvitees:
    """The people to invite to a case discussion about `child_id` with its allocated `worker`
    (`team`, when the worker has none or is unknown, names the manager's team)."""
    team = worker.team if worker is not None and worker.team else team
    return CaseInvitees(
        worker=worker,
        manager=team_manager_of(inspection, team, worker),
        auditor=auditor_of(inspection, child_id),
    )
