"""People choose what the planner e-mails them (everything, the morning digest only, nothing)
on their own page; the coordinator sees everyone's choice and sets an inspector's, with whether
that inspector wants the timetable workbook. A digest to someone who chose nothing is recorded
as skipped and never sent; nobody below the coordinator sets another's choice."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from test_notify_delivery import _inspection, smtp  # noqa: F401 - the SMTP server fixture
from ui_browser import PASSWORD, USERNAME, axe_violations, chromium, log_in

from inspections.access import NotAllowed
from inspections.calendar import LONDON, to_utc
from inspections.models import Inspector, Membership, Person, PersonKind, Role
from notify.models import Choice, Message, MessageKind, MessageStatus, Preference
from notify.preferences import set_preference
from notify.tasks import send_due_digests
from scheduling.models import Release

SLUG = "shropshire-2025"
MINE = f"/inspections/{SLUG}/email/"
CHOICES = f"/inspections/{SLUG}/messages/choices/"
DAY = 8


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _attendees_on(inspection, day):
    """People with an e-mail address who attend a meeting of the published release that day,
    by ref, read straight from the release."""
    date = inspection.calendar.date_for_day(day)
    release = Release.objects.filter(inspection=inspection).order_by("-number").first()
    refs = {
        a["ref"]
        for rm in release.meetings.exclude(status="cancelled")
        if rm.start.astimezone(LONDON).date() == date
        for a in rm.attendees
    }
    return list(inspection.people.filter(ref__in=refs).exclude(email="").order_by("ref"))


def test_a_member_chooses_for_themself_with_the_concerns_rule_shown(scenario, member_client):
    person = scenario.people.exclude(email="").order_by("ref").first()
    client = member_client(scenario, Role.STAFF, person)

    page = client.get(MINE)
    assert page.status_code == 200
    text = _text(page)
    assert "Whatever you choose, a concern about a child still reaches those who must see it" in (
        text
    )
    html = page.content.decode()
    radios = re.findall(r'name="choice" type="radio" value="(\w+)"[^>]*?( checked)?>', html)
    assert radios == [("everything", " checked"), ("digest", ""), ("nothing", "")]

    saved = client.post(MINE, {"choice": "digest"}, follow=True)
    assert saved.redirect_chain == [(MINE, 302)]
    assert "Saved your choice: The morning digest only." in _text(saved)
    assert Preference.objects.get(person=person).choice == Choice.DIGEST_ONLY
    assert re.findall(r'value="(\w+)" [^>]*checked', saved.content.decode()) == ["digest"]


def test_a_choice_that_is_not_one_of_the_three_is_refused(scenario, member_client):
    person = scenario.people.order_by("ref").first()
    client = member_client(scenario, Role.VIEWER, person)
    for data in ({}, {"choice": "sometimes"}):
        page = client.post(MINE, data)
        assert page.status_code == 400
        assert '<a href="#choice">' in page.content.decode()
    assert not Preference.objects.exists()


def test_a_member_not_linked_to_a_person_is_told_so_and_nothing_is_saved(scenario, member_client):
    client = member_client(scenario, Role.PROJECT_TEAM)
    page = client.get(MINE)
    assert page.status_code == 200
    assert 'name="choice"' not in page.content.decode()
    refused = client.post(MINE, {"choice": "nothing"}, follow=True)
    assert "Your account is not linked to anyone among the people of" in _text(refused)
    assert not Preference.objects.exists()


def test_nothing_skips_the_digest_and_digest_only_still_gets_it(published, member_client, smtp):  # noqa: F811
    quiet, brief, *_ = _attendees_on(published, DAY)
    for person, choice in ((quiet, "nothing"), (brief, "digest")):
        client = member_client(published, Role.STAFF, person)
        assert client.post(MINE, {"choice": choice}).status_code == 302

    date = published.calendar.date_for_day(DAY)
    with time_machine.travel(to_utc(date, dt.time(7, 30)), tick=False):
        send_due_digests()

    received = {m["To"] for m in smtp.received}
    assert quiet.email not in received
    assert brief.email in received
    skipped = Message.objects.get(person=quiet, kind=MessageKind.DIGEST)
    assert (skipped.status, skipped.attempts, skipped.sent_at) == (MessageStatus.SKIPPED, 0, None)
    sent = Message.objects.get(person=brief, kind=MessageKind.DIGEST)
    assert sent.status == MessageStatus.SENT


def test_the_coordinator_sees_every_choice_and_sets_an_inspectors(scenario, member_client):
    coordinator = member_client(scenario, Role.COORDINATOR)
    inspector = scenario.inspectors.order_by("ref").first()
    person = scenario.people.order_by("ref").first()
    Preference.objects.create(person=person, choice=Choice.NOTHING)

    listing = coordinator.get(CHOICES)
    assert listing.status_code == 200
    html = listing.content.decode()
    row = re.search(rf'id="person-{person.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "Nothing" in row
    row = re.search(rf'id="inspector-{inspector.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "Everything" in row and ">No<" in row
    rows = re.findall(r'id="(inspector|person)-\d+"', html)
    assert (rows.count("inspector"), rows.count("person")) == (
        scenario.inspectors.count(),
        scenario.people.count(),
    )

    edit = f"{CHOICES}inspector/{inspector.pk}/"
    form = coordinator.get(edit)
    assert form.status_code == 200
    assert 'name="timetable_workbook"' in form.content.decode()
    saved = coordinator.post(edit, {"choice": "digest", "timetable_workbook": "on"}, follow=True)
    assert saved.redirect_chain == [(f"{CHOICES}#inspector-{inspector.pk}", 302)]
    assert f"Saved {inspector.full_name}'s choice: The morning digest only." in _text(saved)
    pref = Preference.objects.get(inspector=inspector)
    assert (pref.choice, pref.timetable_workbook) == (Choice.DIGEST_ONLY, True)
    row = re.search(rf'id="inspector-{inspector.pk}">(.*?)</tr>', saved.content.decode(), re.S)
    assert "The morning digest only" in row.group(1) and ">Yes<" in row.group(1)

    # a person's page has no workbook box: the workbook is for inspectors
    page = coordinator.get(f"{CHOICES}person/{person.pk}/")
    assert 'name="timetable_workbook"' not in page.content.decode()
    assert (
        coordinator.post(f"{CHOICES}person/{person.pk}/", {"choice": "everything"}).status_code
        == 302
    )
    assert Preference.objects.get(person=person).choice == Choice.EVERYTHING


def test_the_workbook_with_nothing_is_refused_with_the_reason(scenario, member_client):
    coordinator = member_client(scenario, Role.COORDINATOR)
    inspector = scenario.inspectors.order_by("ref").first()
    page = coordinator.post(
        f"{CHOICES}inspector/{inspector.pk}/", {"choice": "nothing", "timetable_workbook": "on"}
    )
    assert page.status_code == 400
    assert "The timetable workbook comes with the morning digest" in _text(page)
    assert not Preference.objects.filter(inspector=inspector).exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF, Role.PROJECT_TEAM])
def test_below_the_coordinator_nobody_sets_anothers_choice(
    scenario, member_client, django_user_model, role
):
    me, other = scenario.people.order_by("ref")[:2]
    client = member_client(scenario, role, me)
    inspector = scenario.inspectors.order_by("ref").first()

    assert client.get(CHOICES).status_code == 403
    assert (
        client.post(f"{CHOICES}inspector/{inspector.pk}/", {"choice": "nothing"}).status_code == 403
    )
    assert client.post(f"{CHOICES}person/{other.pk}/", {"choice": "nothing"}).status_code == 403
    # the service refuses too, so no other path goes round the pages
    user = Membership.objects.get(inspection=scenario, person=me).user
    with pytest.raises(NotAllowed):
        set_preference(scenario, actor=user, choice=Choice.NOTHING, person=other)
    with pytest.raises(NotAllowed):
        set_preference(scenario, actor=user, choice=Choice.NOTHING, inspector=inspector)
    assert not Preference.objects.exists()


def test_a_non_member_gets_404(scenario, django_user_model, client):
    client.force_login(django_user_model.objects.create_user("stranger"))
    inspector = scenario.inspectors.order_by("ref").first()
    assert client.get(MINE).status_code == 404
    assert client.get(CHOICES).status_code == 404
    assert (
        client.post(f"{CHOICES}inspector/{inspector.pk}/", {"choice": "nothing"}).status_code == 404
    )
    assert not Preference.objects.exists()


def test_the_messages_page_and_the_navigation_link_to_the_choices(scenario, member_client):
    coordinator = member_client(scenario, Role.COORDINATOR)
    html = coordinator.get(f"/inspections/{SLUG}/messages/").content.decode()
    assert f'href="{MINE}"' in html and f'href="{CHOICES}"' in html
    project = member_client(scenario, Role.PROJECT_TEAM)
    html = project.get(f"/inspections/{SLUG}/messages/").content.decode()
    assert f'href="{MINE}"' in html and f'href="{CHOICES}"' not in html
    # every member finds their own page in the navigation, on its page marked current
    viewer = member_client(scenario, Role.VIEWER)
    html = viewer.get(MINE).content.decode()
    assert re.search(
        rf'<a class="govuk-service-navigation__link" href="{MINE}" aria-current="page">', html
    )


@pytest.mark.browser
def test_the_choice_pages_pass_axe_at_desktop_and_320px(
    transactional_db, live_server, django_user_model
):
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD)
    inspection = _inspection()
    person = Person.objects.create(
        inspection=inspection,
        ref="pa-1",
        full_name="Pat Example",
        kind=PersonKind.PROJECT_TEAM,
        email="pat@la.example",
    )
    inspector = Inspector.objects.create(
        inspection=inspection, ref="hmi-1", full_name="Sam Lead", role="lead", email="s@x.example"
    )
    Membership.objects.create(
        inspection=inspection, user=user, role=Role.COORDINATOR, person=person
    )
    base = f"{live_server.url}/inspections/{inspection.slug}/"
    failures: dict[str, list[str]] = {}
    with chromium() as browser:
        for width in (1280, 320):
            page = browser.new_page(viewport={"width": width, "height": 900})
            log_in(page, live_server.url)
            for path in (
                "email/",
                "messages/choices/",
                f"messages/choices/inspector/{inspector.pk}/",
            ):
                response = page.goto(base + path)
                assert response is not None and response.status == 200
                found = axe_violations(page)
                if found:
                    failures[f"{path} {width}px"] = found
            page.close()
    assert failures == {}
