"""Open a meeting, move it by hand into a clash and read the scheduler's message, in a browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from ui_browser import DAY_THREE, chromium, load_scenario_and_user, log_in, screenshot

from inspections.calendar import to_utc
from scheduling.models import Meeting, MeetingStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    with time_machine.travel(DAY_THREE, tick=True):
        inspection = load_scenario_and_user(django_user_model)
        yield live_server.url, inspection


@pytest.fixture
def chrome():
    with chromium() as b:
        yield b


def test_move_a_meeting_into_a_clash_and_see_the_schedulers_message(site, chrome):

    base, inspection = site
    inspector = inspection.inspectors.filter(role="team").order_by("ref").first()
    day = next(d for d in inspector.onsite_days if d >= 6)
    # One Teams meeting already sits at 10:00 with this inspector...
    placed, moving = Meeting.objects.filter(
        inspection=inspection, mode="teams", inspector_rule="any"
    ).order_by("pk")[:2]
    start = to_utc(inspection.calendar.date_for_day(day), dt.time(10, 0))
    placed.start, placed.end = start, start + dt.timedelta(minutes=placed.duration)
    placed.status = MeetingStatus.PLANNED
    placed.save()
    placed.assigned_inspectors.set([inspector])

    # ...and the coordinator moves another one on top of it.
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(base + reverse("scheduling:meeting", args=[inspection.slug, moving.pk]))
    assert moving.title in page.locator("h1").inner_text()
    page.get_by_role("link", name="Move or rebook").click()
    page.get_by_label("Day", exact=True).select_option(str(day))
    page.get_by_label(re.compile("Start time")).fill("10:00")
    for box in page.locator("input[name=inspectors]").all():
        box.set_checked(box.get_attribute("value") == inspector.ref)
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "There is a problem" in text
    assert inspector.full_name.split()[-1] in text, text
    moving.refresh_from_db()
    assert moving.start is None  # the clash was refused, nothing saved
    screenshot(page, "meeting-edit")


def test_the_live_check_names_a_field_it_cannot_read(site, chrome):

    base, inspection = site
    meeting = Meeting.objects.filter(inspection=inspection, mode="teams").order_by("pk").first()
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(base + reverse("scheduling:meeting-edit", args=[inspection.slug, meeting.pk]))
    page.get_by_label(re.compile("Start time")).fill("25:00")
    page.get_by_label(re.compile("Start time")).dispatch_event("change")

    # The check answers 400; the page still shows its message, linked to the field.
    link = page.locator('#live-check .govuk-error-summary a[href="#time"]')
    link.wait_for()
    assert "Start time: use HH:MM" in link.inner_text()
    meeting.refresh_from_db()
    assert meeting.start is None  # a check never saves
