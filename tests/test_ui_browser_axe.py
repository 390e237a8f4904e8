"""axe-core on every main page: no serious or critical WCAG 2.2 AA violation, and no
horizontal scroll at 320 CSS px (400% zoom).

The inspections app's pages, then the other apps' pages as their urls.py names them, on
day 3 of the Shropshire scenario with the Menu open at 320 px as well as at desktop width.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from ui_browser import (
    DAY_THREE,
    axe_violations,
    chromium,
    horizontal_overflow,
    load_scenario_and_user,
    log_in,
)

from evidence.models import DeepDive
from scheduling.models import Meeting

pytestmark = pytest.mark.browser

OWN_PAGES = [
    "/",
    "/inspections/{slug}/",
    "/inspections/{slug}/days/",
    "/inspections/{slug}/days/3/",
    "/inspections/{slug}/days/8/",
    "/inspections/{slug}/tasks/",
    "/inspections/{slug}/tasks/?group=owner&status=open",
    "/inspections/{slug}/tasks/?day=soon",  # the error summary
    "/inspections/{slug}/people/",
    "/inspections/{slug}/inspectors/",
    "/inspections/{slug}/rooms/",
    "/inspections/{slug}/search/?q=library",
    "/inspections/{slug}/search/?q=x",  # the error summary
    "/inspections/{slug}/people/import/",
    "/inspections/new/",
    "/inspections/{slug}/settings/",
    "/inspections/{slug}/history/",
    "/inspections/{slug}/history/?kind=nothing",  # the error summary
]

ERROR_SUMMARY_PAGES = ("/tasks/?day=soon", "/search/?q=x", "/history/?kind=nothing")

# Other apps' main pages: (URL name, extra kwargs, query string).
OTHER_PAGES = [
    ("scheduling:meetings", {}),
    ("scheduling:meeting-new", {}),
    ("scheduling:plan", {}),
    ("scheduling:releases", {}),
    ("calendars:index", {}),
    ("calendars:day", {"day": 8}),
    ("calendars:week", {"week": 2}),
    ("calendars:links", {}),
    ("evidence:library", {}),
    ("evidence:audits", {}),
    ("evidence:deep-dives", {}),
    ("annex_a:tracker", {}),
    ("annex_a:upload", {}),
]


def _detail_pages(inspection) -> list[tuple[str, dict]]:
    """Pages about one record: the first meeting (detail and edit) and a deep-dive child."""
    first = Meeting.objects.filter(inspection=inspection).order_by("pk").first()
    child = DeepDive.objects.filter(inspection=inspection).order_by("pk").first()
    return [
        ("scheduling:meeting", {"pk": first.pk}),
        ("scheduling:meeting-edit", {"pk": first.pk}),
        ("evidence:child", {"child_id": child.child_id}),
    ]


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    with time_machine.travel(DAY_THREE, tick=True):
        inspection = load_scenario_and_user(django_user_model)
        yield live_server.url, inspection


@pytest.fixture
def chrome():
    with chromium() as b:
        yield b


def _check(chrome, base: str, paths: list[str], login: bool = True) -> dict[str, list[str]]:
    failures: dict[str, list[str]] = {}
    for width in (1280, 320):
        page = chrome.new_page(viewport={"width": width, "height": 900})
        if login:
            log_in(page, base)
        for path in paths:
            response = page.goto(base + path)
            # a page showing its error summary answers 400 Bad Request
            expected = 400 if path.endswith(ERROR_SUMMARY_PAGES) else 200
            assert response is not None and response.status == expected, (
                f"{path}: {response and response.status}"
            )
            menu = page.locator(".govuk-service-navigation__toggle")
            if width == 320 and menu.is_visible():
                menu.click()  # check the opened menu too
            found = axe_violations(page)
            if width == 320:
                widths = horizontal_overflow(page)
                if widths["page"] > widths["viewport"]:
                    found.append(f"horizontal scroll at 320px: {widths}")
            if found:
                failures[f"{path} at {width}px"] = found
        page.close()
    return failures


def test_inspections_pages_have_no_serious_or_critical_axe_violations(site, chrome):
    base, inspection = site
    failures = _check(chrome, base, [p.format(slug=inspection.slug) for p in OWN_PAGES])
    assert failures == {}


def _fill_day_one(page, day: str, month: str, year: str) -> None:
    for label, value in (("Day", day), ("Month", month), ("Year", year)):
        page.get_by_label(label, exact=True).fill(value)


def _setup_states(base: str, slug: str) -> list[tuple[str, Callable[[Any], None]]]:
    """The setup forms' states a GET cannot reach: error summaries and the confirm step."""

    def new_with_nothing_entered(page) -> None:
        page.goto(f"{base}/inspections/new/")
        page.get_by_role("button", name="Create the inspection").click()
        page.locator(".govuk-error-summary").wait_for()

    def settings_with_a_weekend_day(page) -> None:
        page.goto(f"{base}/inspections/{slug}/settings/")
        _fill_day_one(page, "21", "6", "2025")
        page.get_by_role("button", name="Check the new dates").click()
        page.locator(".govuk-error-summary").wait_for()

    def settings_confirm_step(page) -> None:
        page.goto(f"{base}/inspections/{slug}/settings/")
        _fill_day_one(page, "23", "6", "2025")
        page.get_by_role("button", name="Check the new dates").click()
        page.get_by_role("button", name="Move day one and clear the timetable").wait_for()

    return [
        ("new inspection, nothing entered", new_with_nothing_entered),
        ("settings, a weekend day", settings_with_a_weekend_day),
        ("settings, the confirm step", settings_confirm_step),
    ]


def test_inspection_setup_errors_and_confirm_step_have_no_serious_or_critical_axe_violations(
    site, chrome
):
    base, inspection = site
    failures: dict[str, list[str]] = {}
    for width in (1280, 320):
        page = chrome.new_page(viewport={"width": width, "height": 900})
        log_in(page, base)
        for state, reach in _setup_states(base, inspection.slug):
            reach(page)
            found = axe_violations(page)
            if width == 320:
                widths = horizontal_overflow(page)
                if widths["page"] > widths["viewport"]:
                    found.append(f"horizontal scroll at 320px: {widths}")
            if found:
                failures[f"{state} at {width}px"] = found
        page.close()
    assert failures == {}


def test_login_page_has_no_serious_or_critical_axe_violations(site, chrome):
    base, _ = site
    failures = _check(chrome, base, ["/accounts/login/", "/accounts/login/?next=/"], login=False)
    assert failures == {}


def test_other_apps_pages_have_no_serious_or_critical_axe_violations(site, chrome):
    base, inspection = site
    paths = [
        reverse(name, kwargs={"slug": inspection.slug, **extra})
        for name, extra in OTHER_PAGES + _detail_pages(inspection)
    ]
    # the new-meeting form's second step, with a type chosen
    paths.append(
        reverse("scheduling:meeting-new", kwargs={"slug": inspection.slug})
        + "?meeting_type=case_discussion"
    )
    failures = _check(chrome, base, paths)
    assert failures == {}
