"""Concerns about a child: logged with a same-working-day response, seen only by the
coordinator and senior leaders, first on their dashboard until closed, and in no feed, search,
audit workbook or export but the coordinator's concerns export."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import get_resolver, reverse

from calendars import publishing, sources
from calendars.models import FeedKind
from desk.models import Concern, ConcernStatus
from desk.services import concerns as service
from inspections.access import NotAllowed
from inspections.calendar import LONDON
from inspections.models import Inspection, Person, Role
from planner.services import history as log
from scheduling.planning import plan
from scheduling.releases import publish

# Used nowhere else in the scenario, so finding it anywhere means the concern leaked.
CHILD = "CN-770041"
TEXT = "Bruising seen at the home visit was not followed up by the team"
TUESDAY_DAY_7 = dt.datetime(2025, 6, 24, 10, 30, tzinfo=LONDON)


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        # a working day before 17:00: 17:00 the same day
        (_london(2025, 6, 17, 9, 15), _london(2025, 6, 17, 17, 0)),
        (_london(2025, 6, 17, 16, 59), _london(2025, 6, 17, 17, 0)),
        # at or after 17:00: 17:00 the next working day
        (_london(2025, 6, 17, 17, 0), _london(2025, 6, 18, 17, 0)),
        (_london(2025, 6, 17, 18, 40), _london(2025, 6, 18, 17, 0)),
        # Friday evening and the weekend: Monday
        (_london(2025, 6, 20, 17, 30), _london(2025, 6, 23, 17, 0)),
        (_london(2025, 6, 21, 11, 0), _london(2025, 6, 23, 17, 0)),
        # the summer bank holiday (Mon 25 Aug 2025), and the Friday evening before it: Tuesday
        (_london(2025, 8, 25, 9, 0), _london(2025, 8, 26, 17, 0)),
        (_london(2025, 8, 22, 19, 0), _london(2025, 8, 26, 17, 0)),
        # winter (GMT): still 17:00 London
        (_london(2025, 12, 1, 8, 0), _london(2025, 12, 1, 17, 0)),
    ],
)
def test_response_is_due_by_five_on_the_working_day_it_was_raised(raised, due):
    assert service.default_response_due(raised.astimezone(dt.UTC)) == due


def test_concerns_are_numbered_in_turn_and_due_the_same_working_day(scenario):
    lead = scenario.inspectors.get(ref="insp-lead")
    with time_machine.travel(TUESDAY_DAY_7, tick=False):
        first = service.log_concern(scenario, child_id=CHILD, text=TEXT, raised_by=lead)
        second = service.log_concern(scenario, child_id="CN-770042", text="Another worry")
    assert [(c.label, c.child_id, c.status) for c in Concern.objects.order_by("number")] == [
        ("C-1", CHILD, ConcernStatus.OPEN),
        ("C-2", "CN-770042", ConcernStatus.OPEN),
    ]
    assert first.raised_at == TUESDAY_DAY_7
    assert first.response_due_at == _london(2025, 6, 24, 17, 0)
    assert second.raised_by is None


def test_a_concern_needs_a_child_id_not_a_name_and_some_text(scenario):
    with pytest.raises(service.InvalidFields) as caught:
        service.log_concern(scenario, child_id="Jane Smith", text="  ")
    assert sorted(caught.value.errors) == ["child_id", "text"]
    assert Concern.objects.count() == 0


def _coordinator_person(inspection: Inspection) -> Person:
    return inspection.people.get(ref="pt-coordinator")


def _senior_leader(inspection: Inspection) -> Person:
    return inspection.people.get(ref="sl-dcs")


def test_actions_outcome_and_closing_record_who_and_when(scenario, django_user_model):
    user = django_user_model.objects.create_user("coord")
    scenario.memberships.create(user=user, role=Role.COORDINATOR)
    owner = _coordinator_person(scenario)
    with time_machine.travel(TUESDAY_DAY_7, tick=False):
        concern = service.log_concern(scenario, child_id=CHILD, text=TEXT, actor=user)
        action = service.add_action(concern, text="Ask the team manager", owner=owner, actor=user)
        service.complete_action(action, actor=user)
        with pytest.raises(service.InvalidFields):
            service.close_concern(concern, actor=user)  # no outcome yet
        service.record_outcome(concern, outcome="Visit made the same day", actor=user)
        service.close_concern(concern, actor=user)
    concern.refresh_from_db()
    action.refresh_from_db()
    assert (concern.status, concern.closed_by, concern.closed_at, concern.outcome) == (
        ConcernStatus.CLOSED,
        user,
        TUESDAY_DAY_7,
        "Visit made the same day",
    )
    assert (action.owner, action.done_at) == (owner, TUESDAY_DAY_7)
    with pytest.raises(service.DomainError):
        service.close_concern(concern, actor=user)


@pytest.mark.parametrize("role", [Role.PROJECT_TEAM, Role.STAFF, Role.VIEWER])
def test_services_refuse_anyone_who_may_not_see_concerns(scenario, django_user_model, role):
    user = django_user_model.objects.create_user(f"member-{role}")
    scenario.memberships.create(user=user, role=role)
    with pytest.raises(NotAllowed):
        service.log_concern(scenario, child_id=CHILD, text=TEXT, actor=user)
    concern = service.log_concern(scenario, child_id=CHILD, text=TEXT)
    with pytest.raises(NotAllowed):
        service.add_action(concern, text="x", actor=user)
    with pytest.raises(NotAllowed):
        service.close_concern(concern, outcome="x", actor=user)


def _pages(slug: str) -> list[str]:
    return [
        reverse("desk:concerns", args=[slug]),
        reverse("desk:concern-new", args=[slug]),
        reverse("desk:concern", args=[slug, 1]),
    ]


def test_coordinator_and_a_senior_leader_viewer_see_the_concern_pages(scenario, member_client):
    service.log_concern(scenario, child_id=CHILD, text=TEXT)
    for client in (
        member_client(scenario, Role.COORDINATOR),
        member_client(scenario, Role.VIEWER, _senior_leader(scenario)),
    ):
        for url in _pages(scenario.slug):
            response = client.get(url)
            assert response.status_code == 200, url
        page = client.get(reverse("desk:concern", args=[scenario.slug, 1])).content.decode()
        assert CHILD in page and TEXT in page


@pytest.mark.parametrize("role", [Role.PROJECT_TEAM, Role.STAFF, Role.VIEWER])
def test_everyone_else_gets_not_found_for_every_concern_page(scenario, member_client, role):
    service.log_concern(scenario, child_id=CHILD, text=TEXT)
    # a project-team member who is a council person, just not a senior leader
    client = member_client(scenario, role, _coordinator_person(scenario))
    urls = [*_pages(scenario.slug), reverse("desk:concerns-export", args=[scenario.slug])]
    assert {url: client.get(url).status_code for url in urls} == {url: 404 for url in urls}
    posted = client.post(
        reverse("desk:concern-close", args=[scenario.slug, 1]), {"closing_outcome": "x"}
    )
    assert posted.status_code == 404
    assert Concern.objects.get().is_open
    nav = client.get(reverse("planner:dashboard", args=[scenario.slug])).content.decode()
    assert reverse("desk:concerns", args=[scenario.slug]) not in nav


def test_the_log_form_logs_a_concern_and_shows_errors_by_field(scenario, member_client):
    client = member_client(scenario, Role.COORDINATOR)
    url = reverse("desk:concern-new", args=[scenario.slug])
    bad = client.post(url, {"child_id": "Jane Smith", "text": "", "raised_at": "tomorrow"})
    assert bad.status_code == 400
    assert [a for a, _ in bad.context["form"].error_list()] == ["child_id", "raised_at", "text"]
    lead = scenario.inspectors.get(ref="insp-lead")
    good = client.post(
        url,
        {"child_id": CHILD, "text": TEXT, "raised_by": lead.pk, "raised_at": "2025-06-20T17:45"},
    )
    assert good.status_code == 302
    concern = Concern.objects.get()
    assert (concern.raised_by, concern.raised_at, concern.response_due_at) == (
        lead,
        _london(2025, 6, 20, 17, 45),
        _london(2025, 6, 23, 17, 0),
    )


def _main(html: str) -> str:
    return html.split('id="main-content"', 1)[1]


def test_an_open_concern_is_the_first_item_on_the_coordinators_dashboard(scenario, member_client):
    concern = service.log_concern(scenario, child_id=CHILD, text=TEXT)
    url = reverse("planner:dashboard", args=[scenario.slug])
    coordinator = member_client(scenario, Role.COORDINATOR)
    coordinator_page = coordinator.get(url).content.decode()
    main = _main(coordinator_page)
    first = re.search(r"<(div|h1|h2|span|p)\b[^>]*>", main)
    assert first is not None and 'id="open-concerns"' in first.group(0)
    assert f"C-1: child {CHILD}" in main
    senior = member_client(scenario, Role.VIEWER, _senior_leader(scenario))
    senior_page = senior.get(url).content.decode()
    assert 'id="open-concerns"' in senior_page
    concerns_link = f'href="{reverse("desk:concerns", args=[scenario.slug])}"'
    assert (concerns_link in coordinator_page, concerns_link in senior_page) == (True, True)

    team = member_client(scenario, Role.PROJECT_TEAM, _coordinator_person(scenario))
    page = team.get(url).content.decode()
    assert ('id="open-concerns"' in page, CHILD in page, "C-1" in page) == (False, False, False)

    service.close_concern(concern, outcome="Checked with the team")
    assert 'id="open-concerns"' not in coordinator.get(url).content.decode()


def test_history_shows_concerns_only_to_those_who_see_them_and_never_in_the_workbook(
    scenario, member_client
):
    service.log_concern(scenario, child_id=CHILD, text=TEXT)
    everything = log.LogFilter()
    seen = [c.kind for c in log.changes_for(list(log.log_index(scenario, everything)[:2000]))]
    assert "Concern" not in " ".join(seen)
    with_concerns = log.LogFilter(concerns=True)
    labels = [c.object_label for c in log.log_page(scenario, with_concerns, 1)[1]]
    assert labels[0] == "C-1"

    coordinator = member_client(scenario, Role.COORDINATOR)
    page = coordinator.get(reverse("planner:history", args=[scenario.slug])).content.decode()
    assert "C-1" in page
    workbook = coordinator.get(reverse("planner:history-export", args=[scenario.slug]))
    assert _xlsx_text(workbook.content).count(CHILD) == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROJECT_TEAM])
def test_search_finds_no_concern(scenario, member_client, role):
    service.log_concern(scenario, child_id=CHILD, text=TEXT)
    client = member_client(scenario, role)
    for query in (CHILD, "Bruising seen"):
        response = client.get(reverse("planner:search", args=[scenario.slug]), {"q": query})
        assert (response.status_code, response.context["count"]) == (200, 0)
        assert "C-1" not in _main(response.content.decode())


def _xlsx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _export_urls(slug: str) -> dict[str, str]:
    """Every export of the site: each URL name ending in "export" that takes only the slug."""
    urls: dict[str, str] = {}

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif p.name and p.name.endswith("export"):
                name = f"{namespace}{p.name}"
                urls[name] = reverse(name, kwargs={"slug": slug})

    walk(get_resolver().url_patterns)
    return urls


def test_no_feed_and_no_export_but_the_coordinators_holds_the_concern(scenario, member_client):
    assert plan(scenario, time_limit=1, fresh=True).placed > 0
    publish(scenario)
    concern = service.log_concern(
        scenario, child_id=CHILD, text=TEXT, raised_by=scenario.inspectors.get(ref="insp-lead")
    )
    service.add_action(concern, text="Bruising follow-up call", owner=_senior_leader(scenario))

    kinds = set()
    for sub in sources.subscribers(scenario):
        body = publishing.render(scenario, sub.kind, sub.ref, sub.label).body.decode()
        assert (CHILD in body, "Bruising" in body, "C-1" in body) == (False, False, False), sub
        kinds.add(sub.kind)
    assert kinds == set(FeedKind.values)

    coordinator = member_client(scenario, Role.COORDINATOR)
    exports = _export_urls(scenario.slug)
    assert {"annex_a:export", "evidence:library-export", "planner:history-export"} <= set(exports)
    for name, url in exports.items():
        response = coordinator.get(url)
        assert response.status_code == 200, name
        text = _xlsx_text(response.content)
        if name == "desk:concerns-export":
            assert (CHILD in text, TEXT in text, "Bruising follow-up call" in text) == (
                True,
                True,
                True,
            )
        else:
            assert (CHILD in text, "Bruising" in text) == (False, False), name
    assert "desk:concerns-export" in exports


def test_log_concern_command_prints_json_and_a_message(scenario):
    out = io.StringIO()
    call_command(
        "log_concern",
        scenario.slug,
        "--child",
        CHILD,
        "--raised-by",
        "insp-lead",
        "--text",
        TEXT,
        "--raised-at",
        "2025-06-17 18:10",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == {
        "concern": "C-1",
        "number": 1,
        "inspection": scenario.slug,
        "child_id": CHILD,
        "raised_by": "insp-lead",
        "raised_at": "2025-06-17T18:10:00+01:00",
        "response_due_at": "2025-06-18T17:00:00+01:00",
        "status": "open",
    }
    out = io.StringIO()
    with time_machine.travel(TUESDAY_DAY_7, tick=False):
        call_command(
            "log_concern", scenario.slug, "--child", "CN-770042", "--raised-by", "insp-qa",
            "--text", "x", stdout=out,
        )  # fmt: skip
    assert out.getvalue().startswith("Logged C-2 about child CN-770042")
    assert "response due 17:00 Tue 24 Jun 2025" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--child", "Jane Smith", "--raised-by", "insp-lead", "--text", "x"], "--child"),
        (["--child", CHILD, "--raised-by", "nobody", "--text", "x"], "--raised-by"),
        (["--child", CHILD, "--raised-by", "insp-lead", "--text", " "], "--text"),
        (
            ["--child", CHILD, "--raised-by", "insp-lead", "--text", "x", "--raised-at", "17/06"],
            "--raised-at",
        ),
    ],
)
def test_log_concern_command_refuses_bad_input_naming_the_option(scenario, args, names):
    with pytest.raises(CommandError) as caught:
        call_command("log_concern", scenario.slug, *args, stdout=io.StringIO())
    assert str(caught.value).startswith(names)
    assert Concern.objects.count() == 0


def test_log_concern_command_refuses_an_unknown_inspection(db):
    with pytest.raises(CommandError, match="No inspection 'nowhere'"):
        call_command("log_concern", "nowhere", "--child", CHILD, "--raised-by", "x", "--text", "x")
