"""``make run``: the web server and a Celery worker (with the periodic reaper) side by side.

Ctrl-C stops both; if either exits on its own, the other is stopped too and the exit code says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from vidflow.workloads import DEFAULT_QUEUE, all_queues

BIN = Path(sys.executable).parent


def worker_command(environ: Mapping[str, str], *, concurrency: str = "2") -> list[str]:
    """The embedded worker: every queue of the deployment (the default one and one per workload,
    vidflow/workloads.py) in one process pool, with the periodic scheduler (beat) inside."""
    queues = all_queues(environ.get("CELERY_QUEUE") or DEFAULT_QUEUE)
    return [
        str(BIN / "celery"),
        "-A",
        "vidflow",
        "worker",
        "--beat",
        "-Q",
        ",".join(queues),
        "--loglevel",
        environ.get("LOG_LEVEL", "INFO").lower(),
        "--concurrency",
        concurrency,
        "--schedule",
        str(Path(environ.get("VIDFLOW_VAR_DIR", "var")) / "celerybeat-schedule"),
    ]


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    workers = os.environ.get("WORKER_CONCURRENCY", "2")
    web = [
        str(BIN / "gunicorn"),
        "vidflow.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        "1",  # the embedded default keeps rate limits in local memory: one process
        "--threads",
        "16",  # long polls hold at most LONG_POLL_MAX_PER_PROCESS (8) of them: the rest serve
        "--timeout",
        "900",
        "--access-logfile",
        "-",
    ]
    worker = worker_command(os.environ, concurrency=workers)
    # Links to artifacts and vendor callbacks name this server: the port given here, unless
    # PUBLIC_BASE_URL says otherwise (a proxy, a tunnel).
    env = {**os.environ}
    env.setdefault("PUBLIC_BASE_URL", f"http://{host}:{port}")
    children = {
        "web server": subprocess.Popen(web, env=env),
        "worker": subprocess.Popen(worker, env=env),
    }
    base = f"http://{host}:{port}"
    print(
        f"\n  VidFlow is running at {base}\n"
        f"    sign up:   {base}/accounts/signup/   (50 free credits)\n"
        f"    admin:     {base}/admin/   (create a staff user: .venv/bin/python manage.py "
        "createsuperuser)\n"
        f"    API docs:  {base}/api/docs\n"
        "  Ctrl-C stops the server and the worker.\n",
        flush=True,
    )

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"The {name} exited with {child.returncode}; stopping.", flush=True)
                code = child.returncode or 1
                stopping = True
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return code


if __name__ == "__main__":
    sys.exit(main())
