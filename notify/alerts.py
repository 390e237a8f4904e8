"""Alerts to the coordinator(s): what is due now, each under a key that makes it once.

- the library behind: at 09:00 on the day the library is due (day 3), under 80% of its
  documents quality-assured (quality-assured or uploaded), read from the library's one
  progress service (evidence.services.library.library_progress);
- a meeting that lost its room or inspector ("lost_meetings"): a meeting the latest release
  published (not cancelled, not yet over) with a room, or with inspectors, whose draft now,
  not cancelled, has no usable room (none, or a room withdrawn: Room.active off) or no
  inspector who can be there (none assigned, or every one assigned absent then). Once per
  meeting, release and thing lost (room, inspector);
- a request for information about to go overdue: open and due within the next
  NOTIFY_REQUEST_ALERT_MINUTES (once per request and due moment).

The coordinators are the council people of the project team whose role is coordinator, and
the council person of each member whose planner role is coordinator; those with an e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string

from desk.models import InformationRequest
from evidence.services.library import library_due_at, library_progress
from inspections.calendar import LONDON, CalendarError, local_date, to_utc
from inspections.models import Inspection, Person, PersonKind, PersonRole, Role
from notify.delivery import Outgoing
from scheduling.models import Meeting, MeetingStatus, Mode, Unavailability
from scheduling.planning import describe_slot
from scheduling.releases import latest_release, latest_release_meetings
from scheduling.snapshots import MeetingSnapshot, SnapshotStatus

# The library is behind when fewer than this share of its documents are quality-assured ...
LIBRARY_QA_SHARE = 0.8
# ... at this time on the day it is due.
LIBRARY_CHECK_AT = dt.time(9, 0)

Due = tuple[Inspection, str, Outgoing]  # where, dedupe key, what


def coordinators(inspection: Inspection) -> list[Person]:
    """Who the alerts go to, by name: see the module's docstring."""
    return list(
        Person.objects.filter(inspection=inspection)
        .filter(
            Q(kind=PersonKind.PROJECT_TEAM, role=PersonRole.COORDINATOR)
            | Q(memberships__inspection=inspection, memberships__role=Role.COORDINATOR)
        )
        .exclude(email="")
        .distinct()
        .order_by("full_name", "pk")
    )


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"


def _to_each(
    inspection: Inspection, key: str, subject: str, lines: list[str], people: list[Person]
) -> list[Due]:
    out = []
    for person in people:
        context = {"inspection": inspection, "name": person.full_name, "lines": lines}
        out.append(
            (
                inspection,
                f"{key}:person:{person.pk}",
                Outgoing(
                    email=person.email,
                    subject=f"{inspection.title}: {subject}",
                    text=render_to_string("notify/email/alert.txt", context),
                    html=render_to_string("notify/email/alert.html", context),
                    person=person,
                ),
            )
        )
    return out


# --- the library ------------------------------------------------------------------------------


def library_check_moment(inspection: Inspection) -> dt.datetime | None:
    """09:00 on the day the library is due; None for a visit with no library deadline."""
    try:
        due = library_due_at(inspection)
    except (CalendarError, ValueError):
        return None
    return to_utc(local_date(due), LIBRARY_CHECK_AT)


def library_alerts(inspection: Inspection, now: dt.datetime, late: dt.timedelta) -> list[Due]:
    # only where the workflow tracks a library (the template's `progress = "library"`)
    if not inspection.tasks.filter(progress_source="library").exists():
        return []
    moment = library_check_moment(inspection)
    if moment is None or not now - late <= moment <= now:
        return []
    progress = library_progress(inspection)
    assured = progress.total - progress.not_quality_assured
    if progress.total and assured >= LIBRARY_QA_SHARE * progress.total:
        return []
    percent = round(100 * assured / progress.total) if progress.total else 0
    due = library_due_at(inspection)
    lines = [
        f"The library is behind: {assured} of {progress.total} documents are quality-assured "
        f"({percent}%), under {round(100 * LIBRARY_QA_SHARE)}% at {_when(moment)}.",
        f"It is due at {_when(due)}.",
    ]
    if progress.risk:
        lines.append(progress.risk[:1].upper() + progress.risk[1:] + ".")
    key = f"alert:library:{inspection.pk}:{moment.isoformat()}"
    return _to_each(inspection, key, "the library is behind", lines, coordinators(inspection))


# --- meetings that lost their room or inspector -----------------------------------------------


def _absent(
    absences: Iterable[Unavailability], inspector_pk: int, start: dt.datetime, end: dt.datetime
) -> bool:
    return any(a.inspector_id == inspector_pk and a.start < end and a.end > start for a in absences)


