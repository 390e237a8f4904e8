"""Starting an inspection and moving its day one in the web app (the Monday Ofsted phones)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest
from django.urls import reverse

from inspections.models import Inspection, Task
from inspections.services.errors import InvalidFields
from inspections.services.inspections import create_inspection, move_day_one, suggest_slug
from scheduling.models import Meeting

MONDAY = dt.date(2025, 6, 16)
DETAILS = {
    "slug": "shropshire-2025",
    "title": "Shropshire ILACS 2025",
    "local_authority": "Shropshire",
    "inspection_type": "ilacs_standard",
}


def _text(response) -> str:
    html = response.content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _form(day_one: dt.date | None = MONDAY, **overrides) -> dict[str, str]:
    data = {**DETAILS, **overrides}
    if day_one is not None:
        data |= {
            "day_one-day": str(day_one.day),
            "day_one-month": str(day_one.month),
            "day_one-year": str(day_one.year),
        }
    return data


# -- the service -----------------------------------------------------------------------------


def test_creating_an_inspection_gives_it_every_dated_task_at_once(db):
    inspection = create_inspection(**DETAILS, day_one=MONDAY)
    assert inspection.final_day == dt.date(2025, 7, 4)
    assert inspection.workflow_key == "ilacs-standard"
    assert inspection.tasks.count() == 80
    assert Task.objects.get(key="annex-a-upload").due_at.date() == dt.date(2025, 6, 17)
    assert Task.objects.get(key="final-feedback").due_at.date() == dt.date(2025, 7, 4)
    assert Task.objects.filter(template_key="kit-lead").count() == 10


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "Shropshire 2025!"}, "slug", "Slug must only include lower-case letters"),
        ({"slug": "new"}, "slug", "Slug cannot be 'new'"),
        ({"slug": ""}, "slug", "Enter a slug"),
        ({"title": " "}, "title", "Enter a title"),
        ({"local_authority": ""}, "local_authority", "Enter the local authority"),
        ({"inspection_type": "inspection"}, "inspection_type", "Select the inspection type"),
        (
            {"day_one": dt.date(2025, 6, 14)},
            "day_one",
            "Day one must be a working day: Saturday 14 June 2025 is a weekend day",
        ),
        (
            {"day_one": dt.date(2025, 5, 26)},
            "day_one",
            "Day one must be a working day: Monday 26 May 2025 is a bank holiday "
            "(Spring Bank Holiday)",
        ),
    ],
)
def test_bad_details_are_named_by_field_and_nothing_is_written(db, overrides, field, message):
    details = {**DETAILS, "day_one": MONDAY, **overrides}
    with pytest.raises(InvalidFields) as caught:
        create_inspection(**details)
    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field].startswith(message)
    assert not Inspection.objects.exists() and not Task.objects.exists()


def test_a_type_without_a_workflow_template_is_refused(db, settings, tmp_path):
    (tmp_path / "workflows").mkdir()
    standard = settings.SEEDS_DIR / "workflows" / "ilacs-standard.toml"
    (tmp_path / "workflows" / "ilacs-standard.toml").write_text(standard.read_text())
    settings.SEEDS_DIR = tmp_path
    with pytest.raises(InvalidFields) as caught:
        create_inspection(**{**DETAILS, "inspection_type": "focused_visit"}, day_one=MONDAY)
    assert caught.value.errors == {
        "inspection_type": "Inspection type: the planner has no workflow template for a "
        "focused visit yet"
    }
    assert not Inspection.objects.exists()


def test_a_slug_already_used_is_refused_and_the_first_inspection_is_untouched(db):
    first = create_inspection(**DETAILS, day_one=MONDAY)
    with pytest.raises(InvalidFields, match="Slug 'shropshire-2025' is already used"):
        create_inspection(**{**DETAILS, "title": "Again"}, day_one=dt.date(2025, 9, 1))
    assert list(Inspection.objects.values_list("title", flat=True)) == [first.title]
    assert Task.objects.count() == 80


def test_every_problem_is_reported_at_once(db):
    with pytest.raises(InvalidFields) as caught:
        create_inspection(
            slug="Bad Slug",
            title="",
            local_authority="",
            inspection_type="inspection",
            day_one=dt.date(2025, 6, 15),
        )
    assert set(caught.value.errors) == {
        "slug",
        "title",
        "local_authority",
        "inspection_type",
        "day_one",
    }


def test_a_slug_is_suggested_from_the_local_authority_and_year():
    assert suggest_slug("Telford & Wrekin", MONDAY) == "telford-and-wrekin-2025"
    assert suggest_slug("  ", MONDAY) == ""


def test_moving_day_one_re_dates_the_tasks_and_the_final_feedback(db):
    inspection = create_inspection(**DETAILS, day_one=MONDAY)
    move_day_one(inspection, dt.date(2025, 5, 19))  # crosses the 26 May bank holiday
    inspection.refresh_from_db()
    assert inspection.final_day == dt.date(2025, 6, 6)
    assert Task.objects.get(key="final-feedback").due_at.date() == dt.date(2025, 6, 6)
    assert Task.objects.get(key="annex-a-upload").due_at.date() == dt.date(2025, 5, 20)
    assert Task.objects.filter(template_key="kit-lead").count() == 9


# -- the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/inspections/new/", "/inspections/shropshire-2025/settings/"])
def test_the_pages_need_a_login(db, client, url):
    create_inspection(**DETAILS, day_one=MONDAY)
    for response in (client.get(url), client.post(url, _form())):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Inspection.objects.get().day_one == MONDAY


def test_home_links_to_starting_a_new_inspection(db, staff_client):
    html = staff_client.get("/").content.decode()
    assert f'href="{reverse("planner:new")}"' in html and "Start a new inspection" in html


def test_the_new_inspection_page_creates_it_and_says_the_dates(db, staff_client):
    response = staff_client.post(reverse("planner:new"), _form(), follow=True)
    assert response.redirect_chain == [("/inspections/shropshire-2025/", 302)]
    assert "Day one Monday 16 June 2025; final feedback Friday 4 July 2025; 80 tasks" in _text(
        response
    )
    assert Inspection.objects.get().tasks.count() == 80


def test_a_blank_slug_is_suggested_from_the_local_authority_and_year(db, staff_client):
    response = staff_client.post(reverse("planner:new"), _form(slug=""))
    assert response.status_code == 302
    assert Inspection.objects.get().slug == "shropshire-2025"


def test_a_suggested_slug_already_used_is_shown_for_editing(db, staff_client):
    create_inspection(**DETAILS, day_one=MONDAY)
    response = staff_client.post(reverse("planner:new"), _form(slug="", title="Again"))
    assert response.status_code == 400
    assert "Slug 'shropshire-2025' is already used" in _text(response)
    assert 'value="shropshire-2025"' in response.content.decode()
    assert Inspection.objects.count() == 1


def test_an_empty_form_asks_for_what_is_missing_but_not_the_optional_slug(db, staff_client):
    response = staff_client.post(reverse("planner:new"), {"inspection_type": "ilacs_standard"})
    assert response.status_code == 400
    summary = re.findall(r'<li><a href="#([^"]+)">', response.content.decode())
    assert summary == ["local_authority", "title", "day_one-day"]


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        (
            _form(day_one=dt.date(2025, 6, 14)),
            "day_one-day",
            "Saturday 14 June 2025 is a weekend day",
        ),
        (
            _form(day_one=dt.date(2025, 8, 25)),
            "day_one-day",
            "Monday 25 August 2025 is a bank holiday (Late Summer Bank Holiday)",
        ),
        (_form(day_one=None), "day_one-day", "Enter day one"),
        (
            _form(day_one=None) | {"day_one-day": "16", "day_one-year": "2025"},
            "day_one-month",
            "Day one must include a month",
        ),
        (
            _form(day_one=None)
            | {"day_one-day": "31", "day_one-month": "6", "day_one-year": "2025"},
            "day_one-day",
            "Day one must be a real date",
        ),
        (
            _form(day_one=None)
            | {"day_one-day": "16", "day_one-month": "June", "day_one-year": "2025"},
            "day_one-month",
            "Day one must be a real date",
        ),
        (
            _form(day_one=None) | {"day_one-day": "16", "day_one-month": "6", "day_one-year": "25"},
            "day_one-year",
            "Year must include 4 numbers",
        ),
        (_form(slug="Shropshire 2025"), "slug", "Slug must only include lower-case letters"),
        (_form(inspection_type="jtai "), "inspection_type", "Select the inspection type"),
    ],
)
def test_the_new_inspection_page_names_each_problem_and_writes_nothing(
    db, staff_client, data, anchor, message
):
    response = staff_client.post(reverse("planner:new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'<a href="#{anchor}">' in html
    assert f'id="{anchor}"' in html  # the summary's link lands on a field
    assert message in _text(response)
    assert 'govuk-input--error" id="day_one' in html or not anchor.startswith("day_one")
    assert not Inspection.objects.exists() and not Task.objects.exists()


def test_the_new_inspection_page_refuses_a_slug_already_used(db, staff_client):
    create_inspection(**DETAILS, day_one=MONDAY)
    response = staff_client.post(reverse("planner:new"), _form(title="Another"))
    assert response.status_code == 400
    assert "Slug 'shropshire-2025' is already used" in _text(response)
    assert '<a href="#slug">' in response.content.decode()
    assert Inspection.objects.count() == 1


def test_settings_show_the_dates_and_are_linked_from_the_dashboard(db, staff_client):
    create_inspection(**DETAILS, day_one=MONDAY)
    url = reverse("planner:settings", args=["shropshire-2025"])
    dashboard = staff_client.get(reverse("planner:dashboard", args=["shropshire-2025"]))
    assert f'href="{url}"' in dashboard.content.decode()
    response = staff_client.get(url)
    text = _text(response)
    assert "Day one Monday 16 June 2025" in text
    assert "Final feedback Friday 4 July 2025" in text
    assert "must be re-planned and published again" in text


def _move(client, day: dt.date, confirm: bool):
    data = _form(day_one=day) | ({"confirm": "yes"} if confirm else {})
    return client.post(reverse("planner:settings", args=["shropshire-2025"]), data)


def test_moving_day_one_asks_to_confirm_then_re_dates_everything(db, staff_client):
    create_inspection(**DETAILS, day_one=MONDAY)
    check = _move(staff_client, dt.date(2025, 5, 19), confirm=False)
    assert check.status_code == 200
    text = _text(check)
    assert "New day one Monday 19 May 2025" in text
    assert "New final feedback Friday 6 June 2025" in text
    assert "placements will be cleared" in text
    assert Inspection.objects.get().day_one == MONDAY  # nothing changed yet

    done = _move(staff_client, dt.date(2025, 5, 19), confirm=True)
    assert done.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.day_one, inspection.final_day) == (dt.date(2025, 5, 19), dt.date(2025, 6, 6))
    assert Task.objects.get(key="final-feedback").due_at.date() == dt.date(2025, 6, 6)
    page = _text(staff_client.get(done["Location"]))
    tasks = Task.objects.count()
    assert f"Day one Monday 19 May 2025; final feedback Friday 6 June 2025; {tasks} tasks" in page
    assert "re-plan it and publish it again" in page


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2025, 6, 21), "Saturday 21 June 2025 is a weekend day"),
        (dt.date(2025, 12, 25), "Thursday 25 December 2025 is a bank holiday (Christmas Day)"),
        (MONDAY, "Day one is already Monday 16 June 2025"),
    ],
)
def test_moving_day_one_to_a_day_it_cannot_be_is_refused_with_the_reason(
    db, staff_client, day, message
):
    create_inspection(**DETAILS, day_one=MONDAY)
    before = list(Task.objects.order_by("pk").values_list("due_at", flat=True))
    response = _move(staff_client, day, confirm=True)
    assert response.status_code == 400
    assert message in _text(response)
    assert '<a href="#day_one-day">' in response.content.decode()
    assert Inspection.objects.get().day_one == MONDAY
    assert list(Task.objects.order_by("pk").values_list("due_at", flat=True)) == before


def test_moving_day_one_clears_the_timetable_placements(scenario, staff_client):

    meetings = Meeting.objects.filter(inspection=scenario)
    start = dt.datetime(2025, 6, 24, 9, 0, tzinfo=dt.UTC)
    meetings.filter(pk=meetings.order_by("pk")[0].pk).update(
        start=start, end=start + dt.timedelta(hours=1)
    )
    response = staff_client.post(
        reverse("planner:settings", args=[scenario.slug]),
        _form(day_one=dt.date(2025, 6, 23)) | {"confirm": "yes"},
    )
    assert response.status_code == 302
    assert not meetings.filter(start__isnull=False).exists()
