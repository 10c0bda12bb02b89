"""Helpers for tests that hit a live server from real threads (concurrency, faults)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent


def session_cookies(user: User) -> dict[str, str]:
    """The cookies a browser signed in as ``user`` sends (session and CSRF)."""
    browser = Client()
    browser.force_login(user)
    browser.get("/accounts/login/")
    return {
        settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value,
        "csrftoken": browser.cookies["csrftoken"].value,
    }


def http_for(live_server: Any, user: User, **kwargs: Any) -> httpx.Client:
    """An HTTP client signed in as ``user`` by its session, sending the CSRF header on writes."""
    cookies = session_cookies(user)
    return httpx.Client(
        base_url=live_server.url,
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"], "Referer": live_server.url + "/"},
        timeout=kwargs.pop("timeout", 60),
        **kwargs,
    )


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads started together; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # reported to the test, which asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


class Gunicorn:
    """The production web server (gunicorn) in a subprocess, on the test database: for faults a
    thread cannot show (a web process killed mid-request)."""

    def __init__(self, port: int, env: dict[str, str], threads: int = 4) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "vidflow.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--threads", str(threads),
             "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited early")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_workers(self) -> None:
        """SIGKILL the processes serving requests, as the OOM killer would; the master starts a
        new one."""
        killed = self.workers()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if set(self.workers()) - set(killed):
                break
            time.sleep(0.1)
        self.wait_ready()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(**overrides: str) -> dict[str, str]:
    """The environment of a server process on this session's test database."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{host}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }
