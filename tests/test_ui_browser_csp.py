"""The content security policy in a real browser: the main pages, with their scripts and htmx
at work, load and run with no violation (no inline script, no eval, no outside resource)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse
from ui_browser import (
    DAY_THREE,
    chromium,
    csp_violations,
    load_scenario_and_user,
    log_in,
    watch_csp,
)

from evidence.models import LibraryDocument
from scheduling.models import Meeting

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


def test_main_pages_run_their_scripts_with_no_content_security_policy_violation(site, chrome):

    base, inspection = site
    slug = inspection.slug
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    console = watch_csp(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    found: dict[str, list[str]] = {}

    def visit(path: str) -> None:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        policy = response.headers["content-security-policy"]
        # the directives' order is django-csp's, not ours: compare them one by one
        assert "script-src 'self'" in [d.strip() for d in policy.split(";")], policy
        # the scripts that used to be inline ran: GOV.UK Frontend's classes, then its module
        body = page.locator("body")
        assert re.search(
            r"\bjs-enabled\b.*\bgovuk-frontend-supported\b", body.get_attribute("class") or ""
        )

    log_in(page, base)
    visit(reverse("planner:dashboard", args=[slug]))
    page.wait_for_function(
        "document.querySelector('[data-countdown]').textContent.startsWith('in ')"
    )
    found["dashboard"] = csp_violations(page)

    visit(reverse("planner:day", args=[slug, 3]))
    found["day sheet"] = csp_violations(page)

    meeting = Meeting.objects.filter(inspection=inspection, mode="teams").order_by("pk").first()
    visit(reverse("scheduling:meeting-edit", args=[slug, meeting.pk]))
    start = page.get_by_label(re.compile("Start time"))
    start.fill("25:00")
    start.dispatch_event("change")  # htmx posts the form for the live check and swaps it in
    page.locator("#live-check").filter(has_text=re.compile("time", re.I)).wait_for()
    found["meeting edit and its live check"] = csp_violations(page)

    requested = set(
        LibraryDocument.objects.filter(inspection=inspection, status="requested").values_list(
            "pk", flat=True
        )
    )
    visit(reverse("evidence:library", args=[slug]) + "?status=requested")
    page.locator("[data-select-all]").check()  # the select-all script, now in app.js
    boxes = page.locator("input[name=documents]")
    assert boxes.count() == len(requested) > 0
    assert all(box.is_checked() for box in boxes.all())
    page.locator("select[name=new_status]").select_option("received")
    with page.expect_response(re.compile(r"/library/status/")) as answer:
        page.get_by_role("button", name="Change status").click()
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true"  # htmx, not a plain post
    page.locator("#library-results").wait_for()
    received = LibraryDocument.objects.filter(pk__in=requested, status="received").count()
    assert received == len(requested)
    found["library, select all and a bulk change through htmx"] = csp_violations(page)

    assert {k: v for k, v in found.items() if v} == {}
    assert console == [] and errors == []
