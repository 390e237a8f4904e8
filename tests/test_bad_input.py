"""Odd input at every boundary gets a 400 naming the field, never a server error.

One table of (method, URL, data, field) over every page that takes input. Each row is a
value a user, a stale browser tab or a script really sends: Unicode digits that
str.isdigit() accepts but int() refuses, numbers too long or too large, out-of-range days.
Rows are grouped by app; each app's list names the field its form reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from evidence.models import Audit, CasePackPart
from scheduling.models import Meeting

SUPERSCRIPT_TWO = "²"
HUGE = "9" * 5000


@dataclass(frozen=True)
class Case:
    name: str
    method: str  # "GET" or "POST"
    path: str  # formatted with the ids below: {slug}, {meeting}, {audit}, {part}
    data: dict[str, str]
    field: str  # the field the error names (its anchor in the error summary)


PLANNER_CASES: list[Case] = [
    Case(
        "planner-tasks-day-unicode",
        "GET",
        "/inspections/{slug}/tasks/",
        {"day": SUPERSCRIPT_TWO},
        "filter-day",
    ),
    Case(
        "planner-tasks-day-huge", "GET", "/inspections/{slug}/tasks/", {"day": HUGE}, "filter-day"
    ),
    Case(
        "planner-tasks-day-far", "GET", "/inspections/{slug}/tasks/", {"day": "99999"}, "filter-day"
    ),
    Case(
        "planner-tasks-owner-unicode",
        "GET",
        "/inspections/{slug}/tasks/",
        {"owner": SUPERSCRIPT_TWO},
        "filter-owner",
    ),
    Case(
        "planner-tasks-status",
        "GET",
        "/inspections/{slug}/tasks/",
        {"status": "finished"},
        "filter-status",
    ),
    Case(
        "planner-tasks-group",
        "GET",
        "/inspections/{slug}/tasks/",
        {"group": "colour"},
        "filter-group",
    ),
    Case("planner-day-role", "GET", "/inspections/{slug}/days/3/", {"role": "wizard"}, "role"),
    Case(
        "planner-task-status",
        "POST",
        "/inspections/{slug}/tasks/{task}/status/",
        {"status": "finished"},
        "status",
    ),
    Case("planner-search-short", "GET", "/inspections/{slug}/search/", {"q": "a"}, "search-q"),
    Case(
        "planner-search-long", "GET", "/inspections/{slug}/search/", {"q": "x" * 5000}, "search-q"
    ),
    Case(
        "planner-new-month-unicode",
        "POST",
        "/inspections/new/",
        {
            "local_authority": "Shropshire Council",
            "title": "T",
            "slug": "",
            "inspection_type": "ilacs_standard",
            "day_one-day": "16",
            "day_one-month": SUPERSCRIPT_TWO,
            "day_one-year": "2025",
        },
        "day_one-month",
    ),
    Case(
        "planner-new-year-huge",
        "POST",
        "/inspections/new/",
        {
            "local_authority": "Shropshire Council",
            "title": "T",
            "slug": "",
            "inspection_type": "ilacs_standard",
            "day_one-day": "16",
            "day_one-month": "6",
            "day_one-year": HUGE,
        },
        "day_one-year",
    ),
    Case(
        "planner-new-type",
        "POST",
        "/inspections/new/",
        {
            "local_authority": "Shropshire Council",
            "title": "T",
            "slug": "x-2025",
            "inspection_type": "picnic",
            "day_one-day": "16",
            "day_one-month": "6",
            "day_one-year": "2025",
        },
        "inspection_type",
    ),
    Case(
        "planner-settings-day-unicode",
        "POST",
        "/inspections/{slug}/settings/",
        {"day_one-day": SUPERSCRIPT_TWO, "day_one-month": "6", "day_one-year": "2025"},
        "day_one-day",
    ),
    Case(
        "planner-people-kind",
        "GET",
        "/inspections/{slug}/people/",
        {"kind": "alien"},
        "people-kind",
    ),
]
_MEETINGS = "/inspections/{slug}/meetings/"
_NEW = {"meeting_type": "lado", "title": "Odd input check"}
_EDIT = {"day": "8", "time": "10:00", "version": "1"}
SCHEDULING_CASES: list[Case] = [
    Case("scheduling-list-day-superscript", "GET", _MEETINGS, {"day": SUPERSCRIPT_TWO}, "day"),
    Case("scheduling-list-day-too-big", "GET", _MEETINGS, {"day": "99999999"}, "day"),
    Case(
        "scheduling-list-inspector-unknown", "GET", _MEETINGS, {"inspector": "nobody"}, "inspector"
    ),
    Case("scheduling-list-type-unknown", "GET", _MEETINGS, {"type": "nope"}, "type"),
    Case("scheduling-list-status-unknown", "GET", _MEETINGS, {"status": SUPERSCRIPT_TWO}, "status"),
    Case(
        "scheduling-new-type-unknown",
        "GET",
        _MEETINGS + "new/",
        {"meeting_type": "x"},
        "meeting_type",
    ),
    Case(
        "scheduling-new-type-posted-unknown",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "meeting_type": "x"},
        "meeting_type",
    ),
    Case(
        "scheduling-new-duration-huge",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "duration": HUGE},
        "duration",
    ),
    Case(
        "scheduling-new-duration-3",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "duration": "3"},
        "duration",
    ),
    Case(
        "scheduling-new-duration-superscript",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "duration": SUPERSCRIPT_TWO},
        "duration",
    ),
    Case(
        "scheduling-new-inspectors-needed-superscript",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "inspectors_needed": SUPERSCRIPT_TWO},
        "inspectors_needed",
    ),
    Case(
        "scheduling-new-inspectors-needed-too-many",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "inspectors_needed": "99"},
        "inspectors_needed",
    ),
    Case(
        "scheduling-new-family-count-superscript",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "family_count": SUPERSCRIPT_TWO},
        "family_count",
    ),
    Case(
        "scheduling-new-family-count-51",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "family_count": "51"},
        "family_count",
    ),
    Case(
        "scheduling-new-window-day-superscript",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "window_days": SUPERSCRIPT_TWO},
        "window_days",
    ),
    Case(
        "scheduling-new-window-day-too-big",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "window_days": "99999999"},
        "window_days",
    ),
    Case(
        "scheduling-new-mode-unknown", "POST", _MEETINGS + "new/", {**_NEW, "mode": "zoom"}, "mode"
    ),
    Case(
        "scheduling-new-rule-unknown",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "inspector_rule": "boss"},
        "inspector_rule",
    ),
    Case(
        "scheduling-new-venue-unknown",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "venue": "nowhere"},
        "venue",
    ),
    Case(
        "scheduling-new-inspector-unknown",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "inspectors": "nobody"},
        "inspectors",
    ),
    Case(
        "scheduling-new-attendee-unknown",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "attendees": "nobody"},
        "attendees",
    ),
    Case(
        "scheduling-new-follows-superscript",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "follows": SUPERSCRIPT_TWO},
        "follows",
    ),
    Case(
        "scheduling-new-follows-huge",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "follows": HUGE},
        "follows",
    ),
    Case(
        "scheduling-new-earliest-superscript",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "earliest": "0²:00"},
        "earliest",
    ),
    Case(
        "scheduling-new-latest-25",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "latest": "25:00"},
        "latest",
    ),
    Case(
        "scheduling-new-child-id-a-name",
        "POST",
        _MEETINGS + "new/",
        {**_NEW, "child_ids": "Jane Smith"},
        "child_ids",
    ),
    Case(
        "scheduling-new-title-missing", "POST", _MEETINGS + "new/", {**_NEW, "title": ""}, "title"
    ),
    Case(
        "scheduling-edit-version-superscript",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "version": SUPERSCRIPT_TWO},
        "version",
    ),
    Case(
        "scheduling-edit-version-huge",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "version": HUGE},
        "version",
    ),
    Case(
        "scheduling-edit-day-superscript",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "day": SUPERSCRIPT_TWO},
        "day",
    ),
    Case(
        "scheduling-edit-day-too-big",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "day": "99999999"},
        "day",
    ),
    Case(
        "scheduling-edit-time-superscript",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "time": "1²:00"},
        "time",
    ),
    Case(
        "scheduling-edit-room-huge",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "room": HUGE},
        "room",
    ),
    Case(
        "scheduling-edit-inspector-unknown",
        "POST",
        _MEETINGS + "{meeting}/edit/",
        {**_EDIT, "inspectors": "nobody"},
        "inspectors",
    ),
    Case(
        "scheduling-check-room-superscript",
        "POST",
        _MEETINGS + "{meeting}/check/",
        {**_EDIT, "room": SUPERSCRIPT_TWO},
        "room",
    ),
    Case(
        "scheduling-check-day-superscript",
        "POST",
        _MEETINGS + "{meeting}/check/",
        {**_EDIT, "day": SUPERSCRIPT_TWO},
        "day",
    ),
    Case(
        "scheduling-check-time-25",
        "POST",
        _MEETINGS + "{meeting}/check/",
        {**_EDIT, "time": "25:00"},
        "time",
    ),
    Case(
        "scheduling-status-version-superscript",
        "POST",
        _MEETINGS + "{meeting}/status/",
        {"status": "cancelled", "version": SUPERSCRIPT_TWO},
        "version",
    ),
    Case(
        "scheduling-status-draft",
        "POST",
        _MEETINGS + "{meeting}/status/",
        {"status": "draft", "version": "1"},
        "status",
    ),
    Case(
        "scheduling-absence-day-superscript",
        "POST",
        _MEETINGS + "absence/",
        {"inspector": "insp-lead", "day": SUPERSCRIPT_TWO},
        "day",
    ),
    Case(
        "scheduling-absence-day-too-big",
        "POST",
        _MEETINGS + "absence/",
        {"inspector": "insp-lead", "day": "99999999"},
        "day",
    ),
    Case(
        "scheduling-absence-day-0",
        "POST",
        _MEETINGS + "absence/",
        {"inspector": "insp-lead", "day": "0"},
        "day",
    ),
    Case(
        "scheduling-absence-inspector-unknown",
        "POST",
        _MEETINGS + "absence/",
        {"inspector": "nobody", "day": "7"},
        "inspector",
    ),
    Case(
        "scheduling-absence-reason-unknown",
        "POST",
        _MEETINGS + "absence/",
        {"inspector": "insp-lead", "day": "7", "reason": "holiday"},
        "reason",
    ),
    Case(
        "scheduling-plan-seed-2147483648",
        "POST",
        _MEETINGS + "plan/start/",
        {"seed": "2147483648"},
        "seed",
    ),
    Case(
        "scheduling-plan-seed-superscript",
        "POST",
        _MEETINGS + "plan/start/",
        {"seed": SUPERSCRIPT_TWO},
        "seed",
    ),
    Case(
        "scheduling-plan-time-limit-0",
        "POST",
        _MEETINGS + "plan/start/",
        {"time_limit": "0"},
        "time_limit",
    ),
    Case(
        "scheduling-plan-time-limit-huge",
        "POST",
        _MEETINGS + "plan/start/",
        {"time_limit": HUGE},
        "time_limit",
    ),
    Case(
        "scheduling-publish-notes-too-long",
        "POST",
        _MEETINGS + "releases/publish/",
        {"notes": "x" * 2001},
        "notes",
    ),
]
_LIBRARY = "/inspections/{slug}/library/"
_BULK = _LIBRARY + "status/"
_AUDITS = "/inspections/{slug}/audits/"
_PART = "/inspections/{slug}/deep-dives/parts/{part}/"
EVIDENCE_CASES: list[Case] = [
    Case(
        "evidence-library-owner-superscript", "GET", _LIBRARY, {"owner": SUPERSCRIPT_TWO}, "owner"
    ),
    Case("evidence-library-owner-huge", "GET", _LIBRARY, {"owner": HUGE}, "owner"),
    Case("evidence-library-status-unknown", "GET", _LIBRARY, {"status": "binned"}, "status"),
    Case("evidence-library-category-huge", "GET", _LIBRARY, {"category": "x" * 5000}, "category"),
    Case("evidence-library-q-huge", "GET", _LIBRARY, {"q": "x" * 5000}, "q"),
    Case(
        "evidence-library-bulk-documents-superscript",
        "POST",
        _BULK,
        {"documents": SUPERSCRIPT_TWO, "new_status": "uploaded"},
        "documents",
    ),
    Case(
        "evidence-library-bulk-documents-huge",
        "POST",
        _BULK,
        {"documents": HUGE, "new_status": "uploaded"},
        "documents",
    ),
    Case(
        "evidence-library-bulk-documents-none",
        "POST",
        _BULK,
        {"new_status": "uploaded"},
        "documents",
    ),
    Case(
        "evidence-library-bulk-status-unknown",
        "POST",
        _BULK,
        {"documents": "1", "new_status": "binned"},
        "new_status",
    ),
    Case(
        "evidence-library-bulk-filter-owner-superscript",
        "POST",
        _BULK,
        {"documents": "1", "new_status": "uploaded", "owner": SUPERSCRIPT_TWO},
        "owner",
    ),
    Case("evidence-library-import-no-file", "POST", _LIBRARY + "import/", {}, "file"),
    Case("evidence-audits-import-no-file", "POST", _AUDITS + "import/", {}, "file"),
    Case(
        "evidence-audits-judgement-unknown", "GET", _AUDITS, {"judgement": "brilliant"}, "judgement"
    ),
    Case("evidence-audits-chosen-unknown", "GET", _AUDITS, {"chosen": SUPERSCRIPT_TWO}, "chosen"),
    Case("evidence-audits-child-a-name", "GET", _AUDITS, {"child": "JANESMITH"}, "child"),
    Case("evidence-audits-child-huge", "GET", _AUDITS, {"child": HUGE}, "child"),
    Case(
        "evidence-audit-choose-plan-unknown",
        "POST",
        _AUDITS + "{audit}/choose/",
        {"plan_type": "picnic"},
        "plan_type",
    ),
    Case(
        "evidence-audit-choose-plan-missing", "POST", _AUDITS + "{audit}/choose/", {}, "plan_type"
    ),
    Case(
        "evidence-deep-dive-part-collator-superscript",
        "POST",
        _PART,
        {"collated": "1", "collator": SUPERSCRIPT_TWO},
        "collator",
    ),
    Case("evidence-deep-dive-part-collator-huge", "POST", _PART, {"collator": HUGE}, "collator"),
    Case(
        "evidence-deep-dive-part-collator-unknown",
        "POST",
        _PART,
        {"collator": "9999999999"},
        "collator",
    ),
    Case(
        "evidence-deep-dive-part-qa-by-superscript",
        "POST",
        _PART,
        {"qa_by": SUPERSCRIPT_TWO},
        "qa_by",
    ),
]
_CHECKLIST = "/inspections/{slug}/annex-a/lists/1/"
ANNEX_A_CASES: list[Case] = [
    Case("annex-a-checklist-item-unknown", "POST", _CHECKLIST, {"done": "bribed"}, "done"),
    Case(
        "annex-a-checklist-item-superscript", "POST", _CHECKLIST, {"done": SUPERSCRIPT_TWO}, "done"
    ),
    Case("annex-a-checklist-notes-huge", "POST", _CHECKLIST, {"notes": "x" * 5000}, "notes"),
    Case("annex-a-checklist-uploaded-first", "POST", _CHECKLIST, {"done": "uploaded"}, "done"),
    Case("annex-a-upload-no-file", "POST", "/inspections/{slug}/annex-a/checks/", {}, "files"),
]
_FEEDS = "/inspections/{slug}/feeds/action/"
_CALENDAR = "/inspections/{slug}/calendar/"
CALENDARS_CASES: list[Case] = [
    Case(
        "calendars-feed-action-token-superscript",
        "POST",
        _FEEDS,
        {"action": "show", "token": SUPERSCRIPT_TWO},
        "token",
    ),
    Case(
        "calendars-feed-action-token-huge",
        "POST",
        _FEEDS,
        {"action": "revoke", "token": HUGE},
        "token",
    ),
    Case("calendars-feed-action-token-missing", "POST", _FEEDS, {"action": "regenerate"}, "token"),
    Case(
        "calendars-feed-action-unknown",
        "POST",
        _FEEDS,
        {"action": "explode", "token": "1"},
        "action",
    ),
    Case("calendars-feed-action-missing", "POST", _FEEDS, {"token": "1"}, "action"),
    Case("calendars-index-plan-unknown", "GET", _CALENDAR, {"plan": "secret"}, "plan"),
    Case(
        "calendars-day-plan-superscript",
        "GET",
        _CALENDAR + "days/3/",
        {"plan": SUPERSCRIPT_TWO},
        "plan",
    ),
    Case(
        "calendars-week-plan-unknown", "GET", _CALENDAR + "weeks/2/", {"plan": "published!"}, "plan"
    ),
    Case(
        "calendars-run-sheet-plan-unknown",
        "GET",
        _CALENDAR + "days/3/run-sheet/",
        {"plan": "x"},
        "plan",
    ),
]

CASES = PLANNER_CASES + SCHEDULING_CASES + EVIDENCE_CASES + ANNEX_A_CASES + CALENDARS_CASES


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module: every case only reads it


@pytest.fixture
def ids(scenario) -> dict[str, object]:
    return {
        "slug": scenario.slug,
        "task": scenario.tasks.order_by("pk").first().pk,
        "meeting": Meeting.objects.filter(inspection=scenario).order_by("pk").first().pk,
        "audit": Audit.objects.filter(inspection=scenario).order_by("pk").first().pk,
        "part": CasePackPart.objects.filter(deep_dive__inspection=scenario)
        .order_by("pk")
        .first()
        .pk,
    }


def assert_refused_naming(response, field: str) -> None:
    body = response.content.decode()
    assert response.status_code == 400, body[:2000]
    assert f'href="#{field}"' in body or f'id="{field}-error"' in body, body[:4000]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_odd_input_is_refused_with_the_field_named(staff_client, ids, case):
    path = case.path.format(**ids)
    if case.method == "GET":
        response = staff_client.get(path, case.data)
    else:
        response = staff_client.post(path, case.data)
    assert_refused_naming(response, case.field)
