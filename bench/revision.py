"""A revision ÷ the first video: what rewriting the last chapter costs, in credits and wall time,
against what the first video cost (product.md, "revisions cost what they change": goal ≤ 0.40
in credits, with every shot of the untouched chapters keeping its picture).

As a creator would do it through the API (the SDK over HTTP), with the processes a user runs: the
production server (gunicorn) and two Celery workers on the bench database. The first video is a
60 s, three-chapter video from an idea (outline, hook, narration, visual bible, voiceover, music,
shot plan, every shot, render). The revision replaces the last chapter's narration with new text of
about the same length (an edit is free), then brings the video up to date the way the issue says:
``voiceover/generate``, ``timeline/shots/generate-all``, ``timeline/render``.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from vidflow_client import VidflowClient

from bench.fixtures import (
    access_token,
    bench_env,
    bench_user,
    free_port,
    start_server,
    start_workers,
    stop,
)
from billing.services import credits_grant
from projects.models import Shot, Voiceover

IDEA = "How the Voyager probes left the solar system"
SECONDS = 60
CHAPTERS = 3
WORKERS = 2
SCOPES = "projects:read projects:write generate billing:read"

# The new last chapter: plain sentences, cut to about the old chapter's length.
REWRITE = (
    "Today both probes still whisper home across more than twenty billion kilometres. "
    "Their radios are weaker than a fridge light, yet the great dishes on Earth still hear them. "
    "Each year the power drops a little, and engineers switch off another heater to save it. "
    "Somewhere past the year twenty thirty, the last instrument will fall silent. "
    "The golden records will keep travelling long after the signals end. "
    "They carry music, greetings and the sound of rain for anyone who finds them. "
    "In forty thousand years Voyager One will pass a distant star. "
    "By then the probes will be the oldest things our species ever made. "
    "Two small machines, still falling outward, still carrying a message from home."
)


def _rewrite(words: int) -> str:
    """Whole sentences of REWRITE while they fit in about ``words`` words (at least one): a
    rewrite about as long as the chapter it replaces."""
    out: list[str] = []
    for sentence in REWRITE.split(". "):
        sentence = sentence.rstrip(".") + "."
        if out and len(" ".join([*out, sentence]).split()) > words + 5:
            break
        out.append(sentence)
    return " ".join(out)


def _timed(client: VidflowClient, start: Callable[[], str]) -> None:
    run = client.wait_for_run(start(), timeout=900)
    if run.status != "succeeded":
        raise RuntimeError(f"{run.kind} {run.status}: {run.raw.get('error')}")


def _pictures(project_id: str) -> dict[str, tuple[str, str]]:
    """Each shot's (line, image file) by id, as stored."""
    return {
        str(s.pk): (s.line, s.image.name)
        for s in Shot.objects.filter(project_id=project_id).order_by("position")
    }


def _first_video(vf: VidflowClient) -> str:
    project = vf.create_project("Voyager", idea=IDEA, target_seconds=SECONDS)
    pid = project.id
    vf.update_project(pid, selected_title="Voyager: the long way out")
    _timed(vf, lambda: vf.generate_outline(pid, chapters=CHAPTERS).run_id)
    _timed(vf, lambda: vf.generate_hook(pid).run_id)
    _timed(vf, lambda: vf.generate_chapters(pid).run_id)
    _timed(vf, lambda: vf.generate_visual_bible(pid).run_id)
    _timed(vf, lambda: vf.generate_voiceover(pid).run_id)
    _timed(vf, lambda: vf.generate_music(pid, mood="inspiring", tempo=96).run_id)
    _timed(vf, lambda: vf.plan_shots(pid).run_id)
    _timed(vf, lambda: vf.generate_all_shots(pid).run_id)
    _timed(vf, lambda: vf.render(pid).run_id)
    return pid


def _revise(vf: VidflowClient, pid: str) -> None:
    last = vf.list_chapters(pid)[-1]
    vf.edit_chapter(pid, last.id, narration=_rewrite(len(last.narration.split())))
    _timed(vf, lambda: vf.generate_voiceover(pid).run_id)
    _timed(vf, lambda: vf.generate_all_shots(pid).run_id)
    _timed(vf, lambda: vf.render(pid).run_id)


def _last_chapter_start(pid: str) -> float:
    spans = Voiceover.objects.get(project_id=pid).chapter_spans
    return float(spans[-1]["start"])


def run() -> Iterator[str]:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the SDK's every request
    user = bench_user("revise")
    credits_grant(user=user, amount=1000, reason="bench")
    token = access_token(user, SCOPES)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    queue = f"bench-revise-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(
            MEDIA_ROOT=str(Path(tmp) / "media"),
            VIDFLOW_WORK_DIR=str(Path(tmp) / "work"),
            PUBLIC_BASE_URL=base,
            CELERY_QUEUE=queue,
        )
        processes = start_workers(WORKERS, queue, env)
        try:
            processes.append(start_server(port, env))
            time.sleep(8)  # let the workers connect before the clock starts
            with VidflowClient(base, token=token, timeout=120) as vf:
                started = time.perf_counter()
                pid = _first_video(vf)
                first_seconds = time.perf_counter() - started
                first_credits = vf.get_project(pid).credits_spent
                boundary = _last_chapter_start(pid)
                before = _pictures(pid)
                untouched = {
                    k: v
                    for k, v in before.items()
                    if Shot.objects.get(pk=k).start < boundary - 0.01
                }
                started = time.perf_counter()
                _revise(vf, pid)
                revision_seconds = time.perf_counter() - started
                revision_credits = vf.get_project(pid).credits_spent - first_credits
                after = _pictures(pid)
        finally:
            stop(processes)
    kept = sum(1 for k, v in untouched.items() if after.get(k) == v)
    credits_ratio = revision_credits / first_credits
    yield (
        f"revision (rewrite the last of {CHAPTERS} chapters, then voiceover, generate-all, "
        f"render; offline, {WORKERS} workers): {revision_credits} of {first_credits} credits = "
        f"{credits_ratio:.2f} (goal <= 0.40), {revision_seconds:.1f} of {first_seconds:.1f} s = "
        f"{revision_seconds / first_seconds:.2f}; untouched chapters kept {kept} of "
        f"{len(untouched)} pictures, {len(after)} shots after ({len(before)} before)"
    )
