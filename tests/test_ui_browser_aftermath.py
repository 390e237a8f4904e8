"""axe-core on the aftermath pages: no serious or critical WCAG 2.2 AA violation, and no
horizontal scroll at 320 CSS px, with events recorded, a comment logged and an error shown."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from ui_browser import axe_violations, chromium, horizontal_overflow, load_scenario_and_user, log_in

from aftermath.models import EventKind
from aftermath.services import add_comment, record_event

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    with time_machine.travel(dt.datetime(2025, 8, 22, 10, tzinfo=dt.UTC), tick=True):
        inspection = load_scenario_and_user(django_user_model)
        record_event(None, inspection, EventKind.DRAFT_REPORT_RECEIVED, dt.date(2025, 8, 21))
        add_comment(None, inspection, paragraph="12", point="Says 82 care leavers; it is 92.")
        yield live_server.url, inspection


def test_the_aftermath_pages_have_no_serious_or_critical_axe_violations(site):
    base, inspection = site
    slug = inspection.slug
    paths = [
        f"/inspections/{slug}/aftermath/",
        f"/inspections/{slug}/aftermath/events/draft_report_received/",
        f"/inspections/{slug}/aftermath/events/publication_confirmed/",
        f"/inspections/{slug}/aftermath/comments/new/",
    ]
    failures: dict[str, list[str]] = {}
    with chromium() as chrome:
        for width in (1280, 320):
            page = chrome.new_page(viewport={"width": width, "height": 900})
            log_in(page, base)
            for path in paths:
                response = page.goto(base + path)
                assert response is not None and response.status == 200, path
                failures.update(_found(page, f"{path} at {width}px", width))
            # the error summary: a weekend date
            page.goto(base + paths[2])
            page.get_by_label("Day", exact=True).fill("23")
            page.get_by_label("Month", exact=True).fill("8")
            page.get_by_label("Year", exact=True).fill("2025")
            page.get_by_role("button", name="Save and re-date the tasks").click()
            page.locator(".govuk-error-summary").wait_for()
            failures.update(_found(page, f"event error at {width}px", width))
            page.close()
    assert failures == {}


def _found(page, where: str, width: int) -> dict[str, list[str]]:
    found = axe_violations(page)
    if width == 320:
        widths = horizontal_overflow(page)
        if widths["page"] > widths["viewport"]:
            found.append(f"horizontal scroll at 320px: {widths}")
    return {where: found} if found else {}
