"""The cluster test (``make test-cluster``): VidFlow deployed as the README's "Deploying" section
says, on this machine, every process from the Procfile.

A real S3 server (SeaweedFS), PostgreSQL and Redis; the ``release`` step (migrate, create the
bucket); a web process (gunicorn); a worker per queue and beat, each process with a media folder
of its own that must stay empty (nothing shared but the database, Redis and the bucket). A quick
make runs from a bare idea to a final.mp4, read back from the bucket; meanwhile the media worker
is killed with SIGKILL while it generates a shot, and a new one takes its place. The make still
succeeds, nothing is charged twice and every balance equals its ledger (``check_ledger``).

Recovery from the killed worker is the worker leases' (projects/pipeline/leases.py): the shot
task it held stops refreshing its lease, and the reaper (beat, on the default queue's worker) sends
it again under the same id within RUN_RECOVERY_SECONDS, to the replacement; the task is safe to
run twice. The broker's own redelivery (acks_late, after the visibility timeout, 900 s) is the
backstop, far later. The dead worker's slot (fair sharing) expires by itself after
``VIDFLOW_USER_SLOT_TTL``.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from billing.models import EntryKind, LedgerEntry
from billing.services import credits_grant, ledger_disagreements
from projects.models import Render, Run, Shot, ShotState
from tests.live import ALL_SCOPES, open_video
from tests.s3server import S3Server
from tests.vidflow.test_deploy import procfile
from tests.workers import _database_url

pytestmark = [pytest.mark.cluster, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SLOT_TTL = 10


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """One Procfile process, as a platform starts it: ``sh -c`` with the environment."""

    def __init__(self, name: str, command: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.media = folder / "media"
        self.media.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env={
                **env,
                "MEDIA_ROOT": str(self.media),
                "VIDFLOW_WORK_DIR": str(folder / "work"),
                "VIDFLOW_VAR_DIR": str(folder / "var"),
            },
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_bytes().decode(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited:\n{self.log()[-6000:]}")
            time.sleep(0.3)
        pytest.fail(f"{self.name}: no {text!r} after {timeout}s:\n{self.log()[-6000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group (the worker and its pool), as a lost machine."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@pytest.fixture
def deployment(
    s3_server: S3Server, tmp_path: Path, issue_tokens: Any, user: User
) -> Iterator[dict[str, Any]]:
    port = _free_port()
    bucket = f"cluster-{secrets.token_hex(4)}"
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PYTHONPATH": str(ROOT),  # this checkout's code, whichever install the venv points at
        "PYTHONUNBUFFERED": "1",
        # The README's production variables, for a plain-HTTP address on this machine.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CELERY_QUEUE": f"cluster-{uuid.uuid4().hex[:8]}",
        "LOG_FORMAT": "json",
        "OFFLINE_VOICE": os.environ.get("OFFLINE_VOICE", "piper"),
        "PORT": str(port),
        "WEB_PROCESSES": "1",
        "WORKER_DEFAULT_CONCURRENCY": "1",
        "WORKER_TEXT_CONCURRENCY": "1",
        "WORKER_MEDIA_CONCURRENCY": "1",
        "WORKER_RENDER_CONCURRENCY": "1",
        "WORKER_WEBHOOKS_CONCURRENCY": "1",
        "VIDFLOW_USER_SLOT_TTL": str(SLOT_TTL),
        "RATE_LIMIT_API": "100000/m",
        "RATE_LIMIT_OAUTH_BEARER": "100000/m",
        "RATE_LIMIT_GENERATION": "100000/m",
        **s3_server.env(bucket),
    }
    for name in ("VIDFLOW_VOICE_ASSETS", "OFFLINE_PICTURES_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    commands = procfile()
    processes: list[Process] = []

    def start(name: str, suffix: str = "") -> Process:
        process = Process(name + suffix, commands[name], env, tmp_path / (name + suffix))
        processes.append(process)
        return process

    release = subprocess.run(
        ["bash", "-c", commands["release"]], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert release.returncode == 0, release.stdout + release.stderr
    assert f"Created bucket {bucket}." in release.stdout
    try:
        workers = {
            name: start(name)
            for name in ("worker_default", "worker_text", "worker_media", "worker_render",
                         "worker_webhooks")
        }  # fmt: skip
        beat = start("beat")
        web = start("web")
        for worker in workers.values():
            worker.wait_for_log(" ready.")
        # beat sends the reaper at once, then every RUN_REAPER_SECONDS, to the default queue
        workers["worker_default"].wait_for_log("projects.tasks.reap_runs_task[", timeout=90)
        assert beat.process.poll() is None, beat.log()[-4000:]
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{env['PUBLIC_BASE_URL']}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the web process never got ready:\n{web.log()[-4000:]}")
            time.sleep(0.5)
        credits_grant(user=user, amount=500, reason="cluster test")
        token = issue_tokens(user, ALL_SCOPES)["access_token"]
        yield {
            "env": env,
            "bucket": bucket,
            "workers": workers,
            "start": start,
            "processes": processes,
            "api": httpx.Client(
                base_url=env["PUBLIC_BASE_URL"],
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            ),
        }
    finally:
        for process in processes:
            process.stop()


def _shot_tasks(worker: Process) -> tuple[list[str], set[str]]:
    """The ids of the shot tasks a worker received (in order) and of those it finished, from its
    log (Celery's own lines, as JSON)."""
    received: list[str] = []
    done: set[str] = set()
    for line in worker.log().splitlines():
        if not line.startswith("{"):
            continue
        message = json.loads(line).get("message", "")
        if message.startswith("Task projects.tasks.shot_task["):
            task_id = message.split("[", 1)[1].split("]", 1)[0]
            if message.endswith("received"):
                received.append(task_id)
            elif " succeeded in " in message:
                done.add(task_id)
    return received, done


def _unfinished_shot_tasks(worker: Process) -> list[str]:
    received, done = _shot_tasks(worker)
    return [task_id for task_id in received if task_id not in done]


def _mid_shot(worker: Process, project_id: str) -> bool:
    """The worker has taken a shot task it has not finished, after finishing at least one, and
    shots remain to do."""
    received, done = _shot_tasks(worker)
    unsettled = Shot.objects.filter(project_id=project_id).exclude(
        state__in=(ShotState.READY, ShotState.FAILED)
    )
    return len(done) >= 1 and len(received) > len(done) and unsettled.count() >= 2


def _data(response: httpx.Response) -> Any:
    envelope = response.json()
    assert envelope["success"], (response.status_code, envelope)
    return envelope["data"]


def test_a_make_survives_a_killed_worker_on_a_cluster_without_shared_disk(
    deployment: dict[str, Any], s3_server: S3Server
) -> None:
    api: httpx.Client = deployment["api"]
    media: Process = deployment["workers"]["worker_media"]
    started = _data(
        api.post("/api/make", json={"idea": "Why octopuses have three hearts", "targetSeconds": 30})
    )
    make_id, project_id = started["runId"], started["projectId"]

    # Kill the media worker while it is generating a shot (mid-task), then replace it.
    deadline = time.monotonic() + 900
    while not _mid_shot(media, project_id):
        if time.monotonic() > deadline:
            pytest.fail(f"no shot was ever generated:\n{media.log()[-6000:]}")
        make = Run.objects.get(pk=make_id)
        assert make.is_active, make.error
        time.sleep(0.1)
    media.kill()
    killed_mid_task = _unfinished_shot_tasks(media)
    assert len(killed_mid_task) == 1, killed_mid_task
    replacement = deployment["start"]("worker_media", "-replacement")
    replacement.wait_for_log(" ready.")

    deadline = time.monotonic() + 1500
    while Run.objects.get(pk=make_id).is_active:
        if time.monotonic() > deadline:
            logs = "\n".join(p.name + ":\n" + p.log()[-3000:] for p in deployment["processes"])
            pytest.fail(f"the make did not end:\n{logs}")
        time.sleep(1)
    make = Run.objects.get(pk=make_id)
    assert make.status == "succeeded", make.error

    # The final.mp4 is in the bucket, and the API's link is a pre-signed URL to it.
    render = Render.objects.get(project_id=project_id)
    stored = s3_server.client().get_object(Bucket=deployment["bucket"], Key=render.video.name)
    film = stored["Body"].read()
    shown = open_video(film)
    assert shown["video"][0] == "h264"
    assert shown["duration"] > 10
    link = _data(api.get(f"/api/projects/{project_id}/timeline/render"))["render"]["videoUrl"]
    assert link.startswith(f"{s3_server.endpoint}/{deployment['bucket']}/")
    assert httpx.get(link, timeout=60).content == film

    # No process wrote media to its own disk: everything went through the bucket.
    for process in deployment["processes"]:
        assert not any(process.media.rglob("*")), f"{process.name} wrote to its media folder"

    # Nothing charged twice, every balance equals its ledger.
    for child in Run.objects.filter(params__parent=make_id):
        charges = LedgerEntry.objects.filter(reference=child.pk, kind=EntryKind.CHARGE)
        parts = list(charges.values_list("part", "shot_id"))
        assert len(parts) == len(set(parts)), child.kind
    assert ledger_disagreements() == []
    out = io.StringIO()
    call_command("check_ledger", stdout=out)
    assert "Every balance equals the sum of its ledger." in out.getvalue()

    # The shot task the killed worker held was sent again by the lease reaper, under its own id,
    # and its replacement did it.
    received, done = _shot_tasks(replacement)
    assert killed_mid_task[0] in received
    assert killed_mid_task[0] in done
    reaper = deployment["workers"]["worker_default"].log()
    assert "lost its worker" in reaper
    assert killed_mid_task[0] in reaper
    # Its log names the shots run on the lines of that run's work (LOG_FORMAT=json).
    shots_run = Run.objects.get(params__parent=make_id, kind="shots.generate")
    lines = [json.loads(line) for line in replacement.log().splitlines() if line.startswith("{")]
    assert any(line.get("run_id") == str(shots_run.pk) for line in lines)
