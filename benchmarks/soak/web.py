"""One signed-in browser (a requests.Session) and the record of every request the soak sends.

Each request is recorded with its kind, a URL pattern (never a secret), status and times on
the soak's clock, so the report can split latency by kind and tell errors inside the outage
window from those outside it. Only 127.0.0.1 is ever addressed.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TITLE = re.compile(r"<title>\s*([^<]{0,120})")
CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 45  # above gunicorn's 30 s worker timeout: a killed worker shows as an error
LOGIN_PATH = "/accounts/login/"


@dataclass(frozen=True)
class Record:
    kind: str  # login, page, task, check, move, race, publish, feed, plan
    method: str
    pattern: str  # "/inspections/{slug}/meetings/{pk}/edit/": groups errors without secrets
    status: int  # 0: no answer (connection refused, reset, timeout)
    started: float  # seconds on the soak clock
    ended: float
    expected: bool  # a status this request may answer (a refused clash is 400 by design)
    error: str = ""  # why no answer came, or the page title of an unexpected one
    who: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def server_error(self) -> bool:
        return self.status == 0 or self.status >= 500


class Recorder:
    """Every request of every browser, on one clock (time.monotonic from the soak's start)."""

    def __init__(self) -> None:
        self.origin = time.monotonic()
        self._lock = threading.Lock()
        self.records: list[Record] = []

    def now(self) -> float:
        return time.monotonic() - self.origin

    def add(self, record: Record) -> None:
        with self._lock:
            self.records.append(record)

    def snapshot(self) -> list[Record]:
        with self._lock:
            return list(self.records)


class Browser:
    """A user's browser behind the TLS proxy the README asks for: every request carries
    X-Forwarded-Proto: https, and form posts carry the Origin a browser would send."""

    def __init__(self, base: str, recorder: Recorder, name: str) -> None:
        self.base = base.rstrip("/")
        self.origin = "https://" + urlsplit(self.base).netloc
        self.recorder = recorder
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https", "User-Agent": f"soak/{name}"})
        self.name = name
        self.csrf = ""
        self.signed_in = False

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        pattern: str | None = None,
        data: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        expect: Collection[int] = (200,),
    ) -> requests.Response | None:
        """One request, recorded; None when no answer came (the record says why)."""
        sent = dict(headers or {})
        if method == "POST":
            sent.setdefault("Origin", self.origin)
            sent.setdefault("X-CSRFToken", self.csrf)
        started = self.recorder.now()
        try:
            response = self.session.request(
                method,
                self.base + path,
                data=data,
                headers=sent,
                allow_redirects=False,
                timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
            )
        except requests.RequestException as exc:
            self.recorder.add(
                Record(
                    kind,
                    method,
                    pattern or path,
                    0,
                    started,
                    self.recorder.now(),
                    False,
                    type(exc).__name__,
                    self.name,
                )
            )
            return None
        ended = self.recorder.now()
        if response.status_code == 302 and LOGIN_PATH in response.headers.get("Location", ""):
            self.signed_in = False  # the session is gone: the caller signs in again
        expected = response.status_code in expect
        title = TITLE.search(response.text) if not expected else None
        self.recorder.add(
            Record(
                kind,
                method,
                pattern or path,
                response.status_code,
                started,
                ended,
                expected,
                title.group(1).strip() if title else "",
                self.name,
            )
        )
        if "text/html" in response.headers.get("Content-Type", ""):
            found = CSRF_FIELD.search(response.text)
            if found:
                self.csrf = found.group(1)
        return response

    def get(
        self, path: str, *, kind: str = "page", pattern: str | None = None, **kw: Any
    ) -> requests.Response | None:
        return self.request(kind, "GET", path, pattern=pattern, **kw)

    def post(
        self,
        path: str,
        data: Mapping[str, Any] | Sequence[tuple[str, str]],
        *,
        kind: str,
        pattern: str | None = None,
        **kw: Any,
    ) -> requests.Response | None:
        if isinstance(data, Mapping):
            fields: list[tuple[str, str]] = [
                (k, str(x))
                for k, v in data.items()
                for x in (v if isinstance(v, list | tuple) else [v])
            ]
        else:
            fields = list(data)
        fields.append(("csrfmiddlewaretoken", self.csrf))
        return self.request(kind, "POST", path, pattern=pattern, data=fields, **kw)

    def resume(self, session_key: str) -> None:
        """Come back with the session cookie of an earlier sign-in."""
        host = urlsplit(self.base).hostname or ""
        self.session.cookies.set("sessionid", session_key, domain=host, path="/")
        self.signed_in = True

    def sign_in(self, username: str, password: str) -> bool:
        page = self.get(LOGIN_PATH, kind="login")
        if page is None or page.status_code != 200:
            return False
        answer = self.post(
            LOGIN_PATH,
            {"username": username, "password": password},
            kind="login",
            expect=(302,),
        )
        self.signed_in = answer is not None and answer.status_code == 302
        if self.signed_in:
            # signing in rotates the CSRF secret: take a token from a page drawn after it
            self.get("/", pattern="/")
        return self.signed_in
