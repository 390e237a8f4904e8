"""The project team's day in a real browser: log in, read the dashboard, tick tasks in place,
use it with the keyboard alone and at 400% zoom (a 320 CSS px wide window)."""

from __future__ import annotations

import re

import pytest
import time_machine
from ui_browser import (
    DAY_THREE,
    chromium,
    horizontal_overflow,
    load_scenario_and_user,
    log_in,
    screenshot,
)

from inspections.models import Task

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    # Time runs from 09:00 on day 3 for the server thread and the test alike (same process).
    with time_machine.travel(DAY_THREE, tick=True):
        inspection = load_scenario_and_user(django_user_model)
        yield live_server.url, inspection


@pytest.fixture
def chrome():
    with chromium() as b:
        yield b


def test_log_in_open_the_dashboard_on_day_three_and_see_the_library_countdown(site, chrome):
    base, inspection = site
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, base)
    page.get_by_role("button", name=re.compile("Open the dashboard")).click()
    page.wait_for_url(f"{base}/inspections/{inspection.slug}/")

    assert (
        "Day 3 of 15 · week 1, inspectors off site" in page.locator("#today-headline").inner_text()
    )
    library = page.locator("[data-progress-source=library]").filter(has_text="12:00 today").first
    assert library.locator("h3").inner_text().startswith("Library · 12:00 today")
    # the live countdown, counted in the browser from the server's clock
    countdown = library.locator("[data-countdown]")
    assert re.fullmatch(r"in (2 hours 5\d minutes|3 hours 0 minutes)", countdown.inner_text())
    screenshot(page, "dashboard")
    assert errors == []  # GOV.UK Frontend, htmx and the app's script load and run cleanly


def test_tick_a_task_in_place_and_see_why_a_blocked_one_cannot_be_done(site, chrome):
    base, inspection = site
    qa = Task.objects.get(inspection=inspection, key="library-qa")
    upload = Task.objects.get(inspection=inspection, key="library-upload")
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(f"{base}/inspections/{inspection.slug}/")
    page.evaluate("window.notReloaded = true")

    # the upload waits on the quality check: the scheduler of tasks says so, in the row
    page.locator(f"#task-row-{upload.pk}").get_by_role(
        "button", name=re.compile("Mark done")
    ).click()
    error = page.locator(f"#task-{upload.pk}-error")
    error.wait_for()
    assert "can't be marked done while it waits on" in error.inner_text()
    assert "Quality-assure the library documents" in error.inner_text()

    row = page.locator(f"#task-row-{qa.pk}")
    dashboard_url = f"{base}/inspections/{inspection.slug}/"
    # ticking also re-reads the deadlines, risks and progress above the task list
    with page.expect_response(lambda r: r.url == dashboard_url and r.request.method == "GET"):
        row.get_by_role("button", name=re.compile("Mark done")).click()
    page.locator(f"#task-{qa.pk}-status").filter(has_text="Done").wait_for()
    assert page.evaluate("window.notReloaded") is True
    # focus stays on the row, now offering to reopen it
    assert page.evaluate("document.activeElement.textContent").startswith("Reopen")
    qa.refresh_from_db()
    assert qa.status == "done"
    # the change is announced to screen readers
    page.wait_for_function(
        "document.getElementById('app-announcer').textContent.includes('now done')"
    )


def test_the_day_page_lists_its_tasks_by_owner(site, chrome):
    base, inspection = site
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(f"{base}/inspections/{inspection.slug}/days/3/")
    assert "Day 3: Wednesday 18 June 2025" in page.locator("h1").inner_text()
    assert page.get_by_text("Upload the library: information used to manage services").count()
    screenshot(page, "day-3")


# How an element looks, in what shows focus: an outline only when it can be seen (a
# transparent one is for Windows high-contrast mode), box-shadow, colours, underline, border.
LOOK = """(el) => { const s = getComputedStyle(el);
  const seen = (c) => c !== 'transparent' && !/rgba\\([^)]*,\\s*0\\)$/.test(c);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && seen(s.outlineColor)
    ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none';
  return [outline, s.boxShadow, s.backgroundColor, s.color, s.textDecorationLine,
          s.textDecorationThickness, s.borderColor, s.borderWidth].join(' | '); }"""


