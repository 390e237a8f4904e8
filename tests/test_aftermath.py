"""The aftermath driven by events: the draft report, the publication date and the rest date the
tasks after the inspection, and the factual-accuracy comment log (issue 13, point 2)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from aftermath.models import AftermathEvent, CommentStatus, EventKind, FactualAccuracyComment
from aftermath.services import add_comment, clear_event, provisional_tasks, record_event
from inspections.access import NotAllowed
from inspections.calendar import LONDON, InspectionCalendar
from inspections.models import Person, PersonKind, Role, Task
from inspections.services.errors import InvalidFields
from inspections.services.inspections import create_inspection, move_day_one
from inspections.workflow import EVENTS, WorkflowError, expand_tasks, parse_template

MONDAY = dt.date(2025, 6, 16)  # day one; the final feedback is Friday 4 July 2025
DETAILS = {
    "slug": "shropshire-2025",
    "title": "Shropshire ILACS 2025",
    "local_authority": "Shropshire",
    "inspection_type": "ilacs_standard",
}
AFTER_EVENT_KEYS = [
    "draft-report",
    "factual-accuracy",
    "final-report-embargoed",
    "comms-plan-publication",
    "comms-plan-children",
    "staff-event",
    "publication",
    "cabinet-report",
    "full-council-report",
    "action-plan",
]


@pytest.fixture
def inspection(db):
    return create_inspection(**DETAILS, day_one=MONDAY)


def _due(key: str) -> dt.datetime:
    """A task's due moment in UK time."""
    return Task.objects.get(key=key).due_at.astimezone(LONDON)


def _text(response) -> str:
    page = response.content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _date_form(date: dt.date, notes: str = "") -> dict[str, str]:
    return {
        "date-day": str(date.day),
        "date-month": str(date.month),
        "date-year": str(date.year),
        "notes": notes,
    }


# -- the acceptance --------------------------------------------------------------------------


def test_the_draft_report_dates_the_factual_accuracy_deadline_five_working_days_on_across_a_bank_holiday(
    inspection,
):
    # Thursday 21 August 2025; Monday 25 August is the Late Summer Bank Holiday. Counting working
    # days by hand: Fri 22 (1), Tue 26 (2), Wed 27 (3), Thu 28 (4), Fri 29 (5).
    record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 8, 21))
    assert _due("factual-accuracy") == dt.datetime(2025, 8, 29, 17, 30, tzinfo=LONDON)
    assert _due("draft-report").date() == dt.date(2025, 8, 21)


def test_the_publication_date_dates_the_improvement_plan_seventy_working_days_on(inspection):
    # Shropshire: published 12 August 2025, the plan due 19 November 2025 (report 7.92, 7.102)
    record_event(None, inspection, EventKind.PUBLICATION_CONFIRMED, dt.date(2025, 8, 12))
    assert _due("action-plan").date() == dt.date(2025, 11, 19)
    assert _due("publication").date() == dt.date(2025, 8, 12)
    # the comms plans two working days before: Friday 8 August, the day of the staff event
    assert _due("comms-plan-publication").date() == dt.date(2025, 8, 8)
    assert _due("comms-plan-children").date() == dt.date(2025, 8, 8)


def test_the_council_meetings_date_their_reports_five_working_days_before(inspection):
    # Cabinet 10 September 2025, Full Council 25 September 2025 (report 3.3)
    record_event(None, inspection, EventKind.CABINET_MEETING, dt.date(2025, 9, 10))
    record_event(None, inspection, EventKind.FULL_COUNCIL_MEETING, dt.date(2025, 9, 25))
    record_event(None, inspection, EventKind.STAFF_EVENT, dt.date(2025, 8, 8))
    record_event(None, inspection, EventKind.FINAL_REPORT_EMBARGOED, dt.date(2025, 8, 5))
    assert _due("cabinet-report").date() == dt.date(2025, 9, 3)
    assert _due("full-council-report").date() == dt.date(2025, 9, 18)
    assert _due("staff-event").date() == dt.date(2025, 8, 8)
    assert _due("final-report-embargoed").date() == dt.date(2025, 8, 5)


