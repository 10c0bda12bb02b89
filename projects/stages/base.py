"""Stage services: what each stage route does on the request side (check the machine, charge,
record a run, enqueue) and on the worker side (the run kind that produces the artifact).

One module per stage. Request-side services lock the project row, so a stage's preconditions and
its charge are decided on a consistent view; worker-side run kinds re-check that the run is still
active before landing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings

from accounts.models import User
from billing.services import ChargePart, parts_delivered
from projects.models import ACTIVE_RUN_STATUSES, Project, Run, Script
from projects.services import (
    DEFAULT_RUN_DEADLINE,
    ensure_writable,
    project_advance,
    run_create,
    run_create_charged,
    run_fail_unqueued,
)
from projects.tasks import run_task
from vendors import registry
from vendors.base import ProviderError, ProviderUnavailableError, StoryContext
from vendors.text import WORDS_PER_MINUTE
from vidflow.errors import NotFound, ProviderUnavailable, VendorError
from vidflow.queue import enqueue_on_commit

from .writing import facts_from_rows


def narration_pace() -> int:
    """Words a minute the narration is spoken at: what chapters are written to, so a 60-second
    target makes about a minute of narration, and what a voiceover is priced by. The setting
    NARRATION_WORDS_PER_MINUTE, else what the speech provider says of itself
    (``words_per_minute``: the offline Piper voice is much quicker than a narrator), else the
    product's pace."""

    if settings.NARRATION_WORDS_PER_MINUTE:
        return int(settings.NARRATION_WORDS_PER_MINUTE)
    pace = getattr(registry.provider("speech"), "words_per_minute", None)
    return pace if isinstance(pace, int) and pace > 0 else WORDS_PER_MINUTE


def lock_project(*, project_id: Any, actor: User, advance_to: str | None = None) -> Project:
    """The actor's project, locked for this transaction, writable, and (optionally) moved forward
    to ``advance_to`` — raising InvalidTransition with what is missing when it cannot be."""
    project = Project.objects.select_for_update().filter(pk=project_id, owner=actor).first()
    if project is None:
        raise NotFound("Project not found.")
    ensure_writable(project)
    if advance_to is not None:
        project = project_advance(project_id=project.pk, to=advance_to, actor=actor)
    return project


def run_launch(
    *,
    project: Project,
    actor: User,
    kind: str,
    parts: Iterable[ChargePart] = (),
    reason: str = "",
    params: dict[str, Any] | None = None,
    total: int = 1,
    deadline: timedelta = DEFAULT_RUN_DEADLINE,
) -> Run:
    """Record the run (charging its parts up front, if any) and send it to a worker on commit.

    Must be called inside the caller's transaction: the charge, the run and the task are all or
    nothing.
    """

    parts = [p for p in parts if p.amount > 0]
    if parts:
        run = run_create_charged(
            owner=actor,
            kind=kind,
            project=project,
            parts=parts,
            reason=reason or f"{kind} for {project.title}",
            total=total,
            params=params,
            deadline=deadline,
        )
    else:
        run = run_create(
            owner=actor, kind=kind, project=project, total=total, params=params, deadline=deadline
        )
    enqueue_on_commit(
        run_task, str(run.pk), kind=run.kind, on_failure=lambda: run_fail_unqueued(run_id=run.pk)
    )
    return run


def story_context(project: Project) -> StoryContext:
    """What the writer knows about a project's video, the facts to check included."""
    channel = project.channel
    facts = Script.objects.filter(project=project).values_list("facts", flat=True).first()
    return StoryContext(
        idea=project.idea or project.title,
        title=project.selected_title or project.title,
        niche=channel.niche if channel else "",
        audience=channel.audience if channel else "",
        tone=channel.tone if channel else "",
        language=channel.language if channel else "en",
        video_style=project.video_style,
        visual_style=channel.visual_style if channel else "",
        target_seconds=project.target_seconds,
        words_per_minute=narration_pace(),
        references=tuple(
            project.outlier_videos.order_by("-outlier_score").values_list("title", flat=True)[:5]
        ),
        facts=facts_from_rows(facts),
    )


def locked_active_run(run: Run) -> Project | None:
    """Inside a worker's landing transaction: the run's project locked, or None when the run is
    no longer active (cancelled, reaped) or the project is gone — then nothing may land."""
    current = Run.objects.select_for_update().filter(pk=run.pk).first()
    if current is None or current.status not in ACTIVE_RUN_STATUSES or current.project_id is None:
        return None
    return Project.objects.select_for_update().filter(pk=current.project_id).first()


def run_project(run: Run, *related: str) -> Project:
    """The project a worker-side run works on (every stage run has one)."""
    if run.project_id is None:
        raise NotFound("The project of this run was deleted.")
    return Project.objects.select_related(*related).get(pk=run.project_id)


def mark_delivered(run: Run, *parts: str) -> None:
    """The artifacts these charge parts paid for were delivered: they are not refunded."""
    parts_delivered(reference=run.pk, parts=parts)


@contextmanager
def provider_errors(unavailable: str = "") -> Iterator[None]:
    """For the few routes that call a provider while the request waits (free suggestions,
    searches): a provider that is not set up answers 503 PROVIDER_UNAVAILABLE (with
    ``unavailable`` as the message, when given), one that fails answers 502 VENDOR_ERROR."""
    try:
        yield
    except ProviderUnavailableError as exc:
        raise ProviderUnavailable(unavailable or str(exc), details={"reason": str(exc)}) from exc
    except ProviderError as exc:
        vendor = f"{exc.vendor}: " if exc.vendor else ""
        raise VendorError(f"{vendor}{exc}") from exc


__all__ = [
    "WORDS_PER_MINUTE",
    "lock_project",
    "locked_active_run",
    "mark_delivered",
    "narration_pace",
    "provider_errors",
    "run_launch",
    "run_project",
    "story_context",
]
