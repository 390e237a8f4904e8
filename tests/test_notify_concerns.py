"""A concern about a child, logged on the desk, is e-mailed at once to those who may see
concerns (the coordinator and the senior leaders), whatever they chose to receive, through a
real SMTP server; to nobody else; by child ID, never with what the inspector wrote."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_q.models import Task as QTask
from smtp_server import mail_env, text_of
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture
from test_worker_real import Worker, _poll, broker  # noqa: F401 - the broker fixture

from desk.services.concerns import log_concern
from inspections.models import Inspection, PersonKind, PersonRole
from notify.models import Choice, Message, MessageKind, MessageStatus, Preference

WORRY = "The plan has not been reviewed since the child moved placement."


def must_see(inspection: Inspection) -> list[str]:
    """The addresses of the senior leaders and the project team's coordinators."""
    people = inspection.people.exclude(email="")
    leaders = people.filter(kind=PersonKind.SENIOR_LEADER)
    coordinators = people.filter(kind=PersonKind.PROJECT_TEAM, role=PersonRole.COORDINATOR)
    return sorted({p.email for p in (*leaders, *coordinators)})


def test_a_logged_concern_reaches_exactly_those_who_see_concerns(
    scenario,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    leader = scenario.people.filter(kind=PersonKind.SENIOR_LEADER).order_by("ref").first()
    Preference.objects.create(person=leader, choice=Choice.NOTHING)
    inspector = scenario.inspectors.order_by("ref").first()

    with django_capture_on_commit_callbacks(execute=True):
        concern = log_concern(scenario, child_id="C204411", text=WORRY, raised_by=inspector)

    expected = must_see(scenario)
    assert len(expected) >= 3
    assert sorted(m["To"] for m in smtp.received) == expected  # one each, the leader included
    mail = next(m for m in smtp.received if m["To"] == leader.email)
    assert mail["Subject"] == f"{scenario.title}: concern {concern.label} about child C204411"
    body = text_of(mail)
    assert f"Concern {concern.label} about child ID C204411 was raised by " in body
    assert inspector.full_name in body
    assert WORRY not in body
    rows = Message.objects.filter(kind=MessageKind.ALERT)
    assert sorted(rows.values_list("status", flat=True)) == [MessageStatus.SENT] * len(expected)


def test_a_real_worker_sends_the_concern_alerts(broker, smtp, tmp_path):  # noqa: F811
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    inspection = Inspection.objects.get(slug="shropshire-2025")
    log_concern(inspection, child_id="C204412", text=WORRY)  # committed: the job is queued
    worker = Worker(broker, tmp_path, tmp_path / "qcluster.log")
    try:
        worker.start(extra=mail_env(smtp.port))
        done = QTask.objects.filter(func="notify.tasks.send_concern_alerts")
        _poll(lambda: done.count(), bool, worker)
    finally:
        worker.stop()

    [run] = done
    expected = must_see(inspection)
    assert (run.success, run.result) == (True, f"{len(expected)} sent")
    assert sorted(m["To"] for m in smtp.received) == expected
