"""The messages page shows how a send is going: "Sending: N of M sent, K failed" that polls
itself (htmx) while messages wait, and stops once none do; counts by status; the same few
queries however many messages there are."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from test_notify_delivery import _inspection, smtp  # noqa: F401 - the SMTP server fixture
from ui_browser import (
    PASSWORD,
    USERNAME,
    axe_violations,
    chromium,
    csp_violations,
    log_in,
    watch_csp,
)

from inspections.models import Person, PersonKind, Role
from notify.delivery import Outgoing, queue_message, send_due_messages
from notify.models import Choice, Message, MessageKind, MessageStatus, Preference


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def _counts(html: str) -> dict[str, str]:
    """The status counts as the page shows them: label -> value."""
    pairs = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt><dd class="govuk-summary-list__value">'
        r"(.*?)</dd>",
        html,
    )
    return {k: _text(v) for k, v in pairs}


def _queue(inspection, n: int, start: int = 0) -> list[Message]:
    out = []
    for i in range(start, start + n):
        person = Person.objects.create(
            inspection=inspection,
            ref=f"p-{i}",
            full_name=f"Person {i}",
            kind=PersonKind.PROJECT_TEAM,
            email=f"p{i}@la.example",
        )
        message, _ = queue_message(
            inspection,
            MessageKind.DIGEST,
            f"digest:{inspection.pk}:8:person:{person.pk}",
            Outgoing(email=person.email, subject="Your day 8", text="Hello", person=person),
        )
        out.append(message)
    return out


@pytest.fixture
def inspection(db):
    # one moment: the send under way is the day's (UK time), so no test straddles midnight
    with time_machine.travel(dt.datetime(2026, 6, 8, 6, 30, tzinfo=dt.UTC), tick=False):
        yield _inspection()


def _urls(inspection) -> tuple[str, str]:
    base = f"/inspections/{inspection.slug}/messages/"
    return base, f"{base}progress/"


def test_a_send_under_way_shows_its_progress_and_polls_until_it_is_done(
    inspection,
    member_client,
    smtp,  # noqa: F811
):
    page_url, progress_url = _urls(inspection)
    client = member_client(inspection, Role.PROJECT_TEAM)
    # yesterday's send, long over: not part of today's
    with time_machine.travel(dt.datetime(2026, 6, 7, 6, 30, tzinfo=dt.UTC), tick=False):
        [yesterday] = _queue(inspection, 1, start=100)
    Message.objects.filter(pk=yesterday.pk).update(status=MessageStatus.SENT)
    # today's: sent oldest first, so the first is sent and the second failed already
    done, failed, *_waiting = _queue(inspection, 5)
    Message.objects.filter(pk=done.pk).update(status=MessageStatus.SENT)
    Message.objects.filter(pk=failed.pk).update(
        status=MessageStatus.FAILED,
        attempts=1,
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5),
    )
    # one who asked for nothing: recorded, never sent, not part of the send
    Preference.objects.create(
        person=Person.objects.create(
            inspection=inspection,
            ref="q",
            full_name="Quiet",
            kind=PersonKind.PROJECT_TEAM,
            email="quiet@la.example",
        ),
        choice=Choice.NOTHING,
    )
    queue_message(
        inspection,
        MessageKind.DIGEST,
        "digest:quiet",
        Outgoing(
            email="quiet@la.example",
            subject="Your day 8",
            text="Hello",
            person=Person.objects.get(ref="q"),
        ),
    )

    html = client.get(page_url).content.decode()
    assert "Sending: 1 of 5 sent, 1 failed" in _text(html)
    assert f'hx-get="{progress_url}" hx-trigger="every 3s"' in html
    assert _counts(html) == {
        "Sent": "2",
        "Pending": "3",
        "Failed": "1",
        "Skipped (they asked not to receive it)": "1",
    }

    # the worker sends the three waiting (the failed one waits for its retry)
    send_due_messages()
    assert len(smtp.received) == 3
    polled = client.get(progress_url, headers={"HX-Request": "true"})
    html = polled.content.decode()
    assert "Sending:" not in html
    assert "hx-get" not in html  # polling stops
    assert polled["HX-Refresh"] == "true"  # the page reloads once to show the table's end
    assert _counts(html) == {
        "Sent": "5",
        "Pending": "0",
        "Failed": "1",
        "Skipped (they asked not to receive it)": "1",
    }


def test_nothing_waiting_shows_the_counts_and_does_not_poll(inspection, member_client):
    page_url, _ = _urls(inspection)
    client = member_client(inspection, Role.PROJECT_TEAM)
    for message in _queue(inspection, 2):
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)
    html = client.get(page_url).content.decode()
    assert "Sending:" not in html and "hx-get" not in html
    assert _counts(html)["Sent"] == "2"


def test_the_progress_is_the_project_teams_only(inspection, member_client):
    _, progress_url = _urls(inspection)
    assert member_client(inspection, Role.STAFF).get(progress_url).status_code == 403
    assert member_client(inspection, Role.PROJECT_TEAM).get(progress_url).status_code == 200


def test_the_progress_takes_the_same_queries_for_3_or_30_messages(inspection, member_client):
    _, progress_url = _urls(inspection)
    client = member_client(inspection, Role.PROJECT_TEAM)
    counts = []
    for start, n in ((0, 3), (3, 27)):
        _queue(inspection, n, start)
        with CaptureQueriesContext(connection) as queries:
            assert "Sending: 0 of" in _text(client.get(progress_url).content.decode())
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.browser
def test_the_page_follows_a_send_in_a_browser_until_it_is_done(
    transactional_db,
    live_server,
    django_user_model,
    smtp,  # noqa: F811
):
    django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_superuser=True)
    inspection = _inspection()
    _queue(inspection, 3)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        csp = watch_csp(page)
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/inspections/{inspection.slug}/messages/")
        assert page.locator("#sending").inner_text() == "Sending: 0 of 3 sent, 0 failed"
        assert axe_violations(page) == []

        send_due_messages()  # the worker, meanwhile
        # the poll sees the send finished and reloads the page once: every row sent
        page.locator("#messages .govuk-tag", has_text="Sent").nth(2).wait_for(timeout=20_000)
        assert page.locator("#sending").count() == 0
        assert page.locator("#send-progress[hx-get]").count() == 0
        assert _counts(page.locator("#send-progress").inner_html())["Sent"] == "3"
        assert (csp, csp_violations(page)) == ([], [])
