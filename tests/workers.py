"""Real Celery workers for tests: separate processes on Redis, on the test database.

Tests that use them are transactional (``django_db(transaction=True)``) so the worker sees
committed rows. Each worker configuration (provider choices, callback address) is started once
per test session and reused. Each configuration consumes a queue of its own, private to this
session: nothing left in Redis by an earlier run can reach them, and a worker started for one
test (offline providers, say) never takes the tasks a later test meant for another (vendors).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from vidflow.celery import app as celery_app
from vidflow.workloads import all_queues

ROOT = Path(__file__).resolve().parent.parent
QUEUE = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, env: dict[str, str], log: Path, *, beat: bool = False) -> None:
        self.env = dict(env)
        env = dict(env)
        self.queue = env["CELERY_QUEUE"]
        self.log_path = log
        self._log = log.open("wb")
        # With beat, the periodic tasks (the reaper among them) run inside this worker, at the
        # intervals the settings give, and are sent to its queue.
        periodic = ["--beat", "--schedule", str(log.parent / "celerybeat-schedule")] if beat else []
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "vidflow", "worker",
                "-Q", ",".join(all_queues(self.queue)),
                "--pool", "prefork", "--concurrency", env.pop("CONCURRENCY", "2"),
                "--without-mingle", "--without-gossip", "--loglevel", "INFO", *periodic,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return (
            f"(log: {self.log_path})\n"
            + self.log_path.read_bytes().decode(errors="replace")[-8000:]
        )

    def pool_children(self) -> list[int]:
        """The prefork pool's processes (the ones that run tasks)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_pool_children(self) -> list[int]:
        """SIGKILL every pool process, as the OOM killer would; the parent starts new ones and
        the tasks they held are requeued (acks_late + reject_on_worker_lost)."""
        killed = self.pool_children()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        return killed

    def kill(self) -> None:
        """SIGKILL the whole worker, its main process and pool at once, as a lost machine would:
        nothing acknowledges or requeues the tasks it held."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def another(self, log: Path, *, beat: bool = False) -> Worker:
        """A second worker with this one's settings, on its queue; the caller stops it."""
        return Worker(self.env, log, beat=beat)

    def signal_stop(self) -> None:
        """Ask the worker to shut down (warm: it finishes what it holds), without waiting."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        self.signal_stop()
        if self.process.returncode is None:
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def _database_url(db: dict[str, Any]) -> str:
    """The URL of the test database this session created (the worker must use the same)."""
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def shared_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Artifacts directory shared by the test process, the live server and the workers."""
    return tmp_path_factory.mktemp("shared-media")


@pytest.fixture(scope="session")
def _worker_registry(
    django_db_setup: Any, shared_media: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[tuple[tuple[str, str], ...], Worker]]:
    workers: dict[tuple[tuple[str, str], ...], Worker] = {}
    yield workers
    for worker in workers.values():  # all at once: each warm shutdown takes a second or two
        worker.signal_stop()
    for worker in workers.values():
        worker.stop()


@pytest.fixture
def start_worker(
    _worker_registry: dict[tuple[tuple[str, str], ...], Worker],
    shared_media: Path,
    settings: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Worker]]:
    """``start_worker(PROVIDER_IMAGE="kie", ...)``: a worker with these settings (reused across
    tests with the same ones); the test's tasks go to its queue from then on. The calling test's
    media root becomes the shared one."""
    settings.MEDIA_ROOT = str(shared_media)
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = QUEUE

    def start(**overrides: str) -> Worker:
        key = tuple(sorted(overrides.items()))
        queue = f"{QUEUE}-{hashlib.sha256(repr(key).encode()).hexdigest()[:8]}"
        celery_app.conf.task_default_queue = queue
        worker = _worker_registry.get(key)
        if worker is not None and worker.process.poll() is None:
            return worker
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(db),
            "MEDIA_ROOT": str(shared_media),
            "VIDFLOW_WORK_DIR": str(shared_media.parent / "work"),
            "SECRET_KEY": settings.SECRET_KEY,
            "PYTHONUNBUFFERED": "1",
            **overrides,
            "CELERY_QUEUE": queue,
        }
        log = tmp_path_factory.mktemp("worker") / "worker.log"
        worker = Worker(env, log)
        _worker_registry[key] = worker
        return worker

    yield start
    celery_app.conf.task_default_queue = previous_queue


def wait_for(predicate: Callable[[], Any], *, timeout: float = 60, message: str = "") -> Any:
    """Poll until ``predicate()`` is truthy; fail the test with ``message`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s: {message}")
