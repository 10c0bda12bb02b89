"""Every write to projects, channels, shots and runs.

Services are keyword-only. State transitions lock the row (``select_for_update``; on SQLite the
IMMEDIATE transaction does the same job), run the machine's transition and record an ``Event``, all
in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models.functions import Least
from django.utils import timezone

from accounts.models import User
from billing.services import ChargePart, credits_charge, credits_refund_unused, price
from projects.tasks import make_continue_task, run_task
from vidflow.api.error_codes import ErrorCode
from vidflow.errors import Forbidden, InvalidTransition, NotFound
from vidflow.events import EventType, event_emit
from vidflow.fsm import apply_transition
from vidflow.queue import enqueue_on_commit
from vidflow.storage import delete_prefix, project_prefix

from .models import (
    ACTIVE_RUN_STATUSES,
    STAGE_ORDER,
    Channel,
    Event,
    Project,
    Run,
    RunKind,
    RunStatus,
    Shot,
    ShotKind,
    ShotState,
    Stage,
)
from .serializers import RunSerializer
from .staleness import after_channel_change, after_project_change

logger = logging.getLogger(__name__)

SUBJECT_TYPES: dict[type[models.Model], str] = {Project: "project", Shot: "shot", Run: "run"}


def event_record(
    *,
    subject: Project | Shot | Run,
    name: str,
    source: str,
    target: str,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    project_id = subject.pk if isinstance(subject, Project) else subject.project_id
    return Event.objects.create(
        project_id=project_id,
        subject_type=SUBJECT_TYPES[type(subject)],
        subject_id=subject.pk,
        name=name,
        source=str(source),
        target=str(target),
        actor=actor,
        data=data or {},
    )


def transition_apply(
    *,
    instance: Project | Shot | Run,
    name: str,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
) -> None:
    """Run transition ``name`` on a row the caller has locked, save it and record the event.

    Raises InvalidTransition (409) with what is missing when the machine refuses.
    """
    field = type(instance)._meta.get_field("status" if not isinstance(instance, Shot) else "state")
    source = getattr(instance, field.name)
    apply_transition(instance, name)
    fields = [field.name, *(update_fields or [])]
    if any(f.name == "updated_at" for f in instance._meta.fields):
        fields.append("updated_at")
    instance.save(update_fields=fields)
    event_record(
        subject=instance,
        name=name,
        source=source,
        target=getattr(instance, field.name),
        actor=actor,
        data=data,
    )


def ensure_writable(project: Project) -> None:
    """Moderation: a hidden project can be read by its owner but not changed or generated."""
    if project.hidden_at is not None:
        reason = f": {project.hidden_reason}" if project.hidden_reason else "."
        raise Forbidden(f"This project was hidden by moderation{reason}")


# --- projects -------------------------------------------------------------------------------


def project_create(
    *,
    owner: User,
    title: str,
    idea: str = "",
    selected_title: str = "",
    channel: Channel | None = None,
    video_style: str = "",
    voice_id: str = "",
    aspect_ratio: str | None = None,
    resolution: str | None = None,
    target_seconds: int | None = None,
) -> Project:
    if channel is not None and channel.owner_id != owner.pk:
        raise NotFound("Channel not found.")
    project = Project(
        owner=owner,
        title=title,
        idea=idea,
        # The title typed when creating the project is the selected title until another is
        # chosen (a title idea selected, or selectedTitle patched).
        selected_title=selected_title or title,
        channel=channel,
        video_style=video_style,
        voice_id=voice_id or (channel.default_voice if channel else ""),
    )
    if aspect_ratio:
        project.aspect_ratio = aspect_ratio
    if resolution:
        project.resolution = resolution
    if target_seconds:
        project.target_seconds = target_seconds
    project.save()
    event_record(subject=project, name="create", source="", target=project.status, actor=owner)
    return project


PROJECT_EDITABLE_FIELDS = (
    "title",
    "idea",
    "selected_title",
    "channel",
    "video_style",
    "voice_id",
    "aspect_ratio",
    "resolution",
    "target_seconds",
)


@transaction.atomic
def project_update(*, project_id: Any, actor: User, changes: dict[str, Any]) -> Project:
    """Apply validated field changes; what depends on a changed field is marked stale."""
    project = Project.objects.select_for_update().get(pk=project_id, owner=actor)
    ensure_writable(project)
    unknown = set(changes) - set(PROJECT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    channel = changes.get("channel")
    if channel is not None and channel.owner_id != actor.pk:
        raise NotFound("Channel not found.")
    if (
        "title" in changes
        and "selected_title" not in changes
        and project.selected_title == project.title
    ):
        changes = {**changes, "selected_title": changes["title"]}  # never chosen apart: follow
    changed = [name for name, value in changes.items() if getattr(project, name) != value]
    for name in changed:
        setattr(project, name, changes[name])
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
        after_project_change(project=project, fields=set(changed))
    return project


def project_delete(*, project_id: Any, actor: User) -> None:
    """Delete a project: cancel its runs in flight (refunding unused credit), its rows, its files.

    Files are removed after the commit, so a rolled-back delete never loses them.
    """
    with transaction.atomic():
        # Lock order everywhere: runs, then their project (workers landing an artifact do the same).
        active = list(
            Run.objects.select_for_update()
            .filter(project_id=project_id, owner=actor, status__in=ACTIVE_RUN_STATUSES)
            .values_list("pk", flat=True)
        )
        project = Project.objects.select_for_update().get(pk=project_id, owner=actor)
        for run_id in active:
            run_cancel(run_id=run_id, actor=actor, reason="project deleted")
        prefix = project_prefix(project.pk)
        project.delete()
        transaction.on_commit(lambda: delete_prefix(prefix))


@transaction.atomic
def project_advance(*, project_id: Any, to: str, actor: User | None = None) -> Project:
    """Move the project forward to stage ``to``, one transition at a time.

    A project already at or past ``to`` stays where it is (editing earlier stages is allowed;
    staleness tracks what to regenerate). Raises InvalidTransition naming what is missing.
    """
    project = Project.objects.select_for_update().get(pk=project_id)
    ensure_writable(project)
    steps = {
        Stage.SCRIPT: "begin_script",
        Stage.VISUAL_BIBLE: "begin_visual_bible",
        Stage.VOICEOVER: "begin_voiceover",
        Stage.PRODUCTION: "begin_production",
        Stage.PUBLISH: "begin_publish",
    }
    target_index = STAGE_ORDER.index(to)
    while STAGE_ORDER.index(project.status) < target_index:
        following = STAGE_ORDER[STAGE_ORDER.index(project.status) + 1]
        # The visual bible may be skipped: voiceover is reachable straight from the script.
        if following == Stage.VISUAL_BIBLE and target_index > STAGE_ORDER.index(Stage.VISUAL_BIBLE):
            following = Stage.VOICEOVER
        transition_apply(instance=project, name=steps[Stage(following)], actor=actor)
    return project


# --- channels -------------------------------------------------------------------------------

CHANNEL_FIELDS = ("name", "niche", "audience", "tone", "language", "default_voice", "visual_style")


def channel_create(*, owner: User, **fields: Any) -> Channel:
    return Channel.objects.create(
        owner=owner, **{k: fields[k] for k in CHANNEL_FIELDS if k in fields}
    )


@transaction.atomic
def channel_update(*, channel_id: Any, actor: User, changes: dict[str, Any]) -> Channel:
    """Edit a channel's setup; what its projects made from the old setup goes stale."""
    channel = Channel.objects.select_for_update().get(pk=channel_id, owner=actor)
    changed = [k for k in CHANNEL_FIELDS if k in changes and getattr(channel, k) != changes[k]]
    for name in changed:
        setattr(channel, name, changes[name])
    if changed:
        channel.save(update_fields=[*changed, "updated_at"])
        after_channel_change(channel=channel, fields=set(changed))
    return channel


def channel_delete(*, channel_id: Any, actor: User) -> None:
    """Projects on the channel stay; they simply lose the link."""
    Channel.objects.filter(pk=channel_id, owner=actor).delete()


# --- runs -----------------------------------------------------------------------------------

DEFAULT_RUN_DEADLINE = timedelta(minutes=30)


def run_create(
    *,
    owner: User,
    kind: str,
    project: Project | None = None,
    total: int = 1,
    params: dict[str, Any] | None = None,
    deadline: timedelta = DEFAULT_RUN_DEADLINE,
) -> Run:
    """Record a queued run (billable runs: ``run_create_charged``)."""
    run = Run.objects.create(
        owner=owner,
        project=project,
        kind=kind,
        progress_total=max(1, total),
        params=params or {},
        deadline_at=timezone.now() + deadline,
    )
    event_record(subject=run, name="create", source="", target=run.status, actor=owner)
    return run


def run_create_charged(
    *,
    owner: User,
    kind: str,
    parts: Iterable[ChargePart],
    reason: str,
    project: Project | None = None,
    total: int = 1,
    params: dict[str, Any] | None = None,
    deadline: timedelta = DEFAULT_RUN_DEADLINE,
) -> Run:
    """requireCredits' service half: the run and its up-front charge, in the caller's transaction.

    Raises InsufficientCredits (402) before anything is written when the balance is short; the
    caller enqueues the run's task with ``delay_on_commit`` so nothing is sent unless this commits.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("run_create_charged must run inside transaction.atomic()")
    run = run_create(
        owner=owner, kind=kind, project=project, total=total, params=params, deadline=deadline
    )
    run.credits_charged = credits_charge(
        owner_id=owner.pk, reference=run.pk, parts=parts, reason=reason
    )
    return run


@transaction.atomic
def run_mark_running(*, run_id: Any) -> Run | None:
    """Mark a queued run running. Returns None when the run is no longer queued (cancelled,
    reaped, or started by an earlier delivery of the same task), so the caller can stop."""
    run = Run.objects.select_for_update().get(pk=run_id)
    if run.status == RunStatus.RUNNING:
        return run
    if run.status != RunStatus.QUEUED:
        return None
    run.started_at = timezone.now()
    transition_apply(instance=run, name="start", update_fields=["started_at"])
    return run


def run_progress(*, run_id: Any, done: int, total: int | None = None) -> None:
    """Record progress; never moves backwards and never past the total."""
    updates: dict[str, Any] = {}
    if total is not None:
        updates["progress_total"] = max(1, total)
    run = Run.objects.filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES)
    if updates:
        run.update(**updates)
    run.filter(progress_done__lt=done).update(progress_done=Least(done, models.F("progress_total")))


@transaction.atomic
def run_succeed(*, run_id: Any, result: dict[str, Any] | None = None) -> Run | None:
    run = Run.objects.select_for_update().get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return None
    run.result = result or {}
    run.finished_at = timezone.now()
    run.progress_done = run.progress_total
    transition_apply(
        instance=run, name="succeed", update_fields=["result", "finished_at", "progress_done"]
    )
    _emit_run_event(run, EventType.RUN_SUCCEEDED)
    _continue_parent(run)
    return run


@transaction.atomic
def run_fail(*, run_id: Any, code: str, message: str, refund: bool = True) -> Run | None:
    """Fail an active run and refund what it did not use (see billing's conservative rule)."""
    run = Run.objects.select_for_update().get(pk=run_id)
    if not run.is_active:
        return None
    run.error = {"code": code, "message": message}
    run.finished_at = timezone.now()
    transition_apply(instance=run, name="fail", update_fields=["error", "finished_at"])
    _release_shots(run, reason=message)
    if refund:
        _refund_unused(run)
    _emit_run_event(run, EventType.RUN_FAILED)
    _continue_parent(run)
    return run


def run_fail_unqueued(*, run_id: Any) -> Run | None:
    """A run whose task the broker did not take: failed and refunded at once, so no credit
    waits for the reaper (the request answers 503 and may be retried)."""
    return run_fail(
        run_id=run_id,
        code=ErrorCode.PROVIDER_UNAVAILABLE,
        message="The work queue was unreachable, so this run never started; it was refunded.",
    )


@transaction.atomic
def run_cancel(*, run_id: Any, actor: User | None = None, reason: str = "cancelled") -> Run:
    """Cancel a queued or running run; pending work sees the status and stops; unused credit is
    refunded once."""
    run = Run.objects.select_for_update().get(pk=run_id)
    run.error = {"code": "CANCELLED", "message": reason}
    run.finished_at = timezone.now()
    transition_apply(
        instance=run, name="cancel", actor=actor, update_fields=["error", "finished_at"]
    )
    _release_shots(run, reason=reason)
    _refund_unused(run)
    for child in Run.objects.filter(params__parent=str(run.pk), status__in=ACTIVE_RUN_STATUSES):
        run_cancel(run_id=child.pk, actor=actor, reason=reason)
    _continue_parent(run)
    return run


def _emit_run_event(run: Run, event_type: EventType) -> None:
    """Outbound events (webhooks) carry the run as ``GET /api/runs/{id}`` shows it."""
    event_emit(owner_id=run.owner_id, event_type=event_type, data={"run": RunSerializer(run).data})


def _continue_parent(run: Run) -> None:
    """A run made as a step of another (a make's stage) continues its parent once it ends."""
    parent = (run.params or {}).get("parent")
    if parent:
        enqueue_on_commit(make_continue_task, str(parent))


class RunCharges:
    """Runs are what charges pay for: billing knows them by id (its charge reference) and tells
    this owner of every charge and refund, so a run's own totals stay exact; it locks the run row
    before the account row, the lock order everywhere."""

    def lock(self, reference: Any) -> None:
        list(Run.objects.select_for_update().filter(pk=reference).values_list("pk"))

    def charged(self, reference: Any, amount: int) -> None:
        Run.objects.filter(pk=reference).update(
            credits_charged=models.F("credits_charged") + amount
        )

    def refunded(self, reference: Any, amount: int) -> None:
        Run.objects.filter(pk=reference).update(
            credits_refunded=models.F("credits_refunded") + amount
        )


def runs_cancel_for_suspension(user: User, actor: User, reason: str) -> int:
    """A suspended account's work in flight is cancelled, unused credit refunded. Returns how many
    runs were cancelled."""
    cancelled = 0
    for run_id in Run.objects.filter(owner=user, status__in=ACTIVE_RUN_STATUSES).values_list(
        "pk", flat=True
    ):
        run_cancel(run_id=run_id, actor=actor, reason=f"account suspended: {reason}")
        cancelled += 1
    return cancelled


def _release_shots(run: Run, *, reason: str) -> None:
    """Shots a finished run left mid-step fail, so they can be regenerated; what landed stays."""
    generating = (ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO)
    for shot in Shot.objects.select_for_update().filter(run=run, state__in=generating):
        shot.error = reason[:2000]
        transition_apply(instance=shot, name="fail", update_fields=["error"])


def _refund_unused(run: Run) -> None:
    refunded = credits_refund_unused(reference=run.pk, reason=f"Refund: {run.kind} {run.status}")
    if refunded:
        run.refresh_from_db(fields=["credits_refunded"])


# --- moderation -----------------------------------------------------------------------------


def project_hide(*, project_id: Any, actor: User, reason: str) -> Project:
    """Hide a project from everyone but its owner and staff; it can no longer change."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        project.hidden_at = timezone.now()
        project.hidden_reason = reason
        project.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
        event_record(
            subject=project,
            name="hide",
            source=project.status,
            target=project.status,
            actor=actor,
            data={"reason": reason},
        )
    for run_id in Run.objects.filter(project=project, status__in=ACTIVE_RUN_STATUSES).values_list(
        "pk", flat=True
    ):
        run_cancel(run_id=run_id, actor=actor, reason=f"project hidden: {reason}")
    return project


def project_unhide(*, project_id: Any, actor: User) -> None:
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        project.hidden_at = None
        project.hidden_reason = ""
        project.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
        event_record(
            subject=project,
            name="unhide",
            source=project.status,
            target=project.status,
            actor=actor,
        )


# --- production: shots ----------------------------------------------------------------------

SHOT_DEADLINE_BASE = timedelta(minutes=10)
SHOT_DEADLINE_EACH = timedelta(minutes=3)
REGENERABLE = (ShotState.READY, ShotState.FAILED, ShotState.IMAGE_READY)


def shot_charge_parts(shot: Shot) -> list[ChargePart]:
    """What generating a shot costs, in separately refundable parts (image step, video step)."""
    video_price = "shot.talking_head" if shot.kind == ShotKind.TALKING_HEAD else "shot.video"
    return [
        ChargePart("image", price("shot.image"), shot.pk),
        ChargePart("video", price(video_price), shot.pk),
    ]


def shots_generate(*, project_id: Any, actor: User, shot_ids: list[Any] | None = None) -> Run:
    """Charge for and start generating shots: the given ones, or every shot that needs it
    (planned, failed or stale). One run covers them all; each shot is a task of its own.

    Raises InvalidTransition saying why when the project or a shot cannot generate now, and
    InsufficientCredits (402) with nothing changed when the balance is short.
    """

    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id, owner=actor)
        ensure_writable(project)
        if STAGE_ORDER.index(project.status) < STAGE_ORDER.index(Stage.PRODUCTION):
            raise InvalidTransition("Generating shots needs a shot plan: plan the shots first.")
        shots = Shot.objects.select_for_update().filter(project=project).order_by("position")
        if shot_ids is not None:
            wanted = {str(pk) for pk in shot_ids}
            chosen = [shot for shot in shots if str(shot.pk) in wanted]
            if len(chosen) != len(wanted):
                raise NotFound("Shot not found.")
            for shot in chosen:
                if shot.state not in (ShotState.PLANNED, *REGENERABLE):
                    raise InvalidTransition(
                        f"Shot {shot.position + 1} is still generating; wait for it or cancel "
                        "its run."
                    )
                if shot.source == "upload":
                    raise InvalidTransition(
                        f"Shot {shot.position + 1} shows your upload; remove it (DELETE "
                        "…/media) to generate it."
                    )
        else:
            chosen = [
                shot
                for shot in shots
                if shot.source != "upload"  # the creator's own media is never generated over
                and (
                    shot.state in (ShotState.PLANNED, ShotState.FAILED)
                    or (shot.stale and shot.state in REGENERABLE)
                )
            ]
            if not chosen:
                raise InvalidTransition("Every shot is ready and up to date: nothing to generate.")
        run = run_create_charged(
            owner=actor,
            kind=RunKind.SHOTS_GENERATE,
            project=project,
            parts=[part for shot in chosen for part in shot_charge_parts(shot)],
            reason=f"{len(chosen)} shot(s) of {project.title}",
            total=len(chosen),
            params={"shots": [str(shot.pk) for shot in chosen]},
            deadline=SHOT_DEADLINE_BASE + SHOT_DEADLINE_EACH * len(chosen),
        )
        for shot in chosen:
            shot.run = run
            shot.error = ""
            name = "start_image" if shot.state == ShotState.PLANNED else "regenerate"
            transition_apply(instance=shot, name=name, actor=actor, update_fields=["run", "error"])
        enqueue_on_commit(
            run_task,
            str(run.pk),
            kind=run.kind,
            on_failure=lambda: run_fail_unqueued(run_id=run.pk),
        )
    return run
