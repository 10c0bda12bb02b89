"""The make run on the workers: launch the next step, wait for it, go on (``services`` says why).

``make_advance`` is the whole engine. It is called when the make starts and again each time one of
its steps finishes (``projects.services`` continues a parent when a child run ends); it locks the
make run, so two continuations never launch two steps, and it is safe to repeat: a step whose run
is still active is waited for, never launched twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from projects.models import (
    ACTIVE_RUN_STATUSES,
    Project,
    Run,
    RunKind,
    RunStatus,
    Thumbnail,
)
from projects.pipeline import run_kind
from projects.quote import quote_steps
from projects.services import run_fail, run_succeed, shots_generate
from projects.stages.ideation.services import title_ideas_suggest, title_select
from projects.stages.production.services import shots_plan
from projects.stages.render.services import render_start, thumbnail_generate
from projects.stages.script.services import chapters_generate, hook_generate, outline_generate
from projects.stages.visual_bible.services import bible_generate
from projects.stages.voiceover.services import music_generate, voiceover_generate
from vidflow.api.error_codes import ErrorCode
from vidflow.errors import AppError

from .services import MUSIC_MOOD, MUSIC_TEMPO, MakeOptions

Launch = Callable[[Project, MakeOptions], Run]


def _launchers() -> dict[str, Launch]:
    def who(project: Project) -> Any:
        return project.owner

    return {
        "outline": lambda p, o: outline_generate(project_id=p.pk, actor=who(p)),
        "hook": lambda p, o: hook_generate(project_id=p.pk, actor=who(p)),
        "chapters": lambda p, o: chapters_generate(project_id=p.pk, actor=who(p)),
        "visual_bible": lambda p, o: bible_generate(project_id=p.pk, actor=who(p)),
        "voiceover": lambda p, o: voiceover_generate(
            project_id=p.pk, actor=who(p), voice_id=o.voice_id
        ),
        "music": lambda p, o: music_generate(
            project_id=p.pk, actor=who(p), mood=MUSIC_MOOD, tempo=MUSIC_TEMPO
        ),
        "plan": lambda p, o: shots_plan(project_id=p.pk, actor=who(p)),
        "shots": lambda p, o: shots_generate(project_id=p.pk, actor=who(p)),
        "render": lambda p, o: render_start(project_id=p.pk, actor=who(p), captions=o.captions),
        "thumbnail": lambda p, o: thumbnail_generate(project_id=p.pk, actor=who(p)),
    }


def next_step(project: Project, options: MakeOptions) -> str | None:
    """What the project needs next on its way to an up-to-date final.mp4 and a thumbnail."""
    for step in quote_steps(project, music=options.music):
        if step.step == "shots" and not project.shots.exists():
            return "plan"
        return step.step
    if not Thumbnail.objects.filter(project=project).exclude(image="").exists():
        return "thumbnail"
    return None


def _choose_title(project: Project) -> None:
    """A make needs a selected title: the first of the writer's suggestions (free)."""
    ideas = title_ideas_suggest(project_id=project.pk, actor=project.owner, count=3)
    if ideas:
        title_select(project_id=project.pk, actor=project.owner, title_id=ideas[0].pk)


@run_kind(RunKind.PROJECT_MAKE)
def _make(run: Run) -> None:
    make_advance(run_id=run.pk)


def make_advance(*, run_id: Any) -> None:
    """Go on with the make: finish it, fail it (naming the stage), wait, or launch the next step."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.RUNNING or run.project_id is None:
            return
        children = Run.objects.filter(params__parent=str(run.pk)).order_by("created_at")
        if children.filter(status__in=ACTIVE_RUN_STATUSES).exists():
            return  # a step is under way: its end continues the make
        last = children.last()
        stage = str(run.params.get("stage") or "")
        if last is not None and last.status != RunStatus.SUCCEEDED:
            error = last.error or {}
            run_fail(
                run_id=run.pk,
                code=str(error.get("code") or ErrorCode.VENDOR_ERROR),
                message=f"The {stage or last.kind} step stopped: "
                f"{error.get('message') or last.status}. Every finished stage is kept.",
            )
            return
        project = Project.objects.select_related("owner").get(pk=run.project_id)
        options = MakeOptions.of(run.params)
        if not project.selected_title:
            _choose_title(project)
            project.refresh_from_db()
        step = next_step(project, options)
        done = children.filter(status=RunStatus.SUCCEEDED).count()
        if step is None:
            run_succeed(run_id=run.pk, result={"projectId": str(project.pk), "steps": done})
            return
        if last is not None and step == stage:
            run_fail(
                run_id=run.pk,
                code=ErrorCode.INTERNAL_ERROR,
                message=f"The {stage} step finished but the project still needs it; "
                "stopped so nothing is charged twice.",
            )
            return
        try:
            with transaction.atomic():
                child = _launchers()[step](project, options)
                child.params = {**child.params, "parent": str(run.pk)}
                child.save(update_fields=["params"])
        except AppError as exc:
            run_fail(
                run_id=run.pk,
                code=str(exc.error_code),
                message=f"The {step} step could not start: {exc.message}",
            )
            return
        run.params = {**run.params, "stage": step}
        run.progress_done = min(done, run.progress_total)
        run.progress_total = max(run.progress_total, done + 1)
        run.save(update_fields=["params", "progress_done", "progress_total"])
