"""Idea to final.mp4: ``vidflow make`` (client-driven) and ``vidflow make --on-server`` (the
one-call make, quick mode) with the offline providers, wall time ÷ the video's
duration (performance.md: ≤ 1.0, a 1-minute video in under a minute, end to end).

Everything a user runs, as separate processes: the production server (gunicorn) and two Celery
workers on the bench database and Redis, and the ``vidflow`` CLI signed in with a device-flow
token, making a 60-second video from an idea and downloading it. The rate tiers are the
product's own: a client that is held back by them pays for it in this figure.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench.fixtures import (
    ROOT,
    access_token,
    bench_env,
    bench_user,
    free_port,
    start_server,
    start_workers,
    stop,
)
from billing.services import credits_grant
from vendors.render.probe import probe

IDEA = "How the Voyager probes left the solar system"
SECONDS = 60
WORKERS = 2
SCOPES = "projects:read projects:write generate billing:read"


def _vidflow() -> str:
    beside = Path(sys.executable).parent / "vidflow"
    found = str(beside) if beside.exists() else shutil.which("vidflow")
    if found is None:
        raise RuntimeError("the vidflow CLI is not installed (make install puts it in .venv)")
    return found


def run() -> Iterator[str]:
    user = bench_user("make")
    credits_grant(user=user, amount=1000, reason="bench")
    token = access_token(user, SCOPES)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    queue = f"bench-make-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        media = Path(tmp) / "media"
        env = bench_env(
            MEDIA_ROOT=str(media),
            VIDFLOW_WORK_DIR=str(Path(tmp) / "work"),
            PUBLIC_BASE_URL=base,
            CELERY_QUEUE=queue,
        )
        processes = start_workers(WORKERS, queue, env)
        try:
            processes.append(start_server(port, env))
            time.sleep(8)  # let the workers connect before the clock starts
            figures: dict[str, tuple[float, float]] = {}
            for way, extra in (("client-driven", []), ("one-call make", ["--on-server"])):
                out = Path(tmp) / f"final-{len(figures)}.mp4"
                started = time.perf_counter()
                made = subprocess.run(
                    [_vidflow(), "make", IDEA, "--length", str(SECONDS), "--out", str(out), *extra],
                    cwd=ROOT,
                    env={**env, "VIDFLOW_URL": base, "VIDFLOW_TOKEN": token},
                    capture_output=True,
                    text=True,
                    check=False,
                )
                elapsed = time.perf_counter() - started
                if made.returncode != 0:
                    raise RuntimeError(f"vidflow make {way} failed: {made.stderr[-2000:]}")
                figures[way] = (elapsed, probe(out).duration)
        finally:
            stop(processes)
    for way, (elapsed, duration) in figures.items():
        yield (
            f"idea to final.mp4 ({way}, offline, {WORKERS} workers): {elapsed:.1f} s for a "
            f"{duration:.1f} s video = {elapsed / duration:.2f} (goal <= 0.5)"
        )
