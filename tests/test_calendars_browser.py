"""Calendar pages in a real browser: laptop width, 400% zoom (320 CSS px), print, axe."""

from __future__ import annotations

import re

import pytest
from calendars_snapshots import install, plan, small_inspection
from ui_browser import (
    PASSWORD,
    USERNAME,
    axe_violations,
    chromium,
    horizontal_overflow,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.browser
BASE = "/inspections/small-2025/calendar"


@pytest.fixture
def site(transactional_db, live_server, django_user_model, monkeypatch):
    install(monkeypatch, plan())  # the server thread runs in this process: it sees these too
    small_inspection()
    django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_superuser=True)
    return live_server.url


@pytest.fixture
def chrome():
    with chromium() as b:
        yield b


def test_day_view_on_a_laptop_puts_inspectors_side_by_side(site, chrome):
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, site)
    page.goto(f"{site}{BASE}/days/6/")
    heads = page.locator(".app-cal-col__head")
    assert heads.count() == 2
    first, second = heads.nth(0).bounding_box(), heads.nth(1).bounding_box()
    assert first and second and second["x"] > first["x"] and abs(second["y"] - first["y"]) < 2
    # a 60-minute meeting is twice as tall as a 30-minute one
    one_hour = page.locator(".app-cal-item", has_text="Case discussion 1").first.bounding_box()
    half = page.locator(".app-cal-item", has_text="Case discussion 3").first.bounding_box()
    assert one_hour and half and one_hour["height"] > half["height"] * 1.6
    overflow = horizontal_overflow(page)
    assert overflow["page"] <= overflow["viewport"], overflow
    assert axe_violations(page) == []
    screenshot(page, "calendars-day")


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/days/6/",
        f"{BASE}/weeks/2/",
        f"{BASE}/days/6/run-sheet/",
        f"{BASE}/people/sw-1/",
        f"{BASE}/",
        "/inspections/small-2025/feeds/",
    ],
)
def test_pages_reflow_at_400_percent_zoom(site, chrome, path):
    page = chrome.new_page(viewport={"width": 320, "height": 640})
    log_in(page, site)
    page.goto(f"{site}{path}")
    overflow = horizontal_overflow(page)
    assert overflow["page"] <= overflow["viewport"], overflow
    assert axe_violations(page) == []
    if path.endswith("/days/6/"):
        heads = page.locator(".app-cal-col__head")
        first, second = heads.nth(0).bounding_box(), heads.nth(1).bounding_box()
        assert first and second and second["y"] > first["y"]  # columns stack
        screenshot(page, "calendars-day-320")


def test_run_sheet_prints_on_a4_without_the_site_chrome(site, chrome):
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, site)
    page.goto(f"{site}{BASE}/days/6/")
    page.get_by_role("link", name="Print the run-sheet for this day").click()
    page.wait_for_url(f"{site}{BASE}/days/6/run-sheet/")
    page.emulate_media(media="print")
    assert not page.locator(".govuk-header").is_visible()
    assert page.get_by_text("https://teams.example/meet/3").first.is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4
    assert axe_violations(page) == []
