"""Feedback after every contact with inspectors: who may record it, what it refuses, and the
senior leaders' rollup by theme and by line of enquiry, day by day."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from desk.models import ContactFeedback, LineOfEnquiry
from desk.services import feedback as service
from inspections.access import NotAllowed
from inspections.calendar import to_utc
from inspections.models import PersonKind, Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting
from scheduling.planning import plan

BUDGET = {"time_limit": 120.0, "deterministic_time": 0.05}  # as tests/test_scheduling_replan.py


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def planned(scenario):
    result = plan(scenario, **BUDGET, seed=0, fresh=True)
    assert result.placed == result.total
    return scenario


def _lines(inspection):
    return [
        LineOfEnquiry.objects.create(inspection=inspection, ref=ref, title=title)
        for ref, title in (
            ("FB-1", "Management oversight of CIN plans"),
            ("FB-2", "Voice of the child in care"),
        )
    ]


def _contact_with_a_practitioner(inspection):
    """A placed meeting with inspectors that a practitioner attends, and that practitioner."""
    for m in Meeting.objects.for_inspection(inspection).placed().with_people():
        people = [p for p in m.attendees.all() if p.kind == PersonKind.PRACTITIONER]
        if people and m.assigned_inspectors.all():
            return m, people[0]
    raise AssertionError("the scenario has no such meeting")


def _summary(response):
    return re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', response.content.decode())


def test_an_attendee_may_record_feedback_and_staff_who_were_not_there_may_not(
    planned, member_client
):
    loe1, loe2 = _lines(planned)
    meeting, worker = _contact_with_a_practitioner(planned)
    absent = planned.people.practitioners().exclude(pk__in=meeting.attendees.all()).first()
    url = reverse("desk:meeting-feedback", args=[planned.slug, meeting.pk])
    attendee = member_client(planned, Role.STAFF, worker)
    other = member_client(planned, Role.STAFF, absent)

    detail = attendee.get(reverse("scheduling:meeting", args=[planned.slug, meeting.pk]))
    assert f'href="{url}"' in detail.content.decode()
    assert attendee.get(url).status_code == 200
    posted = attendee.post(
        url,
        {
            "attended": "Social worker and team manager",
            "theme_tags": "Management Oversight,  voice of the  child; management oversight",
            "themes": "Asked about supervision records",
            "strengths": "Knew the child well",
            "worries": "",
            "follow_ups": "Send the supervision policy",
            "lines": [str(loe1.pk)],
        },
    )
    assert posted.status_code == 302
    note = ContactFeedback.objects.get()
    assert (
        note.meeting,
        note.author,
        note.attended,
        note.theme_tags,
        note.themes,
        note.strengths,
        note.worries,
        note.follow_ups,
        list(note.lines.all()),
    ) == (
        meeting,
        worker,
        "Social worker and team manager",
        ["management oversight", "voice of the child"],
        "Asked about supervision records",
        "Knew the child well",
        "",
        "Send the supervision policy",
        [loe1],
    )

    assert other.get(url).status_code == 403
    assert other.post(url, {"themes": "I was not there"}).status_code == 403
    other_user = planned.memberships.get(person=absent).user
    with pytest.raises(NotAllowed):
        service.record_feedback(meeting, themes="I was not there", actor=other_user)
    assert ContactFeedback.objects.count() == 1

    # a viewer who is not a senior leader may not; a senior leader who debriefs may
    assert member_client(planned, Role.VIEWER).get(url).status_code == 403
    leader = member_client(planned, Role.VIEWER, planned.people.get(ref="sl-hos-qa"))
    assert (
        leader.post(url, {"themes": "Debriefed the worker", "lines": [loe2.pk]}).status_code == 302
    )
    assert ContactFeedback.objects.count() == 2
    # only its author (or the project team) may change a note
    edit = reverse("desk:feedback-edit", args=[planned.slug, note.pk])
    assert leader.get(edit).status_code == 403
    assert attendee.post(edit, {"themes": "Asked about supervision"}).status_code == 302
    note.refresh_from_db()
    assert (note.themes, note.theme_tags, list(note.lines.all())) == (
        "Asked about supervision",
        [],
        [],
    )


def test_feedback_is_refused_for_a_meeting_with_no_inspector(planned, member_client):
    internal = Meeting.objects.get(inspection=planned, ref="kit-internal-d07-1")
    assert internal.assigned_inspectors.count() == 0
    with pytest.raises(DomainError, match="has no inspector in it"):
        service.record_feedback(internal, themes="Nothing to feed back")
    coordinator = member_client(planned, Role.COORDINATOR)
    url = reverse("desk:meeting-feedback", args=[planned.slug, internal.pk])
    page = coordinator.get(url).content.decode()
    assert "has no inspector in it" in page and 'action="' + url not in page
    posted = coordinator.post(url, {"themes": "Nothing to feed back"})
    assert posted.status_code == 400
    assert _summary(posted) == [
        (
            "themes",
            "“Internal KIT, morning (day 7)” has no inspector in it: feedback is for meetings "
            "with inspectors.",
        )
    ]
    assert not ContactFeedback.objects.exists()


def test_the_rollup_groups_notes_by_theme_and_by_line_day_by_day(planned, member_client):
    loe1, loe2 = _lines(planned)
    day7 = Meeting.objects.get(inspection=planned, ref="kit-lead-d07")
    day8 = Meeting.objects.get(inspection=planned, ref="kit-lead-d08")
    # a contact late on day 7 in UTC is just after midnight in London: day 8's
    night = Meeting.objects.get(inspection=planned, ref="kit-lead-d09")
    midnight = to_utc(planned.calendar.date_for_day(8), dt.time(0, 30))
    Meeting.objects.filter(pk=night.pk).update(
        start=midnight, end=midnight + dt.timedelta(minutes=30)
    )
    night.refresh_from_db()
    assert midnight.date() == planned.calendar.date_for_day(7)  # 23:30 UTC the day before
    inputs = [
        (day7, ["management oversight", "voice of the child"], [loe1]),
        (day7, ["management oversight"], [loe1, loe2]),
        (day8, ["workforce"], [loe2]),
        (night, ["voice of the child", "workforce"], []),
    ]
    notes = [
        service.record_feedback(m, themes=f"note {i}", theme_tags=tags, lines=lines)
        for i, (m, tags, lines) in enumerate(inputs)
    ]

    def expected(day):
        # the notes of the day's meetings, in the order the meetings started
        picked = sorted(
            (
                (n, tags, lines)
                for n, (m, tags, lines) in zip(notes, inputs, strict=True)
                if m in ((day7,) if day == 7 else (day8, night))
            ),
            key=lambda row: row[0].meeting.start,
        )
        themes: dict[str, list[int]] = {}
        by_line: dict[str, list[int]] = {}
        for n, tags, lines in picked:
            for tag in tags:
                themes.setdefault(tag, []).append(n.pk)
            for line in lines:
                by_line.setdefault(line.ref, []).append(n.pk)
        return {"notes": [n.pk for n, _, _ in picked], "themes": themes, "lines": by_line}

    def shown(days):
        return {
            d.day: {
                "notes": [n.pk for n in d.notes],
                "themes": {g.key: [n.pk for n in g.notes] for g in d.by_theme},
                "lines": {g.key: [n.pk for n in g.notes] for g in d.by_line},
            }
            for d in days
        }

    # day 8: the midnight contact comes first (00:30), then the lead KIT
    assert [n.meeting for n in service.rollup(planned, day=8)[0].notes] == [night, day8]
    assert shown(service.rollup(planned)) == {7: expected(7), 8: expected(8)}
    assert shown(service.rollup(planned, day=8)) == {8: expected(8)}
    assert shown(service.rollup(planned, day=9)) == {}
    seven = service.rollup(planned, day=7)[0]
    assert [(g.key, g.count) for g in seven.by_theme] == [
        ("management oversight", 2),
        ("voice of the child", 1),
    ]
    assert seven.date == planned.calendar.date_for_day(7)

    url = reverse("desk:feedback-rollup", args=[planned.slug])
    statuses = {
        who: member_client(planned, role, person).get(url).status_code
        for who, role, person in (
            ("viewer", Role.VIEWER, None),
            ("staff", Role.STAFF, planned.people.practitioners().first()),
            ("leader", Role.VIEWER, planned.people.get(ref="sl-dcs")),
            ("project team", Role.PROJECT_TEAM, None),
        )
    }
    assert statuses == {"viewer": 403, "staff": 403, "leader": 200, "project team": 200}
    team = member_client(planned, Role.PROJECT_TEAM)
    html = team.get(url, {"day": "7"}).content.decode()
    assert re.search(r'id="rollup-count">2 notes\.', html)
    assert "management oversight" in html and "workforce" not in html
    bad = team.get(url, {"day": "99"})
    assert bad.status_code == 400
    assert _summary(bad) == [("day", f"Day must be between 1 and {planned.calendar.last_day}")]


def test_the_feedback_form_names_each_field_it_refuses(planned, member_client):
    loe1, _ = _lines(planned)
    meeting = Meeting.objects.get(inspection=planned, ref="kit-lead-d07")
    url = reverse("desk:meeting-feedback", args=[planned.slug, meeting.pk])
    coordinator = member_client(planned, Role.COORDINATOR)

    empty = coordinator.post(url, {"attended": "DCS"})
    assert empty.status_code == 400
    assert _summary(empty) == [
        (
            "themes",
            "Themes heard: enter at least one of themes heard, strengths, worries or follow-ups",
        )
    ]
    bad = coordinator.post(
        url,
        {
            "attended": "x" * 1001,
            "theme_tags": ", ".join(f"tag {i}" for i in range(13)),
            "strengths": "Strong QA",
            "lines": ["abc"],
        },
    )
    assert bad.status_code == 400
    assert _summary(bad) == [
        ("attended", "Who attended must be 1000 characters or fewer"),
        ("theme_tags", "Theme tags: enter 12 tags or fewer"),
        ("lines", "Lines of enquiry: choose lines from the list"),
    ]
    # an id that is not one of this inspection's lines
    gone = coordinator.post(url, {"strengths": "Strong QA", "lines": [str(loe1.pk + 1000)]})
    assert _summary(gone) == [("lines", "Lines of enquiry: choose lines from the list")]
    assert not ContactFeedback.objects.exists()