def focus_change(page) -> dict[str, str]:
    """The focused element's look, and its look once it has lost focus (focus then put back):
    a visible focus indicator is a difference between the two. An element that always carries
    a box-shadow (a GOV.UK button) does not pass for having one."""
    return page.evaluate(
        f"""() => {{ const look = {LOOK}; const el = document.activeElement;
             const focused = look(el); el.blur(); const blurred = look(el); el.focus();
             return {{focused, blurred, tag: el.tagName, text: el.textContent.trim().slice(0, 40),
                      html: el.outerHTML.slice(0, 80)}}; }}"""
    )


def shows_focus(change: dict[str, str]) -> bool:
    return change["focused"] != change["blurred"]


def test_keyboard_alone_skip_link_focus_visible_tick_and_no_trap(site, chrome):
    base, inspection = site
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(f"{base}/inspections/{inspection.slug}/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert shows_focus(focus_change(page))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    # Tab to the first "Mark done" button: every stop looks different focused from blurred.
    stops_before = 0
    for _ in range(200):
        page.keyboard.press("Tab")
        stops_before += 1
        change = focus_change(page)
        assert shows_focus(change), (
            f"no visible focus on {change['tag']} {change['text']}: {change}"
        )
        if change["text"].startswith("Mark done") and "waits on" not in page.evaluate(
            "document.activeElement.closest('tr').textContent.toLowerCase()"
        ):
            break
    else:
        pytest.fail("no tickable task reached with Tab")
    row_id = page.evaluate("document.activeElement.closest('tr').id")
    page.keyboard.press("Enter")
    page.locator(f"#{row_id} strong.govuk-tag").filter(has_text="Done").wait_for()
    assert page.evaluate("document.activeElement.textContent.trim()").startswith("Reopen")
    assert shows_focus(focus_change(page))

    # keep tabbing: focus must leave the page's last control and come back round (no trap)
    seen = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        where = page.evaluate(
            """() => { const el = document.activeElement;
                 if (el === document.body) return 'BODY';
                 if (el.classList.contains('govuk-skip-link')) return 'SKIP';
                 el.dataset.kbd = el.dataset.kbd || String(window.kbd = (window.kbd || 0) + 1);
                 return el.dataset.kbd; }"""
        )
        if where in ("BODY", "SKIP"):
            break
        change = focus_change(page)
        assert shows_focus(change), f"no visible focus: {change}"
        seen.add(where)
    else:
        pytest.fail("focus never left the page: a keyboard trap")
    # the round went through the whole page's controls, before the ticked task and after it
    assert stops_before + len(seen) > 20
    assert len(seen) > 5


def test_the_focus_check_fails_a_control_whose_look_does_not_change(site, chrome):
    base, inspection = site
    # the site's policy rightly refuses inline styles: this page lets the test add one
    page = chrome.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    log_in(page, base)
    page.goto(f"{base}/inspections/{inspection.slug}/")
    button = page.get_by_role("button", name=re.compile("Mark done")).first
    button.focus()
    assert shows_focus(focus_change(page))  # GOV.UK's yellow focus state
    # The same button with its focus style taken away keeps only its resting box-shadow.
    page.add_style_tag(
        content=".govuk-button:focus, .govuk-button:focus:not(:active):not(:hover) {"
        " outline: none !important; background-color: #00703c !important;"
        " box-shadow: 0 2px 0 #002d18 !important; color: #fff !important;"
        " border-color: transparent !important; }"
    )
    button.focus()
    change = focus_change(page)
    assert change["focused"] == change["blurred"] and "rgb(0, 45, 24)" in change["focused"]
    assert not shows_focus(change)


@pytest.mark.parametrize("path", ["", "days/", "days/3/", "tasks/", "people/", "search/?q=library"])
def test_usable_at_400_percent_zoom_without_horizontal_scroll(site, chrome, path):
    base, inspection = site
    page = chrome.new_page(viewport={"width": 320, "height": 640})
    log_in(page, base)
    page.goto(f"{base}/inspections/{inspection.slug}/{path}")
    widths = horizontal_overflow(page)
    assert widths["page"] <= widths["viewport"], widths
    assert widths["outside"] == [], widths
    # the service navigation collapses behind a Menu button that opens it
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    assert page.get_by_role("link", name="Tasks", exact=True).is_visible()
    if path == "":
        screenshot(page, "dashboard-320px", full_page=False)
