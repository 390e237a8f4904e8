"""The machinery around the soak: its PostgreSQL cluster and database, Redis, the servers.

By default the soak runs on a PostgreSQL cluster of its own ("soak", port 5439, made with
Debian's pg_createcluster on first use): restarting the cluster that everyone else's tests use
would break their runs. SOAK_PG_CLUSTER=main SOAK_PG_PORT=5432 restarts the main one instead.
Every process started here is in a process group of its own, ended by its id.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import redis

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def pg_version() -> str:
    """The installed PostgreSQL major version (the one directory under /etc/postgresql)."""
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").iterdir() if p.name.isdigit()), key=int
    )
    if not versions:
        raise RuntimeError("No PostgreSQL cluster under /etc/postgresql")
    return versions[-1]


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=timeout)


def ensure_cluster(version: str, cluster: str, port: int) -> None:
    """The cluster exists, listens on 127.0.0.1:port with trust auth, and is running."""
    if not (Path("/etc/postgresql") / version / cluster).is_dir():
        _run(
            [
                "pg_createcluster",
                version,
                cluster,
                "-p",
                str(port),
                "--start",
                "--",
                "--auth=trust",
            ],
            timeout=300,
        )
    status = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "status"],
        capture_output=True,
        text=True,
    )
    if status.returncode != 0:
        _run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"])


def restart_cluster(version: str, cluster: str) -> None:
    _run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"])


def recreate_database(port: int, name: str) -> None:
    base = ["psql", "-h", HOST, "-p", str(port), "-U", "postgres", "-d", "postgres", "-qc"]
    _run([*base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
    _run([*base, f"CREATE DATABASE {name}"])


def flush_redis(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], log: IO[str], *args: str, timeout: float = 300) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    log.write(
        f"$ manage.py {' '.join(args)} ({time.monotonic() - started:.1f} s)\n"
        f"{done.stdout}{done.stderr}\n"
    )
    log.flush()
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


class Processes:
    """The servers this soak started; stop() ends each by its process group id."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        with log.open("ab") as out:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((name, proc))

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each server and the processes of its group (Linux /proc)."""
        groups = {proc.pid: name for name, proc in self.started}
        used = dict.fromkeys(groups.values(), 0.0)
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            group = int(fields[2])  # pgrp; utime, stime, cutime, cstime follow at 11..14
            if group in groups:
                used[groups[group]] += sum(int(f) for f in fields[11:15]) / tick
        return used

    def alive(self) -> list[str]:
        return [name for name, proc in self.started if proc.poll() is None]

    def stop(self, grace: float = 15.0) -> None:
        for _, proc in self.started:
            if proc.poll() is None:
                _signal(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _, proc in self.started:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        for _, proc in self.started:  # workers a killed parent left behind, same group
            _signal(proc, signal.SIGKILL)
        self.started.clear()


def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)  # the group this soak created for the process


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {HOST}:{port} within {seconds:.0f} s")
