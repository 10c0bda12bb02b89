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

from bench.fixtures import bench_env, bench_user, start_workers, stop
from billing.services import credits_grant
from projects.models import Chapter, Project, Shot, ShotKind, Stage, Voiceover
from projects.services import project_advance, shots_generate
from vidflow.celery import app

SHOTS = 40
SHOT_SECONDS = 3.0
ROOT = Path(__file__).resolve().parent.parent


def _project(user: object) -> Project:
    project = Project.objects.create(owner=user, title="scaling", selected_title="Scaling")  # type: ignore[misc]
    Chapter.objects.create(project=project, position=0, title="All", narration="Words here.")
    Voiceover.objects.create(
        project=project, voice_id="bench", duration=SHOTS * SHOT_SECONDS,
        words=[{"word": "Words", "start": 0.0, "end": 0.5}],
    )  # fmt: skip
    project_advance(project_id=project.pk, to=Stage.PRODUCTION)
    Shot.objects.bulk_create(
        Shot(
            project=project, position=i, kind=ShotKind.IMAGE, prompt=f"a lighthouse, view {i}",
            start=i * SHOT_SECONDS, end=(i + 1) * SHOT_SECONDS,
        )
        for i in range(SHOTS)
    )  # fmt: skip
    return project


def _round(user: object, workers: int, media: Path) -> float:
    queue = f"bench-scaling-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    env = bench_env(MEDIA_ROOT=str(media), VIDFLOW_WORK_DIR=str(media.parent / "work"))
    processes = start_workers(workers, queue, env)
    try:
        time.sleep(8)  # let the workers start and connect before the clock starts
        project = _project(user)
        started = time.perf_counter()
        run = shots_generate(project_id=project.pk, actor=user)  # type: ignore[arg-type]
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
