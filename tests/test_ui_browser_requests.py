"""Requests from inspectors in a real browser, on the Shropshire scenario: logged from the
keyboard at 10:00 on day 7, due 12:00 on day 8; on its owner's day-8 sheet and in
`daysheet --day 8 --json`; among the dashboard's risks at 10:30 on day 8; gone once sent."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from ui_browser import axe_violations, chromium, load_scenario_and_user, log_in, screenshot

from desk.models import InformationRequest, RequestStatus
from inspections.calendar import LONDON
from inspections.models import Person

pytestmark = pytest.mark.browser

DAY_SEVEN_10 = dt.datetime(2025, 6, 24, 10, 0, tzinfo=LONDON)  # Tuesday, day 7
DAY_EIGHT_1030 = dt.datetime(2025, 6, 25, 10, 30, tzinfo=LONDON)  # Wednesday, day 8
OWNER = "pt-performance-1"


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    with time_machine.travel(DAY_SEVEN_10, tick=True):
        inspection = load_scenario_and_user(django_user_model)
        yield live_server.url, inspection


@pytest.fixture
def chrome():
    with chromium() as b:
        yield b


def _risks(page) -> list[str]:
    risks = page.locator("#risks li")
    return [risks.nth(i).inner_text() for i in range(risks.count())]


def test_a_request_logged_on_day_7_is_on_day_8s_sheet_then_a_risk_until_sent(site, chrome):
    base, inspection = site
    owner = Person.objects.get(inspection=inspection, ref=OWNER)
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base)
    log_url = f"{base}/inspections/{inspection.slug}/requests/"
    page.goto(log_url)

    # keyboard only: the request's text has focus; Tab between the fields, Enter logs it
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("Minutes of the last three corporate parenting boards")
    page.keyboard.press("Tab")
    page.keyboard.type("insp-lead")
    page.keyboard.press("Tab")
    page.keyboard.type(OWNER)
    page.keyboard.press("Tab")  # the due kind: a time typed next sets it
    page.keyboard.press("Tab")
    page.keyboard.type("tomorrow 12:00")
    page.keyboard.press("Enter")
    page.wait_for_url(log_url)
    assert "R-1 logged: due 12:00 Wed 25 Jun." in page.locator("main").inner_text()
    # ready for the next one: an empty text box with focus, the new row at the top
    assert page.evaluate("[document.activeElement.id, document.activeElement.value]") == [
        "text",
        "",
    ]
    first = page.locator("#requests tbody tr").first
    assert first.get_attribute("id") == "request-1"
    assert "Minutes of the last three corporate parenting boards" in first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "requests-log")

    row = InformationRequest.objects.get(inspection=inspection)
    assert (row.label, row.inspector.ref, row.owner) == ("R-1", "insp-lead", owner)
    assert row.received_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == "2025-06-24 10:00"
    assert row.due_at == dt.datetime(2025, 6, 25, 12, 0, tzinfo=LONDON)

    # on the owner's day-8 sheet, in the owner's group
    page.goto(f"{base}/inspections/{inspection.slug}/days/8/")
    table = page.locator("table.app-day-requests").filter(has=page.locator("#day-request-1"))
    assert (
        table.locator("caption")
        .inner_text()
        .startswith(f"Requests from inspectors · {owner.full_name}")
    )
    assert "R-1: Minutes of the last three corporate parenting boards" in table.inner_text()

    out = io.StringIO()
    call_command("daysheet", inspection.slug, "--day", "8", "--json", stdout=out)
    (listed,) = json.loads(out.getvalue())["requests"]
    assert {k: listed[k] for k in ("number", "inspector", "owner", "due", "status")} == {
        "number": "R-1",
        "inspector": "insp-lead",
        "owner": OWNER,
        "due": "2025-06-25T12:00:00+01:00",
        "status": "new",
    }

    with time_machine.travel(DAY_EIGHT_1030, tick=True):
        log_in(page, base)  # a new day: the session of the day before has lapsed
        dashboard = f"{base}/inspections/{inspection.slug}/"
        page.goto(dashboard)
        assert [r for r in _risks(page) if "R-1" in r] == [
            f"Request R-1 from {row.inspector.full_name} due 12:00 today ({owner.full_name})"
        ]
        # marked sent on its page, it leaves the risks
        page.locator("#risks").get_by_role("link", name="Request R-1").click()
        page.wait_for_url(f"{log_url}1/")
        page.get_by_label("Status").select_option(RequestStatus.SENT)
        page.get_by_label("Response").fill("Uploaded to the inspection portal")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(f"{log_url}1/")
        assert "R-1: Sent to inspectors or uploaded" in page.locator("h1").inner_text()
        page.goto(dashboard)
        assert [r for r in _risks(page) if "R-1" in r] == []
    row.refresh_from_db()
    assert row.status == RequestStatus.SENT and row.sent_at is not None
    assert errors == []
