"""axe-core on the pages of tasks added by hand and of practice observations: the forms (blank
and with their error summaries), an observation's page with its consent form, a day sheet with a task added by hand, and the plan
page's consent warning. No serious or critical WCAG 2.2 AA violation, no scroll at 320 px."""

from __future__ import annotations

import datetime as dt

import pytest
from ui_browser import PASSWORD, USERNAME, axe_violations, chromium, horizontal_overflow, log_in

from inspections.models import Inspection, Inspector, Person, PersonKind
from inspections.services.hand_tasks import add_task
from inspections.services.inspections import workflow_for
from inspections.services.tasks import apply_template
from scheduling.catalogue import load_meeting_types
from scheduling.models import FamilyConsent, MeetingType
from scheduling.observations import NewObservation, add_observation

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    load_meeting_types()
    insp = Inspection.objects.create(
        slug="observed", title="Observed", local_authority="Testshire", day_one=dt.date(2025, 6, 16)
    )
    Inspector.objects.create(
        inspection=insp, ref="ia", full_name="Inspector A", role="lead", onsite_days=[6, 7]
    )
    chair = Person.objects.create(
        inspection=insp,
        ref="coord",
        full_name="C Ord",
        kind=PersonKind.PROJECT_TEAM,
        role="coordinator",
        phone="01743 000111",
    )
    apply_template(insp, workflow_for(insp))
    add_task(None, insp, title="Book the council chamber", owner=chair, due_day=3)
    meeting = add_observation(
        insp,
        NewObservation(
            meeting_type=MeetingType.objects.get(key="obs_strategy_discussion"),
            title="Strategy discussion: child C104233",
            day=7,
            time=dt.time(11, 15),
            chair=chair,
            family_count=1,
            family_consent=FamilyConsent.TO_ASK,
        ),
    )
    django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_superuser=True)
    return live_server.url, insp, meeting


def test_the_new_pages_have_no_serious_or_critical_axe_violations(site):
    base, insp, meeting = site
    root = f"{base}/inspections/{insp.slug}"
    failures: dict[str, list[str]] = {}
    with chromium() as browser:
        for width in (1280, 320):
            page = browser.new_page(viewport={"width": width, "height": 900})
            log_in(page, base)
            for path, submit in (
                ("/days/3/", ""),  # a task added by hand, marked so
                ("/tasks/new/", ""),
                ("/tasks/new/", "Add the task"),
                ("/meetings/observations/new/", ""),
                ("/meetings/observations/new/", "Add the observation"),
                (f"/meetings/{meeting.pk}/", ""),
                ("/meetings/plan/", ""),
            ):
                page.goto(root + path)
                if submit:  # nothing entered: the error summary
                    page.get_by_role("button", name=submit).click()
                    page.locator(".govuk-error-summary").wait_for()
                found = axe_violations(page)
                if width == 320:
                    widths = horizontal_overflow(page)
                    if widths["page"] > widths["viewport"]:
                        found.append(f"horizontal scroll at 320px: {widths}")
                if found:
                    failures[f"{path} {submit or 'blank'} at {width}px"] = found
            page.close()
    assert failures == {}
