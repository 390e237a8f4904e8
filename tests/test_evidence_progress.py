import datetime as dt

import pytest

from evidence import progress
from evidence.models import Audit, CasePackPart, DeepDive
from inspections.calendar import to_utc
from inspections.models import Inspection
from inspections.services.progress import Progress, risk_text
from planner.services.daysheet import build_daysheet
from planner.services.progress import progress_for


def test_the_providers_are_registered_under_the_workflow_keys(scenario):
    for key in ("library", "audits", "deep_dives", "case_packs"):
        assert isinstance(progress_for(scenario, key), Progress), key


def test_library_progress_of_the_scenario(scenario):
    p = progress.library(scenario)
    assert (p.done, p.total, p.label) == (287, 315, "287 of 315 uploaded")
    assert p.risk == "library: 16 documents not yet quality-assured (5 not yet received)"


def test_audits_and_deep_dives_progress(scenario):
    audits = Audit.objects.filter(inspection=scenario)
    moderated = audits.filter(moderated=True).count()
    p = progress.audits(scenario)
    assert (p.done, p.total) == (moderated, 199)
    assert p.label == f"199 audits listed, {moderated} moderated"
    assert p.risk == f"audits: {199 - moderated} audits not yet moderated"
    chosen = progress.deep_dives(scenario)
    assert (chosen.label, chosen.risk) == ("12 of up to 12 children chosen", "")


def test_case_pack_progress_counts_the_84_documents(scenario):
    parts = CasePackPart.objects.filter(deep_dive__inspection=scenario)
    not_qa = parts.filter(qa_at__isnull=True).count()
    not_collated = parts.filter(collated_at__isnull=True).count()
    p = progress.case_packs(scenario)
    assert (p.done, p.total, p.label) == (0, 84, "0 of 84 case-record documents uploaded")
    assert p.risk == (
        f"case packs: {not_qa} documents not yet quality-assured ({not_collated} not yet collated)"
    )
    parts.update(
        collated_at=dt.datetime(2025, 6, 18, 9, tzinfo=dt.UTC),
        qa_at=dt.datetime(2025, 6, 18, 10, tzinfo=dt.UTC),
    )
    assert progress.case_packs(scenario).risk == "case packs: 84 documents not yet uploaded"
    parts.update(uploaded_at=dt.datetime(2025, 6, 19, 10, tzinfo=dt.UTC))
    assert progress.case_packs(scenario).risk == ""


def test_the_day_sheet_flags_the_library_at_risk_three_hours_before_noon(scenario):
    nine = to_utc(scenario.calendar.date_for_day(3), dt.time(9, 0))
    sheet = build_daysheet(scenario, 3, now=nine)
    tasks = {t["key"]: t for t in sheet.as_json()["tasks"]}
    assert tasks["library-upload"]["progress"] == "287 of 315 uploaded"
    assert tasks["library-upload"]["risk"] == (
        "library: 16 documents not yet quality-assured (5 not yet received), due in 3 h"
    )
    late = build_daysheet(scenario, 4, now=to_utc(scenario.calendar.date_for_day(4), dt.time(9)))
    tasks = {t["key"]: t for t in late.as_json()["tasks"]}
    assert tasks["library-upload"]["risk"].endswith("overdue by 21 h")


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (40, "due in 40 min"),
        (180, "due in 3 h"),
        (60 * 50, "due in 2 days"),
        (-30, "overdue by 30 min"),
        (-60 * 24 * 3, "overdue by 3 days"),
    ],
)
def test_risk_text_reads_well(minutes, expected):
    now = dt.datetime(2025, 6, 18, 9, tzinfo=dt.UTC)
    p = Progress(
        done=1, total=3, label="1 of 3 uploaded", risk="library: 2 documents not yet uploaded"
    )
    assert risk_text(p, now + dt.timedelta(minutes=minutes), now) == (
        f"library: 2 documents not yet uploaded, {expected}"
    )
    done = Progress(done=3, total=3, label="3 of 3 uploaded", risk="")
    assert risk_text(done, now + dt.timedelta(minutes=minutes), now) == ""


def test_an_empty_tracker_is_a_risk_not_a_zero_percent_success(db):
    inspection = Inspection.objects.create(
        slug="empty", title="Empty", local_authority="LA", day_one=dt.date(2025, 6, 16)
    )
    p = progress.library(inspection)
    assert (p.label, p.risk) == ("No documents listed yet", "library: no documents listed yet")
    now = dt.datetime(2025, 6, 18, 9, tzinfo=dt.UTC)
    assert risk_text(p, now + dt.timedelta(hours=3), now) == (
        "library: no documents listed yet, due in 3 h"
    )
    assert progress.deep_dives(inspection).risk == "deep dives: no children chosen yet"
    assert not DeepDive.objects.exists()
