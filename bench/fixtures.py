"""Data and processes the benchmarks build on: users, projects, a token obtained the way a
client obtains one, and the production server and Celery workers as separate processes on the
bench database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import User
from billing.services import account_open
from projects.models import (
    BibleEntry,
    BibleKind,
    Chapter,
    Music,
    Project,
    Render,
    Shot,
    ShotKind,
    Stage,
    Thumbnail,
    Variation,
    Voiceover,
)
from projects.services import project_advance
from vidflow.workloads import all_queues


def project_of_image_shots(user: User, title: str, *, shots: int, seconds: float) -> Project:
    """A project in production with ``shots`` planned image shots of ``seconds`` each (a
    voiceover that long, one chapter): what a generate-all benchmark draws."""
    project = Project.objects.create(owner=user, title=title, selected_title=title)
    Chapter.objects.create(project=project, position=0, title="All", narration="Words here.")
    Voiceover.objects.create(
        project=project, voice_id="bench", duration=shots * seconds,
        words=[{"word": "Words", "start": 0.0, "end": 0.5}],
    )  # fmt: skip
    project_advance(project_id=project.pk, to=Stage.PRODUCTION)
    Shot.objects.bulk_create(
        Shot(
            project=project, position=i, kind=ShotKind.IMAGE, prompt=f"a lighthouse, view {i}",
            start=i * seconds, end=(i + 1) * seconds,
        )
        for i in range(shots)
    )  # fmt: skip
    return project


def bench_user(prefix: str = "bench") -> User:
    user = User.objects.create_user(
        username=f"{prefix}-{uuid.uuid4().hex[:8]}", email=f"{uuid.uuid4().hex}@bench.local"
    )
    account_open(user=user)
    return user


def project_with_shots(user: User, n: int, *, finished: bool = False) -> Project:
    """A project with ``n`` shots; ``finished``: as a finished video's project is, every shot
    with its image, animated still and video, two bible entries with their pictures, a
    voiceover, music, a render and a thumbnail (stored names only: links are built from names)."""
    project = Project.objects.create(owner=user, title=f"{n} shots", selected_title="Bench")

    def name(kind: str, ext: str) -> str:
        return f"projects/{project.pk}/{kind}/{uuid.uuid4().hex}.{ext}"

    files = {"image": "png", "animated": "mp4", "video": "mp4"} if finished else {}
    Shot.objects.bulk_create(
        Shot(
            project=project,
            position=i,
            start=i * 5.0,
            end=i * 5.0 + 5.0,
            **{field: name("shots", ext) for field, ext in files.items()},
        )
        for i in range(n)
    )
    if finished:
        for kind, entry_name in ((BibleKind.CHARACTER, "Mira"), (BibleKind.LOCATION, "Harbor")):
            entry = BibleEntry.objects.create(project=project, kind=kind, name=entry_name)
            entry.selected_variation = Variation.objects.create(
                entry=entry, prompt=entry_name, image=name("bible", "png")
            )
            entry.save()
        seconds = 5.0 * n
        words = [{"word": "hi", "start": 0, "end": 0.3}]
        Voiceover.objects.create(
            project=project,
            voice_id="joe",
            audio=name("voice", "wav"),
            duration=seconds,
            words=words,
        )
        Music.objects.create(
            project=project, mood="calm", audio=name("music", "wav"), duration=seconds
        )
        Render.objects.create(
            project=project,
            video=name("render", "mp4"),
            srt=name("render", "srt"),
            vtt=name("render", "vtt"),
            duration=seconds,
            width=1280,
            height=720,
        )
        Thumbnail.objects.create(project=project, image=name("thumbnail", "jpg"), title="Bench")
    return project


ROOT = Path(__file__).resolve().parent.parent
FORM = "application/x-www-form-urlencoded"


def access_token(user: User, scope: str = "projects:read") -> str:
    """A token obtained the way a CLI obtains one: device code, approval, poll."""
    device = Client()
    started = device.post(
        "/api/oauth/device/code",
        urlencode({"client_id": "vidflow-cli", "scope": scope}),
        content_type=FORM,
    ).json()
    browser = Client()
    browser.force_login(user)
    browser.post("/device", {"user_code": started["user_code"], "action": "approve"})
    token = device.post(
        "/api/oauth/device/token",
        urlencode(
            {
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": started["device_code"],
                "client_id": "vidflow-cli",
            }
        ),
        content_type=FORM,
    ).json()
    return str(token["access_token"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of a server or worker process on the bench database."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        **extra,
    }


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn, as production runs it, answering /healthz on ``port``."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "vidflow.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the bench server did not start")


def start_workers(count: int, queue: str, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """``count`` Celery workers of one task at a time each, consuming ``queue`` and the workload
    queues named after it (vidflow/workloads.py)."""
    return [_worker(f"bench{i}-{queue}", queue, env) for i in range(count)]


def _worker(name: str, queue: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "vidflow", "worker",
         "-Q", ",".join(all_queues(queue)), "--concurrency", "1",
         "--without-mingle", "--without-gossip",
         "--loglevel", "WARNING", "-n", f"{name}@%h"],
        cwd=ROOT, env={**env, "CELERY_QUEUE": queue},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)
