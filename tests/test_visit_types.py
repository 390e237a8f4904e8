"""Every kind of visit: the ILACS standard and short inspections, focused and monitoring
visits and the JTAI, created by `new_inspection` and on the new-inspection page, each with
its on-site working days and its own template's tasks."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections.models import Inspection

D = dt.date
MONDAY = "2026-03-02"  # no bank holiday within five weeks either side

# The on-site days each template's guidance gives (its comment in seeds/workflows cites it):
# a call on Monday 2 March 2026 puts inspectors on site on these working days.
WEEK_2 = [D(2026, 3, d) for d in (9, 10, 11, 12, 13)]
WEEK_3 = [D(2026, 3, d) for d in (16, 17, 18, 19, 20)]
ON_SITE = {
    "ilacs-standard": WEEK_2 + WEEK_3,  # two weeks on site after the off-site week
    "ilacs-short": WEEK_2,  # one week off site, one on site
    "focused-visit": [D(2026, 3, 11), D(2026, 3, 12)],  # two days the week after the call
    "monitoring-visit": [D(2026, 3, 11), D(2026, 3, 12)],
    "jtai": WEEK_3,  # notification 10 working days before fieldwork
}


def _create(slug: str, kind: str, notification: str = MONDAY, *extra: str) -> dict:
    out = io.StringIO()
    call_command(
        "new_inspection",
        slug,
        "--type",
        kind,
        "--notification",
        notification,
        "--json",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


@pytest.mark.parametrize("kind", list(ON_SITE))
def test_each_type_has_the_on_site_days_its_guidance_gives(db, kind):
    outline = _create(f"demo-{kind}", kind)
    onsite = [D.fromisoformat(d["date"]) for d in outline["onsite_days"]]
    assert onsite == ON_SITE[kind]
    assert outline["workflow"] == kind
    assert outline["final_day"] == ON_SITE[kind][-1].isoformat()
    # the off-site days run from the call to the working day before inspectors arrive
    offsite = [D.fromisoformat(d["date"]) for d in outline["offsite_days"]]
    assert offsite[0] == D(2026, 3, 2) and offsite[-1] < onsite[0]


@pytest.mark.parametrize("kind", list(ON_SITE))
def test_each_type_gets_its_own_templates_tasks_dated_from_the_call(db, kind):
    outline = _create(f"demo-{kind}", kind)
    tasks = outline["tasks"]
    assert len(tasks) > 0
    assert Inspection.objects.get(slug=f"demo-{kind}").tasks.count() == len(tasks)
    first_onsite = outline["onsite_days"][0]["day"]
    last = outline["onsite_days"][-1]["day"]
    # nothing before the call: it is unannounced
    assert [t["key"] for t in tasks if t["day"] < 1] == []
    for task in tasks:
        if task["phase"] == "onsite":
            assert first_onsite <= task["day"] <= last, task["key"]
        if task["phase"] == "after":
            assert task["day"] > last, task["key"]
    # every template keeps a meeting with the lead inspector on each on-site day
    assert sorted(t["day"] for t in tasks if t["key"].startswith("kit-lead-d")) == [
        d["day"] for d in outline["onsite_days"]
    ]


def test_the_focused_visit_of_the_acceptance_prints_its_days_and_tasks(db):
    out = io.StringIO()
    call_command(
        "new_inspection",
        "demo-fv",
        "--type",
        "focused-visit",
        "--notification",
        MONDAY,
        stdout=out,
    )
    text = out.getvalue()
    assert "On site: 2 working days, day 8 Wed 11 Mar 2026, day 9 Thu 12 Mar 2026" in text
    assert "Final day: day 9 Thu 12 Mar 2026." in text
    inspection = Inspection.objects.get(slug="demo-fv")
    assert inspection.inspection_type == "focused_visit"
    assert f"{inspection.tasks.count()} tasks:" in text
    assert "Feedback meeting at the end of the fieldwork" in text


@pytest.mark.parametrize("kind", list(ON_SITE))
def test_the_day_sheet_works_on_day_one_and_on_site(db, kind):
    outline = _create(f"demo-{kind}", kind)
    for day in (1, outline["onsite_days"][0]["day"]):
        out = io.StringIO()
        call_command("daysheet", f"demo-{kind}", "--day", str(day), "--json", stdout=out)
        sheet = json.loads(out.getvalue())
        assert sheet["day"] == day
        assert sheet["date"] == next(
            d["date"] for d in outline["offsite_days"] + outline["onsite_days"] if d["day"] == day
        )


def test_a_non_working_notification_day_is_refused_naming_the_option(db):
    with pytest.raises(CommandError, match="--notification: Day one must be a working day: Sat"):
        _create("demo-fv", "focused-visit", "2026-03-07")
    with pytest.raises(CommandError, match="--notification: 'next monday' is not a date"):
        _create("demo-fv", "focused-visit", "next monday")
    assert not Inspection.objects.exists()


def test_a_duplicate_slug_and_an_unknown_type_are_refused(db):
    _create("demo-fv", "focused-visit")
    with pytest.raises(CommandError, match="slug: Slug 'demo-fv' is already used"):
        _create("demo-fv", "jtai")
    with pytest.raises(CommandError, match="--type: Unknown type 'inspection'"):
        _create("demo-x", "inspection")
    assert list(Inspection.objects.values_list("slug", "inspection_type")) == [
        ("demo-fv", "focused_visit")
    ]


def test_the_title_and_council_default_from_the_slug_or_are_given(db):
    assert _create("telford-2026", "ilacs-short")["title"] == "Telford ILACS short inspection 2026"
    given = _create("t-mv", "monitoring-visit", MONDAY, "--local-authority", "Telford & Wrekin")
    assert (given["local_authority"], given["title"]) == (
        "Telford & Wrekin",
        "Telford & Wrekin monitoring visit 2026",
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("ilacs_standard", "ilacs-standard"),
        ("ilacs_short", "ilacs-short"),
        ("focused_visit", "focused-visit"),
        ("monitoring_visit", "monitoring-visit"),
        ("jtai", "jtai"),
    ],
)
def test_the_new_inspection_page_creates_every_type(db, staff_client, value, kind):
    page = staff_client.get(reverse("planner:new")).content.decode()
    assert f'value="{value}"' in page
    response = staff_client.post(
        reverse("planner:new"),
        {
            "local_authority": "Telford & Wrekin",
            "title": "Telford visit",
            "slug": "telford-visit",
            "inspection_type": value,
            "day_one-day": "2",
            "day_one-month": "3",
            "day_one-year": "2026",
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(slug="telford-visit")
    assert (inspection.inspection_type, inspection.workflow_key) == (value, kind)
    assert inspection.final_day == ON_SITE[kind][-1]
    assert inspection.tasks.count() > 0
