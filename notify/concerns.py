"""A concern about a child reaches those who must see it at once, whatever they chose to
receive (Outgoing.essential): the coordinators (notify.alerts.coordinators) and the
inspection's senior leaders, the people who may see concerns (inspections.access.sees_concerns).

The e-mail names the concern (C-n), the child's ID, who raised it and when the response is
due; not what the inspector wrote: that stays behind the planner's sign-in, where only those
people can read it. Once per concern and person (`concern:<pk>:person:<pk>`).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from desk.models import Concern
from inspections.calendar import LONDON
from inspections.models import Inspection, Person, PersonKind
from notify.alerts import coordinators
from notify.delivery import Outgoing, queue_message
from notify.models import Message, MessageKind


def concern_recipients(inspection: Inspection) -> list[Person]:
    leaders = inspection.people.filter(kind=PersonKind.SENIOR_LEADER).exclude(email="")
    found = {p.pk: p for p in [*coordinators(inspection), *leaders]}
    return sorted(found.values(), key=lambda p: (p.full_name, p.pk))


def _lines(concern: Concern) -> list[str]:
    due = concern.response_due_at.astimezone(LONDON)
    raised = concern.raised_at.astimezone(LONDON)
    by = f" by {concern.raised_by.full_name}" if concern.raised_by else ""
    return [
        f"Concern {concern.label} about child ID {concern.child_id} was raised{by} at "
        f"{raised:%H:%M} on {raised:%A} {raised.day} {raised:%B}.",
        f"A response is due by {due:%H:%M} on {due:%A} {due.day} {due:%B}.",
        "Read it and record the actions under Concerns in the planner.",
    ]


def create_concern_alerts(concern_pk: int) -> list[tuple[Message, bool]]:
    """Each recipient's alert for the concern, recorded (True when new)."""
    concern = Concern.objects.select_related("inspection", "raised_by").get(pk=concern_pk)
    inspection = concern.inspection
    lines = _lines(concern)
    out = []
    for person in concern_recipients(inspection):
        context = {"inspection": inspection, "name": person.full_name, "lines": lines}
        outgoing = Outgoing(
            email=person.email,
            subject=f"{inspection.title}: concern {concern.label} about child {concern.child_id}",
            text=render_to_string("notify/email/concern.txt", context),
            html=render_to_string("notify/email/concern.html", context),
            person=person,
            essential=True,
        )
        key = f"concern:{concern.pk}:person:{person.pk}"
        out.append(queue_message(inspection, MessageKind.ALERT, key, outgoing))
    return out
