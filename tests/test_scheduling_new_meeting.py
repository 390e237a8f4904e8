"""Adding a meeting in the web app: a checked draft, planned with the fewest moves."""

import datetime as dt

import pytest
from django.urls import reverse

from scheduling.creating import MeetingInvalid, NewMeeting, add_meeting
from scheduling.editing import set_status
from scheduling.forms import NewMeetingForm
from scheduling.models import Meeting, MeetingStatus, MeetingType, Release
from scheduling.planning import check_draft, plan, replan
from scheduling.releases import publish


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def planned(scenario):
    plan(scenario, time_limit=120, deterministic_time=0.05, fresh=True)
    return scenario


def _slots(inspection):
    return {
        m.pk: (m.start, m.room_id, tuple(sorted(i.pk for i in m.assigned_inspectors.all())))
        for m in Meeting.objects.for_inspection(inspection).placed().with_people()
    }


def _valid_form(**overrides):
    data = {
        "meeting_type": "lado",
        "title": "LADO follow-up: allegations against staff",
        "purpose": "Follow up the LADO referral log.",
        "mode": "teams",
        "duration": "45",
        "inspector_rule": "any",
        "inspectors_needed": "1",
        "attendees": ["partner-lado", "sl-hos-qa"],
        "family_count": "0",
        "child_ids": "C104233, C105102",
        "window_days": ["8", "9", "10"],
        "earliest": "10:00",
        "latest": "16:00",
    }
    data.update(overrides)
    return data


def test_new_meeting_page_needs_login(client, scenario):
    response = client.get(reverse("scheduling:meeting-new", args=[scenario.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_meeting_list_links_to_the_new_meeting_page(scenario, staff_client):
    page = staff_client.get(reverse("scheduling:meetings", args=[scenario.slug]))
    assert reverse("scheduling:meeting-new", args=[scenario.slug]) in page.content.decode()


def test_choosing_a_type_fills_the_form_from_the_catalogue(scenario, staff_client):
    url = reverse("scheduling:meeting-new", args=[scenario.slug])
    assert 'name="meeting_type"' in staff_client.get(url).content.decode()
    html = staff_client.get(url + "?meeting_type=evening_visit").content.decode()
    assert 'id="duration" name="duration" type="text" inputmode="numeric" value="90"' in html
    assert 'value="17:15"' in html and 'value="20:30"' in html
    assert 'value="visit" checked' in html


def test_form_errors_name_each_field_link_to_it_and_save_nothing(scenario, staff_client):
    count = Meeting.objects.count()
    response = staff_client.post(
        reverse("scheduling:meeting-new", args=[scenario.slug]),
        _valid_form(
            title="",
            duration="an hour",
            child_ids="Jane Smith",
            attendees=["nobody-here"],
            window_days=["99"],
            earliest="9am",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    for field, label in [
        ("title", "Title"),
        ("duration", "Duration"),
        ("child_ids", "Child ID"),
        ("attendees", "Attendees"),
        ("window_days", "Days"),
        ("earliest", "Earliest start"),
    ]:
        assert f'<a href="#{field}">{label}' in html, field
        assert f'id="{field}"' in html and f'id="{field}-error"' in html, field
    assert "Smith" not in html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert Meeting.objects.count() == count


def test_rules_across_fields_are_named_once_every_field_parses(scenario, staff_client):
    response = staff_client.post(
        reverse("scheduling:meeting-new", args=[scenario.slug]),
        _valid_form(inspector_rule="named", duration="90", earliest="15:00", latest="16:00"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#inspectors">Inspectors: tick at least one inspector' in html
    assert '<a href="#duration">Duration: 90 minutes does not fit between 15:00 and 16:00' in html


def test_service_refuses_names_for_child_ids_and_a_window_too_short(scenario):
    with pytest.raises(MeetingInvalid) as err:
        add_meeting(
            scenario,
            NewMeeting(
                meeting_type=MeetingType.objects.get(key="case_discussion"),
                title="Case discussion",
                child_ids=("Smith",),
                duration=90,
                earliest=dt.time(16, 0),
                latest=dt.time(17, 0),
            ),
        )
    assert err.value.errors["child_ids"].startswith("Child IDs:")
    assert "mith" not in str(err.value).lower()
    assert err.value.errors["duration"].startswith("Duration: 90 minutes does not fit")
    assert not Meeting.objects.filter(title="Case discussion", ref__startswith="user-").exists()


def test_a_valid_meeting_is_saved_as_an_unplaced_draft(scenario, staff_client):
    response = staff_client.post(
        reverse("scheduling:meeting-new", args=[scenario.slug]),
        _valid_form(duration="", inspector_rule="", inspectors=["insp-team-2"]),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.with_people().get(title="LADO follow-up: allegations against staff")
    assert response["Location"] == reverse("scheduling:meeting", args=[scenario.slug, meeting.pk])
    assert meeting.status == MeetingStatus.DRAFT and meeting.start is None
    assert meeting.ref.startswith("user-") and meeting.version == 1
    assert meeting.duration == 45 and meeting.inspector_rule == "any"  # the catalogue's
    assert meeting.child_ids == ["C104233", "C105102"] and meeting.window_days == [8, 9, 10]
    assert [i.ref for i in meeting.required_inspectors.all()] == ["insp-team-2"]
    assert {p.ref for p in meeting.attendees.all()} == {"partner-lado", "sl-hos-qa"}
    detail = staff_client.get(response["Location"]).content.decode()
    assert "Not placed yet" in detail and "Plan it now" in detail


def test_plan_it_now_places_the_new_meeting_and_moves_few_others(
    planned, staff_client, django_capture_on_commit_callbacks
):
    before = _slots(planned)
    form = NewMeetingForm(planned, data=_valid_form(mode=""))
    assert form.is_valid(), form.errors
    meeting = add_meeting(planned, form.new_meeting())
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("scheduling:meeting-plan", args=[planned.slug, meeting.pk])
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.start is not None and meeting.status == MeetingStatus.PLANNED
    after = _slots(planned)
    moved = [pk for pk, slot in before.items() if after.get(pk) != slot]
    assert len(moved) <= 3, moved
    assert check_draft(planned) == ([], [])
    page = staff_client.get(response["Location"]).content.decode()
    assert "Not placed yet" not in page and "Plan it now" not in page


def test_cancelling_then_replanning_moves_nothing_and_the_release_says_cancelled(planned):
    v1 = publish(planned)
    meeting = Meeting.objects.for_inspection(planned).placed().filter(mode="teams").first()
    before = _slots(planned)

    set_status(meeting, MeetingStatus.CANCELLED, opened_version=meeting.version)
    result = replan(planned, time_limit=120, deterministic_time=0.05)
    assert result.as_json()["moved"] == [] and result.unplaced == {}
    after = _slots(planned)
    assert meeting.pk not in after
    assert {pk: s for pk, s in before.items() if pk != meeting.pk} == after
    v2 = publish(planned)
    assert v2.number == v1.number + 1
    assert [e["title"] for e in v2.changelog["cancelled"]] == [meeting.title]
    assert v2.changelog["moved"] == [] and v2.changelog["new"] == []
    row = v2.meetings.get(meeting_pk=meeting.pk)
    assert row.status == MeetingStatus.CANCELLED
    assert Release.objects.filter(inspection=planned).count() == 2
