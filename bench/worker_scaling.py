"""Worker scaling: generate-all for 40 shots with the offline providers, on 2 worker processes
against 1 (performance.md: ≤ 0.6). Shots are independent tasks, so the queue must not serialize
them.

Real Celery workers (separate processes, one task at a time each) on Redis, against the bench
database; each round uses a fresh project and a queue of its own.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from accounts.models import User
from bench.fixtures import (
    bench_env,
    bench_user,
    project_of_image_shots,
    start_workers,
    stop,
)
from billing.services import credits_grant
from projects.services import shots_generate
from vidflow.celery import app

SHOTS = 40
SHOT_SECONDS = 3.0
ROOT = Path(__file__).resolve().parent.parent


def _round(user: User, workers: int, media: Path) -> float:
    queue = f"bench-scaling-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    env = bench_env(MEDIA_ROOT=str(media), VIDFLOW_WORK_DIR=str(media.parent / "work"))
    processes = start_workers(workers, queue, env)
    try:
        time.sleep(8)  # let the workers start and connect before the clock starts
        project = project_of_image_shots(user, "Scaling", shots=SHOTS, seconds=SHOT_SECONDS)
        started = time.perf_counter()
        run = shots_generate(project_id=project.pk, actor=user)
        while True:
            run.refresh_from_db()
            if not run.is_active:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        assert run.status == "succeeded", run.error
        return elapsed
    finally:
        stop(processes)


def run() -> Iterator[str]:
    user = bench_user("scaling")
    credits_grant(user=user, amount=1000, reason="bench")
    with tempfile.TemporaryDirectory() as tmp:
        media = Path(tmp) / "media"
        one = _round(user, 1, media)
        two = _round(user, 2, media)
    yield (
        f"worker scaling: generate-all of {SHOTS} shots ({SHOT_SECONDS:.0f} s each, offline): "
        f"1 worker {one:.1f} s, 2 workers {two:.1f} s = {two / one:.2f} (goal <= 0.6)"
    )