def test_moving_an_event_re_dates_its_tasks_and_leaves_others_alone(inspection):
    record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 8, 21))
    publication_before = _due("publication")
    record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 9, 1))
    # Monday 1 September + 5 working days = Monday 8 September
    assert _due("factual-accuracy").date() == dt.date(2025, 9, 8)
    assert _due("draft-report").date() == dt.date(2025, 9, 1)
    assert _due("publication") == publication_before
    event = AftermathEvent.objects.get(inspection=inspection)
    assert [h.date for h in event.history.order_by("history_date")] == [
        dt.date(2025, 8, 21),
        dt.date(2025, 9, 1),
    ]


def test_before_its_event_a_task_is_dated_provisionally_and_says_what_it_waits_for(
    inspection, staff_client
):
    # the usual gap: last+20 and last+97 working days after Friday 4 July 2025
    assert _due("factual-accuracy").date() == dt.date(2025, 8, 1)
    assert _due("action-plan").date() == dt.date(2025, 11, 19)
    assert provisional_tasks(inspection) == {
        "draft-report": "draft report",
        "factual-accuracy": "draft report",
        "final-report-embargoed": "embargoed final report",
        "comms-plan-publication": "publication date",
        "comms-plan-children": "publication date",
        "staff-event": "staff event date",
        "publication": "publication date",
        "cabinet-report": "Cabinet meeting date",
        "full-council-report": "Full Council meeting date",
        "action-plan": "publication date",
    }
    page = _text(staff_client.get(reverse("aftermath:index", args=[inspection.slug])))
    assert (
        "Factual-accuracy comments on the draft report returned to Ofsted: Fri 1 Aug 2025 "
        "(5 working days after) provisional (waiting for: draft report)" in page
    )

    record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 8, 21))
    assert "factual-accuracy" not in provisional_tasks(inspection)
    page = _text(staff_client.get(reverse("aftermath:index", args=[inspection.slug])))
    assert "Draft report received Thursday 21 August 2025" in page
    assert (
        "Factual-accuracy comments on the draft report returned to Ofsted: Fri 29 Aug 2025 "
        "(5 working days after) Change" in page
    )


def test_clearing_an_event_puts_its_tasks_back_on_their_provisional_dates(inspection):
    record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 8, 21))
    clear_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED)
    assert _due("factual-accuracy").date() == dt.date(2025, 8, 1)
    assert not AftermathEvent.objects.exists()


def test_moving_day_one_keeps_the_recorded_event_dates(inspection):
    record_event(None, inspection, EventKind.PUBLICATION_CONFIRMED, dt.date(2025, 8, 12))
    move_day_one(inspection, dt.date(2025, 6, 23))
    # dated from the event, not from the moved final feedback...
    assert _due("action-plan").date() == dt.date(2025, 11, 19)
    assert _due("publication").date() == dt.date(2025, 8, 12)
    # ...while a task still waiting moved with it: last+20 after Friday 11 July 2025
    assert _due("factual-accuracy").date() == dt.date(2025, 8, 8)


def test_an_event_on_a_weekend_bank_holiday_or_before_the_final_feedback_is_refused(inspection):
    with pytest.raises(InvalidFields) as caught:
        record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 8, 25))
    assert caught.value.errors == {
        "date": "Draft report received: Monday 25 August 2025 is a bank holiday "
        "(Late Summer Bank Holiday); enter a working day"
    }
    with pytest.raises(InvalidFields) as caught:
        record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 7, 3))
    assert caught.value.errors == {
        "date": "Draft report received: Thursday 3 July 2025 is before the final feedback "
        "(Friday 4 July 2025)"
    }
    assert not AftermathEvent.objects.exists()
    assert _due("factual-accuracy").date() == dt.date(2025, 8, 1)


