"""The council's page: its past, current and coming inspections and visits, the annual
engagement meetings and the self-evaluation's versions, so the planner is used all year."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import time_machine
from django.urls import reverse

from council.models import EngagementMeeting, SelfEvaluationVersion
from inspections.calendar import LONDON
from inspections.models import Role
from inspections.services.inspections import create_inspection

D = dt.date
TODAY = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)


def _text(response) -> str:
    html = response.content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _visit(slug: str, kind: str, day_one: dt.date, authority: str = "Shropshire"):
    return create_inspection(
        slug=slug,
        title=slug.replace("-", " ").title(),
        local_authority=authority,
        inspection_type=kind,
        day_one=day_one,
    )


def _section(text: str, heading: str, following: str) -> str:
    return text.split(f" {heading} ", 1)[1].split(f" {following} ", 1)[0]


def test_the_council_page_lists_past_current_and_coming_visits(db, staff_client):
    _visit("shropshire-ilacs-2022", "ilacs_standard", D(2022, 1, 24))
    _visit("shropshire-fv-2024", "focused_visit", D(2024, 7, 22))
    _visit("shropshire-fv-2026", "focused_visit", D(2026, 3, 2))  # on site 11-12 March
    _visit(
        "shropshire-short-2026", "ilacs_short", D(2026, 3, 9)
    )  # off site in its first week on 10 March
    _visit("shropshire-jtai-2026", "jtai", D(2026, 6, 1))
    _visit("telford-2026", "ilacs_standard", D(2026, 3, 9), authority="Telford")
    with time_machine.travel(TODAY, tick=False):
        response = staff_client.get(reverse("council:page", args=["shropshire"]))
    assert response.status_code == 200
    text = _text(response)
    assert _section(text, "Under way", "Coming") == (
        "Inspections and visits under way Inspection or visit Type Day one (the call) Final day "
        "Shropshire Fv 2026 Focused visit 2 March 2026 12 March 2026 "
        "Shropshire Short 2026 ILACS short inspection 9 March 2026 20 March 2026"
    )
    assert _section(text, "Coming", "Past") == (
        "Inspections and visits coming Inspection or visit Type Day one (the call) Final day "
        "Shropshire Jtai 2026 Joint targeted area inspection 1 June 2026 19 June 2026"
    )
    assert _section(text, "Past", "Annual engagement meetings") == (
        "Past inspections and visits Inspection or visit Type Day one (the call) Final day "
        "Shropshire Fv 2024 Focused visit 22 July 2024 1 August 2024 "
        "Shropshire Ilacs 2022 ILACS standard inspection 24 January 2022 11 February 2022"
    )
    assert "Telford" not in text


def test_engagement_meetings_and_self_evaluation_versions_are_recorded(db, member_client):
    inspection = _visit("shropshire-2026", "ilacs_standard", D(2026, 3, 2))
    team = member_client(inspection, Role.PROJECT_TEAM)
    page = reverse("council:page", args=["shropshire"])
    response = team.post(
        page,
        {
            "form": "meeting",
            "meeting-date-day": "14",
            "meeting-date-month": "11",
            "meeting-date-year": "2025",
            "meeting-notes": "Regional director: caseloads and the front door",
        },
    )
    assert response["Location"] == page
    for version, day in (("2025.1", "3"), ("2025.2", "9")):
        response = team.post(
            page,
            {
                "form": "version",
                "version-version": version,
                "version-date-day": day,
                "version-date-month": "9",
                "version-date-year": "2025",
                "version-owner": "Ofsted lead",
                "version-note": "For the engagement meeting",
            },
        )
        assert response["Location"] == page
    assert list(EngagementMeeting.objects.values_list("local_authority", "date", "notes")) == [
        ("Shropshire", D(2025, 11, 14), "Regional director: caseloads and the front door")
    ]
    assert list(SelfEvaluationVersion.objects.values_list("version", "date", "owner")) == [
        ("2025.2", D(2025, 9, 9), "Ofsted lead"),
        ("2025.1", D(2025, 9, 3), "Ofsted lead"),
    ]
    text = _text(team.get(page))
    assert "14 November 2025 Regional director: caseloads and the front door" in text
    assert (
        "2025.2 9 September 2025 Ofsted lead For the engagement meeting "
        "2025.1 3 September 2025 Ofsted lead For the engagement meeting"
    ) in text
    assert EngagementMeeting.history.count() == 1


def test_a_version_without_a_name_or_date_is_refused_by_field(db, member_client):
    inspection = _visit("shropshire-2026", "ilacs_standard", D(2026, 3, 2))
    team = member_client(inspection, Role.PROJECT_TEAM)
    response = team.post(
        reverse("council:page", args=["shropshire"]), {"form": "version", "version-version": ""}
    )
    assert response.status_code == 400
    text = _text(response)
    assert "There is a problem" in text and "Enter the version" in text
    assert not SelfEvaluationVersion.objects.exists()


def test_viewers_read_the_page_staff_cannot_add_strangers_see_nothing(
    db, member_client, django_user_model, client
):
    inspection = _visit("shropshire-2026", "ilacs_standard", D(2026, 3, 2))
    page = reverse("council:page", args=["shropshire"])
    viewer = member_client(inspection, Role.VIEWER)
    assert viewer.get(page).status_code == 200
    assert "Add the meeting" not in viewer.get(page).content.decode()
    staff = member_client(inspection, Role.STAFF)
    assert staff.post(page, {"form": "meeting"}).status_code == 403
    client.force_login(django_user_model.objects.create_user("stranger"))
    assert client.get(page).status_code == 404
    assert client.get(reverse("council:page", args=["nowhere"])).status_code == 404
    assert not EngagementMeeting.objects.exists()
