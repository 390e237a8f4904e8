"""The final feedback's invitations go out on day 1-2, not days before it: the Chief
Executive, the Leader and the DfE adviser need the date while their diaries can still be
cleared (issue 13, point 3; report 7.89)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from inspections.models import Task
from inspections.services.inspections import create_inspection
from inspections.workflow import load_template

WORKFLOWS = Path(__file__).resolve().parent.parent / "seeds" / "workflows"
KEY = "final-feedback-invites"


def _tasks(name: str) -> dict:
    return {t.key: t for t in load_template(WORKFLOWS / f"{name}.toml").tasks}


def test_the_ilacs_templates_are_the_ones_that_invite_to_final_feedback():
    # the visits' feedback is with the DCS at the end of fieldwork: no invitations to send
    have = sorted(p.stem for p in WORKFLOWS.glob("*.toml") if KEY in _tasks(p.stem))
    assert have == ["ilacs-short", "ilacs-standard"]


@pytest.mark.parametrize("name", ["ilacs-standard", "ilacs-short"])
def test_final_feedback_invitations_are_due_by_day_two(name):
    tasks = _tasks(name)
    invites = tasks[KEY]
    assert (invites.day, invites.phase, invites.depends_on) == (
        2,
        "week1",
        ("notification-logged",),
    )
    assert tasks["final-feedback"].depends_on == (KEY,)


def test_an_inspection_sends_them_on_the_tuesday_of_week_one(db):
    create_inspection(
        slug="shropshire-2025",
        title="Shropshire ILACS 2025",
        local_authority="Shropshire",
        inspection_type="ilacs_standard",
        day_one=dt.date(2025, 6, 16),
    )
    invites = Task.objects.get(key=KEY)
    assert (invites.due_day, invites.due_at.date()) == (2, dt.date(2025, 6, 17))
