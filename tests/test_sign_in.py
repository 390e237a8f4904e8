"""Signing in with a password: throttled by username and by address (django-axes), sessions that
end after 8 idle hours and with the browser, password reset only where e-mail is set up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from inspections.calendar import LONDON

PASSWORD = "a-long-test-password"
START = dt.datetime(2025, 6, 18, 9, 0, tzinfo=LONDON)


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting every password it checks."""

    checks = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def axes(settings):
    """django-axes on, as in production (the test settings switch it off for client.login)."""
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checks = 0
    return settings


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("sam", password=PASSWORD)


def sign_in(client, username: str, password: str, address: str = "192.0.2.10", **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_eleventh_attempt_after_ten_wrong_passwords_is_refused_even_when_right(
    axes, user, client
):
    for attempt in range(1, 10):
        response = sign_in(client, "sam", f"wrong-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with its error
    tenth = sign_in(client, "sam", "wrong-10")
    assert tenth.status_code == 429

    eleventh = sign_in(client, "sam", PASSWORD)
    assert eleventh.status_code == 429
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # still sent to the login page


def test_a_locked_username_is_refused_without_checking_its_password(axes, user, client):
    for attempt in range(10):
        sign_in(client, "sam", f"wrong-{attempt}")
    assert CountingHasher.checks == 10
    sign_in(client, "sam", PASSWORD)
    sign_in(client, "sam", PASSWORD, address="198.51.100.7")  # from anywhere else too
    assert CountingHasher.checks == 10


def test_the_lockout_page_says_what_happened_and_when_to_try_again(axes, user, client):
    for attempt in range(10):
        response = sign_in(client, "sam", f"wrong-{attempt}")
    html = response.content.decode()
    assert "Sorry, you have tried to sign in too many times" in html
    assert "After 10 wrong attempts in a row" in html
    assert "You can try again in 30 minutes." in html
    assert 'class="govuk-heading-l"' in html


def test_an_address_is_locked_after_ten_failures_whatever_the_usernames(axes, user, client):
    for n in range(10):
        sign_in(client, f"guess-{n}", "wrong")
    assert sign_in(client, "sam", PASSWORD).status_code == 429
    assert not signed_in(client)
    # the same person from their own desk is not locked: only that address is
    assert sign_in(client, "sam", PASSWORD, address="198.51.100.7").status_code == 302
    assert signed_in(client)


def test_behind_a_proxy_the_address_it_saw_is_throttled_not_one_the_client_wrote(
    axes, user, client
):
    axes.TRUSTED_PROXY_COUNT = 1
    for n in range(10):  # a fresh made-up address in front of each guess
        sign_in(
            client,
            f"guess-{n}",
            "wrong",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.66",
        )
    from_attacker = sign_in(
        client, "sam", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66"
    )
    assert from_attacker.status_code == 429
    # everyone else comes through the same proxy and is not locked out
    colleague = sign_in(
        client, "sam", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.77"
    )
    assert colleague.status_code == 302


def test_a_successful_sign_in_starts_the_count_again(axes, user, client):
    for attempt in range(9):
        sign_in(client, "sam", f"wrong-{attempt}")
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for attempt in range(9):
        sign_in(client, "sam", f"wrong-again-{attempt}")
    assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_the_lock_lifts_after_thirty_minutes(axes, user, client):
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(10):
            sign_in(client, "sam", f"wrong-{attempt}")
        clock.shift(dt.timedelta(minutes=29))
        assert sign_in(client, "sam", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=31))  # 30 minutes after that last refused attempt
        assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_a_session_ends_after_eight_hours_without_a_request(user, client):
    with time_machine.travel(START, tick=False) as clock:
        client.post("/accounts/login/", {"username": "sam", "password": PASSWORD})
        for _ in range(3):  # a working day and more, with a request every 7 hours
            clock.shift(dt.timedelta(hours=7))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_session_cookie_ends_when_the_browser_closes(user, client):
    client.post("/accounts/login/", {"username": "sam", "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


def test_without_email_there_are_no_password_reset_pages(db, client, settings):
    settings.PASSWORD_RESET_ENABLED = False
    assert "Forgotten your password" not in client.get("/accounts/login/").content.decode()
    for path in (
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/accounts/password_reset/", {"email": "a@b.example"}).status_code == 404
    assert mail.outbox == []


def test_with_email_a_forgotten_password_is_reset_through_the_emailed_link(
    db, client, settings, django_user_model
):
    settings.PASSWORD_RESET_ENABLED = True
    django_user_model.objects.create_user("sam", email="sam@council.example", password=PASSWORD)
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login

    wrong = client.post("/accounts/password_reset/", {"email": "not an address"})
    assert "There is a problem" in wrong.content.decode()
    sent = client.post("/accounts/password_reset/", {"email": "sam@council.example"}, follow=True)
    assert "Check your email" in sent.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@council.example"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    new = "a-brand-new-long-password"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password has been changed" in done.content.decode()
    assert client.login(username="sam", password=new)
