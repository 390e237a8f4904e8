"""KIT notes and actions: open actions carry onto the next KIT's agenda until closed; notes
only on KIT meetings; concerns on an agenda only for those who may see concerns."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from ui_browser import (
    DAY_THREE,
    axe_violations,
    chromium,
    csp_violations,
    horizontal_overflow,
    load_scenario_and_user,
    log_in,
    watch_csp,
)

from desk.models import (
    ActionStatus,
    Concern,
    ConcernStatus,
    InformationRequest,
    KitAction,
    KitNote,
    RequestStatus,
)
from desk.services import feedback
from desk.services import kits as service
from inspections.calendar import to_utc
from inspections.models import Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting, MeetingGroup
from scheduling.planning import plan

# As tests/test_scheduling_replan.py: CP-SAT's deterministic time, one worker, a fixed seed,
# so the plan (and the KITs' times) are the same on every run.
BUDGET = {"time_limit": 120.0, "deterministic_time": 0.05}


@pytest.fixture
def planned(scenario):
    result = plan(scenario, **BUDGET, seed=0, fresh=True)
    assert result.placed == result.total
    return scenario


def _kit(inspection, ref):
    return Meeting.objects.get(inspection=inspection, ref=ref)


def _carried(agenda):
    return [a.text for a in agenda.carried]


def _page(client, name, inspection, *args):
    return client.get(reverse(name, args=[inspection.slug, *args]))


def _section(html, element_id):
    """The text of the element with this id (a table), or "" when the page has none."""
    match = re.search(rf'<table[^>]*id="{element_id}".*?</table>', html, re.S)
    return match.group(0) if match else ""


def test_an_action_open_on_day_7_is_on_day_8s_agenda_and_once_closed_not_on_day_9s(
    planned, member_client
):
    coordinator = member_client(planned, Role.COORDINATOR)
    day7, day8, day9 = (_kit(planned, f"kit-lead-d0{n}") for n in (7, 8, 9))
    assert [service.day_of(planned, m) for m in (day7, day8, day9)] == [7, 8, 9]

    added = coordinator.post(
        reverse("desk:kit-action-add", args=[planned.slug, day7.pk]),
        {"text": "Send the updated CIN audit summary", "due_day": "8", "due_time": "12:00"},
    )
    assert added.status_code == 302
    action = KitAction.objects.get(inspection=planned)
    assert (action.meeting, action.raised_at, action.due_at) == (
        day7,
        day7.start,
        to_utc(planned.calendar.date_for_day(8), dt.time(12, 0)),
    )

    html8 = _page(coordinator, "desk:kit-agenda", planned, day8.pk).content.decode()
    assert "Send the updated CIN audit summary" in _section(html8, "carried-actions")
    assert _carried(service.agenda(planned, day8, None)) == ["Send the updated CIN audit summary"]

    closed = coordinator.post(
        reverse("desk:kit-action-status", args=[planned.slug, day8.pk, action.pk]),
        {"status": "closed"},
        follow=True,
    )
    assert closed.redirect_chain == [(reverse("desk:kit", args=[planned.slug, day8.pk]), 302)]
    assert "Closed the action: Send the updated CIN audit summary." in closed.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.closed_at is not None
    assert action.closed_by.username == "coordinator-1"

    html9 = _page(coordinator, "desk:kit-agenda", planned, day9.pk).content.decode()
    assert "Send the updated CIN audit summary" not in html9
    assert _carried(service.agenda(planned, day9, None)) == []


def test_an_open_action_is_on_every_later_kits_agenda_until_closed_and_again_if_reopened(
    planned,
):
    day7 = _kit(planned, "kit-lead-d07")
    action = service.add_action(day7, text="Check the room for the practice week")
    kits = list(service.kit_meetings(planned).placed())
    # what the scenario's timetable says: the KITs that start after the day-7 lead KIT
    later = [m.ref for m in kits if m.start > day7.start]
    assert later[:3] == ["kit-internal-d07-2", "kit-internal-d08-1", "kit-lead-d08"]

    def carrying():
        return [m.ref for m in kits if _carried(service.agenda(planned, m, None))]

    assert carrying() == later
    service.close_action(action)
    assert carrying() == []
    with pytest.raises(DomainError, match="already closed"):
        service.close_action(action)
    service.reopen_action(action)
    assert carrying() == later
    # its own KIT lists it as agreed there, not as carried
    own = service.agenda(planned, day7, None)
    assert ([a.pk for a in own.own], own.carried) == ([action.pk], [])


def test_notes_are_only_for_kit_meetings(scenario, member_client):
    setup = Meeting.objects.get(inspection=scenario, ref="setup")
    assert setup.meeting_type.group != MeetingGroup.KIT
    with pytest.raises(DomainError, match="not a keeping-in-touch meeting"):
        service.save_notes(setup, themes="Leaders know their services")
    with pytest.raises(DomainError, match="not a keeping-in-touch meeting"):
        service.add_action(setup, text="Anything")
    assert not KitNote.objects.exists() and not KitAction.objects.exists()

    coordinator = member_client(scenario, Role.COORDINATOR)
    assert _page(coordinator, "desk:kit", scenario, setup.pk).status_code == 404
    posted = coordinator.post(
        reverse("desk:kit-notes", args=[scenario.slug, setup.pk]), {"themes": "x"}
    )
    assert posted.status_code == 404

    kit = _kit(scenario, "kit-internal-d07-1")
    saved = coordinator.post(
        reverse("desk:kit-notes", args=[scenario.slug, kit.pk]),
        {
            "themes": "Supervision is regular",
            "strengths": "Early help",
            "worries": "Drift in PLO",
            "requests_made": "Audit of CIN plans",
        },
    )
    assert saved.status_code == 302
    note = KitNote.objects.get()
    assert (note.meeting, note.themes, note.strengths, note.worries, note.requests_made) == (
        kit,
        "Supervision is regular",
        "Early help",
        "Drift in PLO",
        "Audit of CIN plans",
    )
    # saving again changes the one note, it does not add another
    service.save_notes(kit, themes="Supervision is regular and reflective")
    assert list(KitNote.objects.values_list("themes", flat=True)) == [
        "Supervision is regular and reflective"
    ]


def test_an_action_needs_a_placed_kit(scenario):
    kit = _kit(scenario, "kit-lead-d07")
    assert kit.start is None  # the scenario loads a draft with no times
    with pytest.raises(DomainError, match="has no time yet"):
        service.add_action(kit, text="Anything")


def _concerns_and_requests(inspection):
    now = to_utc(inspection.calendar.date_for_day(7), dt.time(10, 0))
    later = now + dt.timedelta(hours=6)
    Concern.objects.create(
        inspection=inspection,
        number=1,
        child_id="C900001",
        raised_at=now,
        text="Return home interview not done",
        response_due_at=later,
    )
    Concern.objects.create(
        inspection=inspection,
        number=2,
        child_id="C900002",
        raised_at=now,
        text="Already answered concern",
        response_due_at=later,
        status=ConcernStatus.CLOSED,
    )
    InformationRequest.objects.create(
        inspection=inspection, number=1, text="Latest PLO tracker", received_at=now, due_at=later
    )
    InformationRequest.objects.create(
        inspection=inspection,
        number=2,
        text="Sent already: the QA framework",
        received_at=now,
        due_at=later,
        status=RequestStatus.SENT,
    )


def test_concerns_are_on_the_agenda_only_for_those_who_see_concerns(planned, member_client):
    _concerns_and_requests(planned)
    day8 = _kit(planned, "kit-lead-d08")
    dcs = planned.people.get(ref="sl-dcs")
    coordinator = member_client(planned, Role.COORDINATOR)
    team = member_client(planned, Role.PROJECT_TEAM, planned.people.get(ref="pt-ofsted-lead"))
    leader = member_client(planned, Role.VIEWER, dcs)

    seen = {}
    for who, client in (("coordinator", coordinator), ("team", team), ("leader", leader)):
        response = _page(client, "desk:kit-agenda", planned, day8.pk)
        assert response.status_code == 200, who
        html = response.content.decode()
        seen[who] = (
            "Latest PLO tracker" in _section(html, "open-requests"),
            "Sent already" in html,
            "Return home interview not done" in _section(html, "open-concerns"),
            "C900001" in html,
            "Already answered concern" in html,
        )
    assert seen == {
        "coordinator": (True, False, True, True, False),
        "team": (True, False, False, False, False),
        "leader": (True, False, True, True, False),
    }
    users = {m.person.ref if m.person else m.role: m.user for m in planned.memberships.all()}
    assert service.agenda(planned, day8, users["pt-ofsted-lead"]).concerns is None
    assert [c.number for c in service.agenda(planned, day8, users["sl-dcs"]).concerns] == [1]
    assert [r.number for r in service.agenda(planned, day8, None).requests] == [1]


def test_who_may_open_and_change_kits(scenario, member_client, client, django_user_model):
    kit = _kit(scenario, "kit-internal-d07-1")
    pages = [
        ("desk:kits", ()),
        ("desk:kit", (kit.pk,)),
        ("desk:kit-agenda", (kit.pk,)),
    ]
    outsider = django_user_model.objects.create_user("outsider")
    client.force_login(outsider)
    clients = {
        "outsider": client,
        "viewer": member_client(scenario, Role.VIEWER),
        "staff": member_client(scenario, Role.STAFF, scenario.people.practitioners().first()),
        "leader (viewer)": member_client(
            scenario, Role.VIEWER, scenario.people.get(ref="sl-hos-qa")
        ),
        "project team": member_client(scenario, Role.PROJECT_TEAM),
    }
    statuses = {
        who: [c.get(reverse(name, args=[scenario.slug, *args])).status_code for name, args in pages]
        for who, c in clients.items()
    }
    assert statuses == {
        "outsider": [404, 404, 404],
        "viewer": [403, 403, 403],
        "staff": [403, 403, 403],
        "leader (viewer)": [200, 200, 200],
        "project team": [200, 200, 200],
    }
    notes = reverse("desk:kit-notes", args=[scenario.slug, kit.pk])
    posted = {who: c.post(notes, {"themes": f"by {who}"}).status_code for who, c in clients.items()}
    assert posted == {
        "outsider": 404,
        "viewer": 403,
        "staff": 403,
        "leader (viewer)": 403,
        "project team": 302,
    }
    assert list(KitNote.objects.values_list("themes", flat=True)) == ["by project team"]
    # a leader reads the notes but is offered no form
    html = clients["leader (viewer)"].get(reverse("desk:kit", args=[scenario.slug, kit.pk]))
    assert "by project team" in html.content.decode()
    assert 'action="' + notes not in html.content.decode()


def test_the_action_form_names_each_field_it_refuses(planned, member_client):
    coordinator = member_client(planned, Role.COORDINATOR)
    kit = _kit(planned, "kit-lead-d07")
    response = coordinator.post(
        reverse("desk:kit-action-add", args=[planned.slug, kit.pk]),
        {"text": "  ", "owner": "abc", "due_day": "99", "due_time": "25:00"},
    )
    assert response.status_code == 400
    summary = re.findall(r'<li><a href="#(\w+)">([^<]+)</a></li>', response.content.decode())
    assert summary == [
        ("text", "Enter action"),
        ("owner", "Owner: choose a person from the list"),
        ("due_day", f"Due day must be between 1 and {planned.calendar.last_day}"),
        ("due_time", "Due time: use HH:MM, for example 09:30."),
    ]
    time_only = coordinator.post(
        reverse("desk:kit-action-add", args=[planned.slug, kit.pk]),
        {"text": "Book the room", "due_time": "10:00"},
    )
    assert time_only.status_code == 400
    assert re.findall(r'<li><a href="#(\w+)">([^<]+)</a></li>', time_only.content.decode()) == [
        ("due_day", "Due day: enter the day as well as the time")
    ]
    assert not KitAction.objects.exists()


def test_the_kit_list_counts_notes_and_actions_by_day(planned):
    day7 = _kit(planned, "kit-lead-d07")
    service.save_notes(day7, themes="Workforce stability")
    first = service.add_action(day7, text="One")
    service.add_action(day7, text="Two")
    service.close_action(first)
    days = service.kit_days(planned)
    assert [d.day for d in days] == list(range(2, 16))
    (seven,) = [d for d in days if d.day == 7]
    assert [(r.meeting.ref, r.has_note, r.actions, r.open_actions) for r in seven.rows] == [
        ("kit-internal-d07-1", False, 0, 0),
        ("kit-lead-d07", True, 2, 1),
        ("kit-internal-d07-2", False, 0, 0),
    ]


@pytest.mark.browser
def test_the_kit_and_feedback_pages_pass_axe_and_the_agenda_prints_cleanly(
    transactional_db, live_server, django_user_model
):
    with time_machine.travel(DAY_THREE, tick=True):
        inspection = load_scenario_and_user(django_user_model)
        plan(inspection, **BUDGET, seed=0, fresh=True)
        _concerns_and_requests(inspection)
        day7, day8 = _kit(inspection, "kit-lead-d07"), _kit(inspection, "kit-lead-d08")
        service.save_notes(day7, themes="Workforce stability", worries="PLO drift")
        service.add_action(
            day7, text="Send the CIN audit summary", owner=inspection.people.get(ref="sl-dcs")
        )
        feedback.record_feedback(day7, themes="Asked about QA", theme_tags=["quality assurance"])
        slug = inspection.slug
        paths = [
            reverse("desk:kits", args=[slug]),
            reverse("desk:kit", args=[slug, day7.pk]),
            reverse("desk:kit-agenda", args=[slug, day8.pk]),
            reverse("desk:meeting-feedback", args=[slug, day7.pk]),
            reverse("desk:feedback-rollup", args=[slug]),
        ]
        failures: dict[str, list[str]] = {}
        with chromium() as browser:
            for width in (1280, 320):
                page = browser.new_page(viewport={"width": width, "height": 900})
                console = watch_csp(page)
                log_in(page, live_server.url)
                for path in paths:
                    response = page.goto(live_server.url + path)
                    assert response is not None and response.status == 200, path
                    found = axe_violations(page) + csp_violations(page)
                    if width == 320:
                        widths = horizontal_overflow(page)
                        if widths["page"] > widths["viewport"]:
                            found.append(f"horizontal scroll at 320px: {widths}")
                    if found:
                        failures[f"{path} at {width}px"] = found
                assert console == []
                page.close()
            # the agenda: a Print button (shown by the script), and in print only the agenda
            page = browser.new_page()
            log_in(page, live_server.url)
            page.goto(live_server.url + paths[2])
            button = page.get_by_role("button", name="Print")
            assert button.is_visible()
            page.emulate_media(media="print")
            assert not button.is_visible()
            assert not page.locator(".govuk-header").is_visible()
            assert not page.locator(".govuk-service-navigation").is_visible()
            assert page.locator("#carried-actions").is_visible()
            assert "Send the CIN audit summary" in page.locator("#carried-actions").inner_text()
            page.close()
        assert failures == {}, repr(failures)
