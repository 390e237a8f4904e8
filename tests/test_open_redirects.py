"""Every `next` the site honours (signing in and out, ticking a task without JavaScript,
choosing and un-choosing a deep dive, the admin's sign-in) leads to a page on this site, never
to one elsewhere: an off-site `next` gets the page's usual destination instead, a path on the
site is followed. Signing in through the identity provider has the same test in test_oidc.py."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from off_site import IDS, OFF_SITE, destination

from evidence.models import Audit, DeepDive
from evidence.services.deep_dives import choose_audit
from inspections.models import Inspection, Task
from inspections.services.inspections import create_inspection

PASSWORD = "a-long-test-password"
ON_SITE = "/inspections/?from=next"
off_site = pytest.mark.parametrize("target", [*OFF_SITE, ON_SITE], ids=[*IDS, "on-site"])


def _query(target: str) -> str:
    return urlencode({"next": target})


def _lands(response, target: str, usual: str) -> None:
    """The redirect stays on this site; a safe `next` is followed, any other gives the page's
    usual destination."""
    location = response["Location"]
    assert destination(location) == ("http", "testserver"), location
    if target == ON_SITE:
        assert location == target
    elif "\t" in target or "\n" in target:
        # Django writes a tab or line break in Location percent-encoded ("/%09/evil.example"):
        # a path on this site, which the task form lets through and the others refuse.
        assert location in (usual, target.replace("\t", "%09").replace("\n", "%0A"))
    else:
        assert location == usual


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("sam", password=PASSWORD, is_staff=True)


@pytest.fixture
def inspection(db) -> Inspection:
    return create_inspection(
        slug="test-la",
        title="Test",
        local_authority="Test LA",
        inspection_type="ilacs_standard",
        day_one=dt.date(2025, 6, 16),
    )


@off_site
def test_signing_in_with_a_password(user, client, target):
    response = client.post(
        "/accounts/login/", {"username": "sam", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    _lands(response, target, "/")


@off_site
def test_signing_in_from_a_link_that_carries_next(user, client, target):
    # the form and the identity-provider button pass on only a next that is safe
    html = client.get("/accounts/login/", {"next": target}).content.decode()
    assert "evil.example" not in html and "javascript:" not in html
    response = client.post(
        f"/accounts/login/?{_query(target)}", {"username": "sam", "password": PASSWORD}
    )
    _lands(response, target, "/")


@off_site
def test_signing_in_to_the_admin(db, django_user_model, client, target):
    django_user_model.objects.create_superuser("admin", password=PASSWORD)
    response = client.post(
        f"/admin/login/?{_query(target)}", {"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302
    _lands(response, target, "/")


@off_site
def test_signing_out(user, client, target):
    client.force_login(user)
    response = client.post("/accounts/logout/", {"next": target})
    _lands(response, target, "/accounts/login/")
    assert "_auth_user_id" not in client.session


@off_site
def test_ticking_a_task_without_javascript(inspection, staff_client, target):
    task = Task.objects.filter(inspection=inspection).order_by("pk").first()
    url = reverse("planner:task-status", args=[inspection.slug, task.pk])
    response = staff_client.post(url, {"status": "done", "next": target})
    assert response.status_code == 302
    _lands(response, target, f"/inspections/{inspection.slug}/days/{task.due_day}/")


def _audit(inspection: Inspection) -> Audit:
    return Audit.objects.create(
        inspection=inspection,
        ref="c100001-2025-03-03-cca",
        child_id="C100001",
        audit_date=dt.date(2025, 3, 3),
        audit_type="Collaborative case audit",
        judgement="good",
    )


@off_site
def test_choosing_a_deep_dive(inspection, staff_client, target):
    audit = _audit(inspection)
    response = staff_client.post(
        f"/inspections/{inspection.slug}/audits/{audit.pk}/choose/",
        {"plan_type": "care", "next": target},
    )
    assert DeepDive.objects.filter(audit=audit).exists()
    _lands(response, target, f"/inspections/{inspection.slug}/audits/#audit-{audit.pk}")


@off_site
def test_unchoosing_a_deep_dive(inspection, staff_client, target):
    audit = _audit(inspection)
    deep_dive = choose_audit(inspection, audit, "care")
    response = staff_client.post(
        f"/inspections/{inspection.slug}/deep-dives/{deep_dive.pk}/unchoose/", {"next": target}
    )
    assert not DeepDive.objects.filter(audit=audit).exists()
    _lands(response, target, f"/inspections/{inspection.slug}/audits/#audit-{audit.pk}")
