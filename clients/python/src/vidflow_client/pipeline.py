"""``make_video``: one idea to final.mp4 on disk, through every stage, as the CLI's ``vidflow
make`` and any script would do it.

The order is the server's state machine: a selected title, then the outline, hook and chapter
narration, the visual bible drawn from the narration, the voiceover (word timings) and a music bed,
the shot plan aligned to those timings, every shot, and the render. Each step is a run, waited on
with the server's long poll; a failed run raises ``RunFailed`` and the project stays as it was
left, so it can be resumed from the web app or the SDK.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .client import VidflowClient
from .errors import InsufficientCredits, VidflowError
from .models import ProjectDetail, Quote, Run


@dataclass(frozen=True)
class Step:
    name: str
    label: str


STEPS = (
    Step("project", "create the project"),
    Step("title", "pick a title"),
    Step("quote", "check the price against the balance"),
    Step("outline", "write the outline"),
    Step("hook", "write the hook"),
    Step("chapters", "narrate the chapters"),
    Step("visual_bible", "draw the visual bible"),
    Step("voiceover", "speak the voiceover"),
    Step("music", "compose the music"),
    Step("plan", "plan the shots"),
    Step("shots", "generate every shot"),
    Step("render", "render final.mp4"),
    Step("download", "download final.mp4"),
)


@dataclass
class MadeVideo:
    project: ProjectDetail
    path: Path
    runs: dict[str, Run] = field(default_factory=dict)
    quote: Quote | None = None  # what it was quoted at before anything was spent

    @property
    def credits_spent(self) -> int:
        return self.project.credits_spent


def _default_title(idea: str) -> str:
    words = idea.split()
    title = " ".join(words[:12])
    return title[:200] or "Untitled"


def make_video(
    client: VidflowClient,
    idea: str,
    *,
    out: str | Path = "final.mp4",
    title: str | None = None,
    target_seconds: int = 30,
    voice_id: str | None = None,
    music_mood: str | None = "inspiring",
    music_tempo: int = 96,
    captions: bool = True,
    channel_id: str | None = None,
    step_timeout: float = 900.0,
    on_step: Callable[[Step], None] | None = None,
    on_progress: Callable[[Step, Run], None] | None = None,
    on_quote: Callable[[Quote], None] | None = None,
) -> MadeVideo:
    """Drive a new project from ``idea`` to a rendered video and download it to ``out``.

    ``title`` becomes the selected title; without one the server suggests titles and the first
    is taken. ``music_mood=None`` skips the music bed. ``on_step`` is told when each step starts,
    ``on_progress`` each time a step's run changes. Raises ``RunFailed`` when a step fails, with
    the project left as it is (``err.run.project_id``). Before any credit is spent the
    project's quote (``GET /api/projects/{id}/quote``) is checked: when the balance does not cover
    it, ``InsufficientCredits`` says what it needs and what the balance is, nothing was spent,
    and the new project is removed again.
    """
    steps = {step.name: step for step in STEPS}
    runs: dict[str, Run] = {}

    def begin(name: str) -> Step:
        step = steps[name]
        if on_step is not None:
            on_step(step)
        return step

    def run(name: str, start: Callable[[], str]) -> Run:
        step = begin(name)
        progress = (lambda r: on_progress(step, r)) if on_progress is not None else None
        runs[name] = client.wait_for_run(start(), timeout=step_timeout, on_progress=progress)
        return runs[name]

    begin("project")
    project = client.create_project(
        title or _default_title(idea),
        idea=idea,
        target_seconds=target_seconds,
        voice_id=voice_id,
        channel_id=channel_id,
    )
    pid = project.id

    begin("title")
    if title:
        client.update_project(pid, selected_title=title)
    else:
        ideas = client.suggest_titles(pid, count=3)
        client.select_title(pid, ideas[0].id)

    # Before spending anything: does the balance cover the whole way to final.mp4? If not, stop
    # here with the figures and remove the (free, empty) project, so nothing is left half-built.
    begin("quote")
    try:
        quote = client.check_quote(pid, music=bool(music_mood))
    except InsufficientCredits:
        client.delete_project(pid)
        raise
    if on_quote is not None:
        on_quote(quote)

    run("outline", lambda: client.generate_outline(pid).run_id)
    run("hook", lambda: client.generate_hook(pid).run_id)
    run("chapters", lambda: client.generate_chapters(pid).run_id)
    run("visual_bible", lambda: client.generate_visual_bible(pid).run_id)
    run("voiceover", lambda: client.generate_voiceover(pid, voice_id=voice_id).run_id)
    if music_mood:
        run("music", lambda: client.generate_music(pid, mood=music_mood, tempo=music_tempo).run_id)
    run("plan", lambda: client.plan_shots(pid).run_id)
    run("shots", lambda: client.generate_all_shots(pid).run_id)
    run("render", lambda: client.render(pid, captions=captions).run_id)

    begin("download")
    project = client.get_project(pid)
    url = project.video_url
    if url is None:  # a succeeded render always leaves one; say so plainly if not
        raise VidflowError(
            f"Project {pid} has no rendered video after its render succeeded.", code="NO_RENDER"
        )
    path = client.download(url, out)
    return MadeVideo(project=project, path=path, runs=runs, quote=quote)


def make_video_on_server(
    client: VidflowClient,
    idea: str,
    *,
    out: str | Path = "final.mp4",
    title: str | None = None,
    target_seconds: int = 30,
    voice_id: str | None = None,
    music: bool = True,
    captions: bool = True,
    timeout: float = 3600.0,
    on_progress: Callable[[Run], None] | None = None,
) -> MadeVideo:
    """Like :func:`make_video`, but the server does the stages (``POST /api/make``): one request
    to start, then only waiting, so a client that dies half way loses nothing (wait again with
    ``client.wait_for_run(run_id)``). Raises ``InsufficientCredits`` before anything is spent
    when the balance does not cover the quote, and ``RunFailed`` naming the stage that failed."""
    started = client.start_make(
        idea,
        title=title,
        target_seconds=target_seconds,
        voice_id=voice_id,
        music=music,
        captions=captions,
    )
    run = client.wait_for_run(started.run_id, timeout=timeout, on_progress=on_progress)
    project = client.get_project(started.project_id)
    url = project.video_url
    if url is None:
        raise VidflowError(
            f"Project {project.id} has no rendered video after its make succeeded.",
            code="NO_RENDER",
        )
    return MadeVideo(project=project, path=client.download(url, out), runs={"make": run})
