"""Production settings (DEBUG off): `check --deploy` finds nothing to warn about, and the app
speaks HTTPS only, with HSTS and secure cookies. Each runs in a fresh process with the
environment production would have, not the test settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "planner.example.gov.uk"


def production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "SECURE_", "OIDC_", "ALLOWED_"))
    }
    production_env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**keep, **production_env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr and "?: (" not in result.stderr


def test_a_proxy_that_redirects_to_https_itself_may_switch_the_redirect_off():
    result = production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_with_oidc_set_up_the_settings_still_pass_check_deploy():
    result = production(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OIDC_RP_CLIENT_ID="ilacs-planner",
        OIDC_RP_CLIENT_SECRET="secret",
        OIDC_OP_DISCOVERY="https://login.example/tenant/v2.0/.well-known/openid-configuration",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_oidc_half_set_up_refuses_to_start_and_says_what_is_missing():
    result = production("manage.py", "check", OIDC_RP_CLIENT_ID="ilacs-planner")
    assert result.returncode != 0
    assert "OIDC_RP_CLIENT_SECRET and either OIDC_OP_DISCOVERY" in result.stderr


def test_production_sends_http_to_https_and_answers_https_with_hsts_and_secure_cookies():
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.test import Client
        c = Client(HTTP_HOST="{HOST}")
        plain = c.get("/accounts/login/")
        print("plain", plain.status_code, plain["Location"])
        # behind the proxy: it terminates TLS and says so in X-Forwarded-Proto
        tls = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
        print("hsts", tls["Strict-Transport-Security"])
        print("csrf-cookie", "secure" if tls.cookies["csrftoken"]["secure"] else "plain")
        print("frame", tls["X-Frame-Options"], tls["Referrer-Policy"])
        """
    )
    result = production("-c", script)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"plain 301 https://{HOST}/accounts/login/" in lines
    assert "hsts max-age=31536000; includeSubDomains; preload" in lines
    assert "csrf-cookie secure" in lines
    assert "frame DENY same-origin" in lines
