"""In Chromium: starting a plan shows the first plan at once, with a progress bar, before any
worker has the run; when the run finishes, the panel's own htmx poll swaps in the refined plan
and the fallen penalty. No serious or critical axe violation in either state, at desktop width
and at 320 CSS px, and no horizontal scroll there."""

from __future__ import annotations

import pytest
from django_q.brokers import get_broker
from django_q.conf import Conf
from ui_browser import (
    axe_violations,
    chromium,
    horizontal_overflow,
    load_scenario_and_user,
    log_in,
)

from scheduling.models import PlanRun, PlanRunStatus
from scheduling.planning import plan
from scheduling.runs import execute_plan_run

pytestmark = pytest.mark.browser

# CP-SAT's own work budget (as tests/conftest.py's DETERMINISTIC_PLAN): the same plan every run
BUDGET = 0.05


@pytest.fixture
def queue_only(transactional_db, monkeypatch):
    """Runs are queued on the database broker and no worker takes them: the test does."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")
    get_broker().purge_queue()


def _problems(page, width: int) -> list[str]:
    found = axe_violations(page)
    if width == 320:
        widths = horizontal_overflow(page)
        if widths["page"] > widths["viewport"]:
            found.append(f"horizontal scroll at 320px: {widths}")
    return found


def test_the_first_plan_shows_at_once_and_the_refined_one_replaces_it(
    queue_only, live_server, django_user_model
):
    inspection = load_scenario_and_user(django_user_model)
    plan(inspection, time_limit=120.0, deterministic_time=BUDGET, fresh=True)  # a draft to move
    failures: dict[str, list[str]] = {}
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/inspections/{inspection.slug}/meetings/plan/")
        page.get_by_label("Time limit (seconds)").fill("10")
        page.get_by_label("Start from scratch").check()
        page.get_by_role("button", name="Plan the meetings").click()
        page.wait_for_url("**/meetings/plan/")

        run = PlanRun.objects.get(inspection=inspection)
        assert run.status == PlanRunStatus.QUEUED
        total = run.first_summary["total"]
        panel = page.locator("#plan-run")
        assert page.locator("#plan-run-first").is_visible()
        assert f"Placed {total} of {total} meetings" in panel.inner_text()
        polls = []
        page.on("request", lambda r: polls.append(r.url) if "/plan/runs/" in r.url else None)
        assert page.locator("#plan-run-progress").get_attribute("value") == "0"
        first = run.first_summary["penalty"]
        assert page.locator("#plan-run-penalty").inner_text() == f"Penalty {first:,.0f}"
        moves = page.locator("#plan-run-first-moves")
        moves.locator("summary").click()
        assert moves.locator("li").count() == len(run.first_summary["moved"]) > 0
        page.wait_for_timeout(2_500)  # a poll swaps the panel: the open list stays open
        assert polls and moves.get_attribute("open") is not None
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            if found := _problems(page, width):
                failures[f"queued at {width}px"] = found

        execute_plan_run(run.pk, deterministic_time=BUDGET)
        page.locator("#plan-run-refined").wait_for(timeout=15_000)  # htmx polls every 2 s

        run.refresh_from_db()
        final = run.summary["penalty"]
        fall = round(100 * (first - final) / first)
        assert page.locator("#plan-run-penalty").inner_text() == (
            f"Penalty {first:,.0f} → {final:,.0f}, {fall}% lower"
        )
        assert page.locator("#plan-run-progress").count() == 0
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            if found := _problems(page, width):
                failures[f"done at {width}px"] = found
    assert failures == {}