# -- the template ----------------------------------------------------------------------------


def _template(**extra):
    task = {"key": "fa", "title": "FA", "phase": "after", "day": "last+20", "owner_role": "dcs"}
    return {"template": {"key": "t", "name": "T"}, "task": [{**task, **extra}]}


def test_the_number_of_working_days_is_set_per_task_in_the_template():
    template = parse_template(_template(after_event="draft_report_received", working_days=3))
    calendar = InspectionCalendar(MONDAY)
    [waiting] = expand_tasks(template, calendar)
    [dated] = expand_tasks(template, calendar, {"draft_report_received": dt.date(2025, 8, 21)})
    assert (waiting.due_at.date(), waiting.provisional, waiting.waiting_for) == (
        dt.date(2025, 8, 1),
        True,
        "draft report",
    )
    # Thursday 21 August + 3 working days, over the bank holiday: Wednesday 27 August
    assert (dated.due_at.astimezone(LONDON).date(), dated.provisional, dated.waiting_for) == (
        dt.date(2025, 8, 27),
        False,
        "",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"after_event": "lunch"}, "after_event 'lunch' is not one of draft_report_received"),
        ({"working_days": 5}, "working_days needs an after_event to count from"),
        (
            {"after_event": "draft_report_received", "working_days": "five"},
            "working_days must be a whole number",
        ),
        (
            {"after_event": "draft_report_received", "repeat": "onsite_days"},
            "a repeated task cannot hang off an event",
        ),
    ],
)
def test_bad_event_settings_in_a_template_are_named(extra, message):
    with pytest.raises(WorkflowError, match=message):
        parse_template(_template(**extra))


def test_the_aftermath_events_are_the_templates_events(inspection):
    assert sorted(EventKind.values) == sorted(EVENTS)
    keys = sorted(t.key for t in Task.objects.filter(key__in=AFTER_EVENT_KEYS))
    assert keys == sorted(AFTER_EVENT_KEYS)


# -- roles and pages -------------------------------------------------------------------------


def test_only_a_coordinator_records_an_event(inspection, member_client, django_user_model):
    team = member_client(inspection, Role.PROJECT_TEAM)
    url = reverse("aftermath:event", args=[inspection.slug, EventKind.PUBLICATION_CONFIRMED])
    assert team.post(url, _date_form(dt.date(2025, 8, 12))).status_code == 403
    user = django_user_model.objects.get(username__startswith="project_team")
    with pytest.raises(NotAllowed):
        record_event(user, inspection, EventKind.PUBLICATION_CONFIRMED, dt.date(2025, 8, 12))
    assert not AftermathEvent.objects.exists()

    coordinator = member_client(inspection, Role.COORDINATOR)
    response = coordinator.post(url, _date_form(dt.date(2025, 8, 12), "Ofsted's email"))
    assert response.status_code == 302
    event = AftermathEvent.objects.get()
    assert (event.kind, event.date, event.notes, event.recorded_by.username) == (
        "publication_confirmed",
        dt.date(2025, 8, 12),
        "Ofsted's email",
        "coordinator-2",
    )
    assert _due("action-plan").date() == dt.date(2025, 11, 19)


def test_a_bad_date_on_the_page_is_shown_by_its_field(inspection, staff_client):
    url = reverse("aftermath:event", args=[inspection.slug, EventKind.DRAFT_REPORT_RECEIVED])
    response = staff_client.post(url, _date_form(dt.date(2025, 8, 23)))
    assert response.status_code == 400
    assert (
        "Draft report received: Saturday 23 August 2025 is a weekend day; enter a working day"
        in _text(response)
    )
    assert not AftermathEvent.objects.exists()


