"""The content security policy: every page says which scripts and styles may run, and no
template has script the policy would block (in a browser: tests/test_ui_browser_csp.py)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))


def directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {name: values for name, *values in parts}


def test_pages_send_a_policy_with_no_inline_or_evaluated_script(staff_client):
    for path in ("/accounts/login/", "/"):
        policy = directives(staff_client.get(path)["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["default-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]  # no <style> blocks, no outside stylesheets
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in TEMPLATES:
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                found.append(f"{template.name}: {match.group(0)}")
        for match in re.finditer(r"\s(on[a-z]+|hx-on[:\w-]*)=", text):
            found.append(f"{template.name}: {match.group(0).strip()}")
        if "javascript:" in text:
            found.append(f"{template.name}: javascript: URL")
    assert found == []
