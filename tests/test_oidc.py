"""Sign-in through the council's identity provider (OpenID Connect), end to end against a real
provider: tests/oidc_provider.py in a second process on 127.0.0.1. The planner redirects the
browser there, the provider approves its one test user and sends a code back, and the planner
exchanges the code, checks the RS256 id token against the provider's keys and reads the user's
claims, all over real HTTP."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from off_site import IDS, OFF_SITE, destination

from inspections.models import Inspection, Membership, Role
from inspections.services.inspections import create_inspection

PROVIDER = Path(__file__).with_name("oidc_provider.py")
CLIENT_ID, CLIENT_SECRET = "ilacs-planner", "a-client-secret-for-the-tests"
EMAIL = "Sam.Jones@council.example"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's issuer URL, http://127.0.0.1:<free port>."""
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER), "--client-id", CLIENT_ID]
        + ["--client-secret", CLIENT_SECRET, "--email", EMAIL, "--sub", "user-0001"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening "), f"the provider did not start: {line!r}"
        yield line.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture(params=["discovery", "endpoints"])
def oidc(request, settings, provider) -> str:
    """OIDC switched on as the environment would (config/settings.py), through the provider's
    discovery document or with each endpoint named."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Shropshire Council account"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "config.oidc.OIDCBackend",
    ]
    if request.param == "discovery":
        settings.OIDC_OP_DISCOVERY = f"{provider}/.well-known/openid-configuration"
    else:
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    return provider


def sign_in_through_provider(client: Client, provider: str, query: dict[str, str] | None = None):
    """Press "Sign in with ...", let the provider approve, come back with the code."""
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/oidc/authenticate/"' in login
    start = client.get("/oidc/authenticate/", query or {})
    assert start.status_code == 302 and start["Location"].startswith(f"{provider}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/oidc/callback/" and "code" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client: Client):
    return get_user_model()._default_manager.get(pk=client.session["_auth_user_id"])


def test_the_login_page_offers_the_councils_provider_only_when_it_is_set_up(db, client, settings):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_PROVIDER_NAME = "Shropshire Council account"
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with Shropshire Council account" in html


def test_a_first_sign_in_creates_an_account_that_sees_nothing_until_a_role_is_granted(
    db, client, oidc
):
    inspection = create_inspection(
        slug="shropshire-2025",
        title="Shropshire 2025",
        local_authority="Shropshire Council",
        inspection_type="ilacs_standard",
        day_one=dt.date(2025, 6, 16),
    )
    response = sign_in_through_provider(client, oidc)
    assert response.status_code == 302 and response["Location"] == "/"

    user = signed_in_user(client)
    assert (user.username, user.email) == ("sam.jones@council.example", EMAIL)
    assert (user.first_name, user.last_name) == ("Sam", "Jones")
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    home = client.get("/").content.decode()
    assert "Shropshire 2025" not in home
    assert client.get(f"/inspections/{inspection.slug}/").status_code == 404

    call_command("grant", user.username, inspection.slug, "viewer", stdout=io.StringIO())
    assert Membership.objects.get(user=user, inspection=inspection).role == Role.VIEWER
    assert "Shropshire 2025" in client.get("/").content.decode()
    assert client.get(f"/inspections/{inspection.slug}/").status_code == 200


def test_a_second_sign_in_finds_the_same_account(db, oidc):
    first, second = Client(), Client()
    sign_in_through_provider(first, oidc)
    sign_in_through_provider(second, oidc)
    assert signed_in_user(first) == signed_in_user(second)
    assert get_user_model()._default_manager.filter(email__iexact=EMAIL).count() == 1


def test_the_provider_never_signs_anyone_in_as_a_superuser(db, client, oidc):
    admin = get_user_model()._default_manager.create_superuser(
        "sam.jones@council.example", email=EMAIL, password="a-long-admin-password"
    )
    sign_in_through_provider(client, oidc)
    user = signed_in_user(client)
    assert user != admin and not user.is_superuser
    assert not Inspection.objects.filter(memberships__user=user).exists()


def test_a_callback_this_browser_did_not_start_signs_nobody_in_and_says_so(db, client, oidc):
    start = client.get("/oidc/authenticate/")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])

    # The code and state reach another browser (a leaked link): it started no sign-in.
    other = Client()
    response = other.get(f"{back.path}?{back.query}", follow=True)
    assert "_auth_user_id" not in other.session
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "Signing in with Shropshire Council account did not work" in response.content.decode()


@pytest.mark.parametrize("target", [*OFF_SITE, "/inspections/?from=next"], ids=[*IDS, "on-site"])
def test_after_signing_in_through_the_provider_next_never_leads_off_site(db, client, oidc, target):
    response = sign_in_through_provider(client, oidc, {"next": target})
    assert "_auth_user_id" in client.session
    assert destination(response["Location"]) == ("http", "testserver")
    assert response["Location"] == (target if target.startswith("/inspections/") else "/")
