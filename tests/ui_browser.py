"""Helpers for the browser tests: Debian's Chromium through Playwright, a logged-in page, axe.

A missing browser is a failure, not a skip: the acceptance criteria depend on these tests.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from inspections.calendar import LONDON
from inspections.models import Inspection

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"
DAY_THREE = dt.datetime(2025, 6, 18, 9, 0, tzinfo=LONDON)
USERNAME, PASSWORD = "coordinator", "a-long-test-password"


def require_assets() -> None:
    missing = [
        p
        for p in (
            VENDOR / "govuk-frontend" / "govuk-frontend.min.css",
            VENDOR / "htmx" / "htmx.min.js",
            VENDOR / "axe" / "axe.min.js",
        )
        if not p.exists()
    ]
    if missing:
        pytest.fail(f"front-end assets missing ({missing[0]}): run `make assets`")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium; fails the test when there is none."""
    require_assets()
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set CHROMIUM_PATH"
        )

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def load_scenario_and_user(django_user_model) -> Any:

    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_superuser=True)
    return Inspection.objects.get(slug="shropshire-2025")


def log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations at these impacts, as 'rule (impact): target, target' lines."""
    # from the site itself: the content security policy blocks an inline copy
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=f"{origin}{settings.STATIC_URL}vendor/axe/axe.min.js")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    lines = []
    for v in result["violations"]:
        if v["impact"] in impacts:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return lines


# Every Content Security Policy violation a page reports, collected from before its first script.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch_csp(page) -> list[str]:
    """Start collecting CSP violations on `page` (every document it loads); returns the list
    that console messages about the policy are added to as they come."""
    page.add_init_script(CSP_WATCH)
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return console


def csp_violations(page) -> list[str]:
    """The violations the current document has reported so far."""
    return list(page.evaluate("window.__cspViolations || []"))


def horizontal_overflow(page) -> dict[str, Any]:
    """The window's width, the page's scroll width and what in main sticks out past the window."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const out = [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5)
            .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40));
          return {viewport: width, page: document.documentElement.scrollWidth, outside: out};
        }"""
    )
