"""Private feed links: hashed secrets, show/regenerate/revoke, 404s, conditional GETs."""

import datetime as dt
import io
import json

import icalendar
import pytest
from calendars_snapshots import LEAD, SW, TEAM, install, plan, small_inspection
from django.core.management import call_command
from django.test import Client

from calendars import tokens
from calendars.models import FeedKind, FeedToken


@pytest.fixture
def inspection(db, monkeypatch):
    install(monkeypatch, plan())
    return small_inspection()


def _links(inspection):
    return {(sub.kind, sub.ref): tok for sub, tok in tokens.ensure_tokens(inspection)}


def _uids(response):
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_every_subscriber_gets_a_link_and_only_its_hash_is_stored(inspection):
    links = _links(inspection)
    kinds = {kind for kind, _ in links}
    assert kinds == {k.value for k in FeedKind}
    assert (FeedKind.ROOM, "shirehall--room-5") in links
    assert (FeedKind.VENUE, "shirehall") in links
    for token in links.values():
        secret = tokens.secret_for(token)
        assert len(bytes.fromhex(token.salt)) >= 16  # 128 bits of randomness
        assert len(secret) >= 43
        assert secret not in {token.salt, token.secret_hash}
        assert FeedToken.objects.filter(secret_hash=tokens.hash_secret(secret)).count() == 1
    row = FeedToken.objects.values().first()
    assert not any(tokens.secret_for(t) in str(row) for t in links.values())
    assert len(_links(inspection)) == len(links)  # idempotent


def test_a_persons_feed_holds_only_their_meetings(inspection, client):
    links = _links(inspection)
    response = client.get(tokens.feed_path(links[(FeedKind.INSPECTOR, TEAM.ref)]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert _uids(response) == {
        "small-2025.meeting-2@ilacs-planner",
        "small-2025.meeting-3@ilacs-planner",
    }
    response = client.get(tokens.feed_path(links[(FeedKind.PERSON, SW.ref)]))
    assert _uids(response) == {
        "small-2025.meeting-1@ilacs-planner",
        "small-2025.meeting-4@ilacs-planner",
    }
    assert b"Bea Lowe" not in response.content  # nothing else of the inspection
    whole = client.get(tokens.feed_path(links[(FeedKind.INSPECTION, "")]))
    assert len(_uids(whole)) == 4


def test_a_token_works_only_for_its_own_feed(inspection, client):
    links = _links(inspection)
    lead = client.get(tokens.feed_path(links[(FeedKind.INSPECTOR, LEAD.ref)]))
    team = client.get(tokens.feed_path(links[(FeedKind.INSPECTOR, TEAM.ref)]))
    assert _uids(lead) != _uids(team)


def test_revoked_and_unknown_tokens_get_404_and_no_data(inspection, client):
    token = _links(inspection)[(FeedKind.INSPECTOR, LEAD.ref)]
    path = tokens.feed_path(token)
    assert client.get(path).status_code == 200
    tokens.revoke(token)
    response = client.get(path)
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content and b"Alex Khan" not in response.content
    assert client.get("/feeds/" + "A" * 43 + ".ics").status_code == 404
    # regenerating gives a new working link; the revoked one stays dead
    token = tokens.regenerate(token)
    assert client.get(tokens.feed_path(token)).status_code == 200
    assert client.get(path).status_code == 404


def test_regenerate_replaces_the_secret(inspection, client):
    token = _links(inspection)[(FeedKind.INSPECTION, "")]
    old = tokens.feed_path(token)
    new = tokens.feed_path(tokens.regenerate(token))
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_conditional_requests_get_304(inspection, client):
    path = tokens.feed_path(_links(inspection)[(FeedKind.INSPECTION, "")])
    first = client.get(path)
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"] == "Fri, 20 Jun 2025 16:00:00 GMT"
    assert "max-age" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_new_release_changes_the_etag(inspection, client, monkeypatch):
    path = tokens.feed_path(_links(inspection)[(FeedKind.INSPECTION, "")])
    first = client.get(path)
    install(monkeypatch, plan()[:2], number=2, at=dt.datetime(2025, 6, 21, 9, tzinfo=dt.UTC))
    second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert len(_uids(second)) == 2


def test_feed_links_command_lists_working_paths(inspection, client):
    out = io.StringIO()
    call_command("feed_links", "small-2025", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {r["kind"] for r in rows} == {k.value for k in FeedKind}
    lead = next(r for r in rows if r["ref"] == LEAD.ref)
    assert lead["path"].startswith("/feeds/") and lead["path"].endswith(".ics")
    assert client.get(lead["path"]).status_code == 200
    text = io.StringIO()
    call_command("feed_links", "small-2025", stdout=text)
    assert lead["path"] in text.getvalue()


def test_links_page_needs_login(inspection, client):
    response = client.get("/inspections/small-2025/feeds/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_links_page_creates_shows_regenerates_and_revokes(inspection, staff_client, client):
    page = staff_client.get("/inspections/small-2025/feeds/")
    assert page.status_code == 200
    assert b"missing link" in page.content
    staff_client.post("/inspections/small-2025/feeds/action/", {"action": "create"})
    token = FeedToken.objects.get(kind=FeedKind.INSPECTOR, ref=LEAD.ref)
    shown = staff_client.post(
        "/inspections/small-2025/feeds/action/", {"action": "show", "token": token.pk}
    )
    assert tokens.feed_path(token).encode() in shown.content
    regenerated = staff_client.post(
        "/inspections/small-2025/feeds/action/", {"action": "regenerate", "token": token.pk}
    )
    token.refresh_from_db()
    assert tokens.feed_path(token).encode() in regenerated.content
    staff_client.post(
        "/inspections/small-2025/feeds/action/", {"action": "revoke", "token": token.pk}
    )
    assert client.get(tokens.feed_path(token)).status_code == 404
    page = staff_client.get("/inspections/small-2025/feeds/")
    assert b"Revoked" in page.content


def test_link_actions_need_csrf(inspection, django_user_model):

    user = django_user_model.objects.create_user(
        "csrf-user", password="a-long-test-password", is_superuser=True
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post("/inspections/small-2025/feeds/action/", {"action": "create"})
    assert response.status_code == 403
