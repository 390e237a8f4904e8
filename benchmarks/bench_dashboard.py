"""The dashboard under gunicorn on 127.0.0.1, against the smallest Django view on the same server.

A temporary SQLite database gets the Shropshire scenario with day one moved so that today is
day 3 (the busiest dashboard: deadlines, overdue work, progress), its timetable planned and
published (v1) as `make demo` does. Prints the median time of a request to the dashboard and
to /healthz (one client, one request at a time) and their ratio, then requests per second for
both with 20 concurrent clients. Then tests/scale.py copies the inspection x4 (people,
inspectors, rooms, tasks, meetings, documents), the copy is published (v2), and both medians
are measured again on the same server: a dashboard of a fixed number of queries costs about
the same at x4. Bounded: a fixed number of requests and a time limit for each phase; only
127.0.0.1. Requests say they came through the TLS proxy (X-Forwarded-Proto), as production
settings expect (they redirect plain http).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SEQUENTIAL = 60
CONCURRENT_CLIENTS = 20
CONCURRENT_REQUESTS = 400
PHASE_LIMIT_S = 30.0
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))

SESSION_SCRIPT = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from inspections.models import Inspection, Membership, Role
user = get_user_model().objects.create_user("bench", password="bench-only-password-1234")
# a coordinator of the inspection: the dashboard is members-only (anyone else gets 404)
Membership.objects.create(
    inspection=Inspection.objects.get(slug="shropshire-2025"), user=user, role=Role.COORDINATOR
)
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""

# tests/scale.py: the query-count tests' xN copy of an inspection, then the copy published.
SCALE = 4
SCALE_SCRIPT = f"""
import sys
sys.path.insert(0, "tests")
from scale import multiply
from inspections.models import Inspection
from scheduling.releases import publish
inspection = Inspection.objects.get(slug="shropshire-2025")
counts = multiply(inspection, {SCALE})
print(publish(inspection).number, counts["Meeting"], counts["Task"], counts["Person"])
"""
PLAN_SECONDS = "5"
PROXY = {"X-Forwarded-Proto": "https"}


def _day_one_for_today() -> str:
    """A day one that makes today day 3 (or the nearest working day before it)."""
    sys.path.insert(0, str(ROOT))
    from inspections.calendar import add_working_days, is_working_day  # noqa: PLC0415 - after Django is set up for the benchmark

    today = dt.date.today()
    while not is_working_day(today):
        today -= dt.timedelta(days=1)
    return add_working_days(today, -2).isoformat()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Host": HOST, **PROXY})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return elapsed


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz", headers=PROXY)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within the time limit")


def _sequential(port: int, path: str, cookie: str) -> float:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    for _ in range(5):  # warm up
        _get(conn, path, cookie)
    times = []
    stop = time.monotonic() + PHASE_LIMIT_S
    for _ in range(SEQUENTIAL):
        times.append(_get(conn, path, cookie))
        if time.monotonic() > stop:
            break
    conn.close()
    return statistics.median(times)


def _concurrent(port: int, path: str, cookie: str) -> tuple[float, int]:
    stop = time.monotonic() + PHASE_LIMIT_S
    per_client = CONCURRENT_REQUESTS // CONCURRENT_CLIENTS

    def client(_: int) -> int:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        done = 0
        try:
            for _ in range(per_client):
                if time.monotonic() > stop:
                    break
                _get(conn, path, cookie)
                done += 1
        finally:
            conn.close()
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENT_CLIENTS) as pool:
        total = sum(pool.map(client, range(CONCURRENT_CLIENTS)))
    return total / (time.perf_counter() - started), total


def _print_medians(size: str, base: float, dash: float) -> None:
    print(f"{size}  median time   /healthz   {base * 1000:7.2f} ms")
    print(
        f"{size}  median time   dashboard  {dash * 1000:7.2f} ms  ({dash / base:.1f}x the minimal view)"
    )


def run() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": HOST,
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_scenario", "shropshire-2025", "--notification", _day_one_for_today())
        _manage(env, "plan_meetings", "shropshire-2025", "--publish", "--time-limit", PLAN_SECONDS)
        session = _manage(env, "shell", "-c", SESSION_SCRIPT).strip().splitlines()[-1]
        cookie = f"sessionid={session}"
        port = _free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi",
                "-b",
                f"{HOST}:{port}",
                "-w",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        _wait_until_up(port, time.monotonic() + 30)
        dashboard = "/inspections/shropshire-2025/"
        base_median = _sequential(port, "/healthz", cookie)
        dash_median = _sequential(port, dashboard, cookie)
        base_rps, base_n = _concurrent(port, "/healthz", cookie)
        dash_rps, dash_n = _concurrent(port, dashboard, cookie)
        print(f"gunicorn: {WORKERS} sync workers on {HOST}; Shropshire scenario, today = day 3")
        _print_medians("x1", base_median, dash_median)
        print(f"{CONCURRENT_CLIENTS} clients  /healthz   {base_rps:7.1f} req/s ({base_n} requests)")
        print(
            f"{CONCURRENT_CLIENTS} clients  dashboard  {dash_rps:7.1f} req/s ({dash_n} requests)"
            f"  ({dash_rps / base_rps:.2f}x the minimal view)"
        )
        release, meetings, tasks, people = _manage(env, "shell", "-c", SCALE_SCRIPT).split()[-4:]
        print(
            f"x{SCALE}: {meetings} meetings, {tasks} tasks, {people} people, published as v{release}"
        )
        base_big = _sequential(port, "/healthz", cookie)
        dash_big = _sequential(port, dashboard, cookie)
        _print_medians(f"x{SCALE}", base_big, dash_big)
        print(
            f"dashboard / minimal view (medians): x1 {dash_median / base_median:.1f}x,"
            f" x{SCALE} {dash_big / base_big:.1f}x"
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run()