def test_the_project_team_keeps_the_comment_log_and_staff_cannot(inspection, member_client):
    agreed = Person.objects.create(
        inspection=inspection, ref="dcs", full_name="Tanya Miles", kind=PersonKind.SENIOR_LEADER
    )
    staff = member_client(inspection, Role.STAFF)
    new = reverse("aftermath:comment-new", args=[inspection.slug])
    form = {
        "paragraph": "12",
        "point": "Says 82 care leavers; it is 92.",
        "evidence": "Care leavers list, 30 June 2025",
        "agreed_by": str(agreed.pk),
        "status": CommentStatus.SENT,
    }
    assert staff.post(new, form).status_code == 403
    page = _text(staff.get(reverse("aftermath:index", args=[inspection.slug])))
    assert "Add a comment" not in page and "Download as Excel" not in page

    team = member_client(inspection, Role.PROJECT_TEAM)
    assert team.post(new, form).status_code == 302
    comment = FactualAccuracyComment.objects.get()
    assert (comment.paragraph, comment.point, comment.agreed_by, comment.status) == (
        "12",
        "Says 82 care leavers; it is 92.",
        agreed,
        "sent",
    )
    assert comment.sent_at is not None
    edit = reverse("aftermath:comment-edit", args=[inspection.slug, comment.pk])
    assert team.post(edit, {**form, "status": CommentStatus.DRAFT}).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.sent_at) == ("draft", None)


def test_a_comment_needs_its_paragraph_and_point(inspection, staff_client):
    new = reverse("aftermath:comment-new", args=[inspection.slug])
    response = staff_client.post(new, {"paragraph": "", "point": " ", "status": "draft"})
    assert response.status_code == 400
    page = _text(response)
    assert "Enter the draft report's paragraph" in page
    assert "Enter the point: what is inaccurate and what it should say" in page
    assert not FactualAccuracyComment.objects.exists()


def test_the_comment_log_exports_to_excel(inspection, staff_client):
    agreed = Person.objects.create(
        inspection=inspection, ref="dcs", full_name="Tanya Miles", kind=PersonKind.SENIOR_LEADER
    )
    add_comment(None, inspection, paragraph="3", point="=Not a formula", agreed_by=agreed)
    add_comment(
        None,
        inspection,
        paragraph="12",
        point="Says 82; it is 92.",
        evidence="Care leavers list",
        status=CommentStatus.ACCEPTED,
    )
    response = staff_client.get(reverse("aftermath:comments-export", args=[inspection.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="shropshire-2025-factual-accuracy.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content))["Factual accuracy"]
    rows = [[c.value for c in row][:5] for row in sheet.iter_rows()]
    assert rows == [
        ["Paragraph", "Point", "Evidence", "Agreed by", "Status"],
        ["3", "=Not a formula", None, "Tanya Miles", "Draft"],
        ["12", "Says 82; it is 92.", "Care leavers list", None, "Accepted by Ofsted"],
    ]
    assert sheet["B2"].data_type == "s"


def test_the_record_event_command_re_dates_and_names_bad_input(inspection):
    out = io.StringIO()
    call_command(
        "record_event",
        "shropshire-2025",
        "--kind",
        "publication_confirmed",
        "--date",
        "2025-08-12",
        "--json",
        stdout=out,
    )
    payload = json.loads(out.getvalue())
    due = {t["key"]: t["due"][:10] for t in payload["tasks"]}
    assert due == {
        "comms-plan-publication": "2025-08-08",
        "comms-plan-children": "2025-08-08",
        "publication": "2025-08-12",
        "action-plan": "2025-11-19",
    }
    with pytest.raises(CommandError, match="--kind 'lunch' is not one of"):
        call_command("record_event", "shropshire-2025", "--kind", "lunch", "--date", "2025-08-12")
    with pytest.raises(CommandError, match="--date '12/08/2025' is not a date"):
        call_command(
            "record_event", "shropshire-2025", "--kind", "staff_event", "--date", "12/08/2025"
        )