def lost_meetings(
    inspection: Inspection, now: dt.datetime
) -> list[tuple[MeetingSnapshot, Meeting, dict[str, str]]]:
    """Each published meeting ahead that lost its room or inspector: (as published, the
    draft, what it lost: "room" / "inspector" -> why, as the alert says it)."""
    published = [
        s
        for s in latest_release_meetings(inspection)
        if s.status != SnapshotStatus.CANCELLED and s.end > now and (s.room or s.inspectors)
    ]
    if not published:
        return []
    drafts = {
        m.pk: m
        for m in Meeting.objects.filter(pk__in=[s.meeting_id for s in published])
        .select_related("room", "room__venue")
        .prefetch_related("assigned_inspectors")
    }
    absences = list(
        Unavailability.objects.for_inspection(inspection).filter(
            inspector__isnull=False, end__gt=now
        )
    )
    out = []
    for snap in published:
        meeting = drafts.get(snap.meeting_id)
        if meeting is None or meeting.status == MeetingStatus.CANCELLED:
            continue  # cancelled on purpose: the change notice tells people
        lost: dict[str, str] = {}
        if snap.room and meeting.mode == Mode.IN_PERSON:
            if meeting.room is None:
                lost["room"] = "It has no room in the draft timetable now."
            elif not meeting.room.active:
                lost["room"] = f"Its room, {meeting.room.name}, has been withdrawn."
        if snap.inspectors:
            # where the draft has it, else where it was published (an unplaced draft)
            start = meeting.start or snap.start
            end = meeting.end if meeting.start and meeting.end else snap.end
            assigned = list(meeting.assigned_inspectors.all())
            if not assigned:
                lost["inspector"] = "It has no inspector in the draft timetable now."
            elif all(_absent(absences, i.pk, start, end) for i in assigned):
                names = ", ".join(i.full_name for i in assigned)
                verb = "is" if len(assigned) == 1 else "are"
                lost["inspector"] = f"{names} {verb} absent then."
        if lost:
            out.append((snap, meeting, lost))
    return out


def meeting_alerts(inspection: Inspection, now: dt.datetime) -> list[Due]:
    """One alert per meeting, release and thing lost: a meeting that loses its inspector
    after an absence, and then its room when the re-plan cannot place it, makes two."""
    release = latest_release(inspection)
    if release is None:
        return []
    people = coordinators(inspection)
    out: list[Due] = []
    for snap, meeting, lost in lost_meetings(inspection, now):
        where = ", ".join(x for x in (snap.room, snap.venue) if x)
        slot = describe_slot(snap.start, snap.end, snap.mode, where)
        for what, why in lost.items():
            lines = [
                f"{snap.title} has lost its {what}.",
                f"Published in {release}: {slot}.",
                why,
                "Move it or re-plan, then publish the change so the people in it are told.",
            ]
            key = f"alert:meeting:{meeting.pk}:v{release.number}:{what}"
            out += _to_each(inspection, key, f"{snap.title} has lost its {what}", lines, people)
    return out


# --- requests about to go overdue -------------------------------------------------------------


def request_alerts(inspection: Inspection, now: dt.datetime) -> list[Due]:
    window = dt.timedelta(minutes=settings.NOTIFY_REQUEST_ALERT_MINUTES)
    rows = (
        InformationRequest.objects.filter(inspection=inspection)
        .open()
        .filter(due_at__gt=now, due_at__lte=now + window)
        .select_related("inspector", "owner")
        .order_by("due_at", "number")
    )
    out: list[Due] = []
    people = coordinators(inspection) if rows else []
    for r in rows:
        minutes = max(1, round((r.due_at - now).total_seconds() / 60))
        lines = [
            f"Request {r.label} is due at {_when(r.due_at)}, in {minutes} minutes, "
            f"and is still {r.get_status_display().lower()}.",
            f"Asked by {r.inspector.full_name}." if r.inspector else "",
            f"Owner: {r.owner.full_name}." if r.owner else "It has no owner.",
            f"What was asked: {r.text}",
            f"Child ID: {r.child_id}" if r.child_id else "",
        ]
        key = f"alert:request:{r.pk}:{r.due_at.isoformat()}"
        subject = f"request {r.label} is due in {minutes} minutes"
        out += _to_each(inspection, key, subject, [line for line in lines if line], people)
    return out


def due_alerts(now: dt.datetime, late: dt.timedelta) -> list[Due]:
    """Every alert due now, across the inspections under way."""
    today = local_date(now)
    out: list[Due] = []
    for inspection in Inspection.objects.current(today):
        out += library_alerts(inspection, now, late)
        out += meeting_alerts(inspection, now)
        out += request_alerts(inspection, now)
    return out
