"""The Annexe A check page of a council's own workbook, grouped findings open and closed,
has no serious or critical axe violation at desktop and at 320 CSS px."""

from __future__ import annotations

import io

import pytest
from annex_a_realistic import NOTIFICATION, council_workbook
from ui_browser import PASSWORD, USERNAME, axe_violations, chromium, log_in

from annex_a.services.checks import check_files_inline
from inspections.models import Inspection

pytestmark = pytest.mark.browser


def test_the_check_page_of_a_council_workbook_passes_axe(
    transactional_db, live_server, django_user_model
):
    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_superuser=True)
    inspection = Inspection.objects.create(
        slug="test-la", title="Test", local_authority="Test LA", day_one=NOTIFICATION
    )
    check, _ = check_files_inline(
        inspection, [("annex.xlsx", io.BytesIO(council_workbook()))], user
    )
    failures: dict[str, list[str]] = {}
    with chromium() as browser:
        for width in (1280, 320):
            page = browser.new_page(viewport={"width": width, "height": 900})
            log_in(page, live_server.url)
            response = page.goto(
                f"{live_server.url}/inspections/test-la/annex-a/checks/{check.pk}/"
            )
            assert response is not None and response.status == 200
            assert page.locator("#fix-first-list > li").count() == 7
            found = axe_violations(page)
            page.locator("details summary").first.click()  # the row-by-row detail, open
            found += axe_violations(page)
            if found:
                failures[f"{width}px"] = found
            page.close()
    assert failures == {}
