"""Fair sharing: user B's voiceover while user A's 40-shot generate-all holds the workers.

Two Celery workers of one process each, on Redis, every queue (the deployment of
worker_scaling.py). First B's voiceover alone on the idle workers; then A's generate-all of 40
shots, and once A's shots are under way, B's voiceover again. The figure is B's time beside A
over B's time alone (goal <= 2: VIDFLOW_USER_SLOTS=1 leaves B a worker), and the same with no
cap (VIDFLOW_USER_SLOTS=0), where B waits behind A's queued shots.
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
from projects.models import Chapter, Project, Run, Shot
from projects.services import shots_generate
from projects.stages.voiceover.services import voiceover_generate
from vidflow.celery import app

SHOTS = 40
SHOT_SECONDS = 3.0
WORKERS = 2
NARRATION = (
    "The lighthouse keeper climbed the stairs each night. She lit the lamp and watched the sea. "
    "Ships passed safely in the dark, and nobody knew her name."
)


def _voice_project(user: User) -> Project:
    project = Project.objects.create(owner=user, title="a voice", selected_title="Voice")
    Chapter.objects.create(project=project, position=0, title="Night", narration=NARRATION)
    return project


def _wait(run: Run, timeout: float = 1800) -> Run:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            if run.status != "succeeded":
                raise RuntimeError(f"run {run.kind} ended {run.status}: {run.error}")
            return run
        time.sleep(0.2)
    raise RuntimeError(f"run {run.kind} did not end in {timeout:.0f} s")


def _voiceover(user: User) -> float:
    project = _voice_project(user)
    started = time.perf_counter()
    _wait(voiceover_generate(project_id=project.pk, actor=user))
    return time.perf_counter() - started


def _round(slots: int, a: User, b: User, tmp: Path) -> tuple[float, float, int]:
    """B alone, then B beside A's generate-all: (alone s, beside A s, A's shots done when B
    finished)."""
    queue = f"bench-fair-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    env = bench_env(
        MEDIA_ROOT=str(tmp / "media"),
        VIDFLOW_WORK_DIR=str(tmp / "work"),
        VIDFLOW_USER_SLOTS=str(slots),
    )
    processes = start_workers(WORKERS, queue, env)
    try:
        time.sleep(8)  # let the workers start and connect before the clock starts
        _voiceover(b)  # warm both workers' voice models: the figure is about waiting
        _voiceover(b)
        alone = _voiceover(b)
        many = shots_generate(
            project_id=project_of_image_shots(a, "Many", shots=SHOTS, seconds=SHOT_SECONDS).pk,
            actor=a,
        )
        deadline = time.monotonic() + 300
        while Shot.objects.filter(run=many, state="ready").count() < 2:  # A holds the workers
            if time.monotonic() > deadline:
                raise RuntimeError("A's shots did not start")
            time.sleep(0.2)
        beside = _voiceover(b)
        done = Shot.objects.filter(run=many, state="ready").count()
        _wait(many)
        return alone, beside, done
    finally:
        stop(processes)


def run() -> Iterator[str]:
    a, b = bench_user("fair-a"), bench_user("fair-b")
    credits_grant(user=a, amount=1000, reason="bench")
    credits_grant(user=b, amount=1000, reason="bench")
    with tempfile.TemporaryDirectory() as tmp:
        capped = _round(1, a, b, Path(tmp) / "capped")
        uncapped = _round(0, a, b, Path(tmp) / "uncapped")
    for label, (alone, beside, done) in (
        ("VIDFLOW_USER_SLOTS=1", capped),
        ("no cap", uncapped),
    ):
        yield (
            f"fair sharing ({label}): B's voiceover while A's {SHOTS}-shot generate-all runs on "
            f"{WORKERS} workers {beside:.1f} s, alone {alone:.1f} s = {beside / alone:.2f}x "
            f"(goal <= 2; A had {done} of {SHOTS} shots done when B finished)"
        )
