"""Shots: the image step, then the video step, each either done here (offline providers) or
handed to a vendor whose callback continues it.

Every function here is safe to repeat. The shot row is locked for each state change and the
state decides what remains to do, so a redelivered task or a duplicate callback never redoes a
finished step; a vendor job is opened once per (run, step, shot), so a step is never submitted to a
vendor twice.

Credits follow the conservative rule: landing any usable artifact of a shot (image, animated
still, video) keeps its image-step credit; the video-step credit is kept only when the video step
delivered.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F

from billing.services import parts_delivered
from projects.models import (
    ACTIVE_RUN_STATUSES,
    BibleEntry,
    Project,
    Run,
    RunKind,
    Shot,
    ShotKind,
    ShotSource,
    ShotState,
    ShotTransition,
    Voiceover,
)
from projects.pipeline import fanin, job_handler, run_kind
from projects.pipeline.artifacts import collect_result, input_file, invoke_provider, store, workdir
from projects.pipeline.fanin import Tally
from projects.pipeline.models import VendorJob
from projects.services import run_succeed, transition_apply
from projects.stages.base import (
    locked_active_run,
    mark_delivered,
    run_project,
    story_context,
)
from projects.stages.writing import checked_shot_ideas
from projects.staleness import stale_render, stale_shots
from projects.tasks import shot_task
from vendors import registry
from vendors.base import (
    AnimateRequest,
    BibleSuggestion,
    CallbackTarget,
    ImageRequest,
    InputFile,
    MediaFile,
    PendingJob,
    ProviderError,
    ShotIdea,
    ShotSegment,
    TalkingHeadRequest,
    VisualRef,
)
from vendors.media import cut_audio
from vendors.offline.kenburns import KenBurnsVideo
from vidflow.api.error_codes import ErrorCode
from vidflow.errors import InvalidTransition

from .services import MAX_SHOTS, Segment, retime_plan, segment_narration

logger = logging.getLogger(__name__)

SETTLED = (ShotState.READY, ShotState.FAILED)
MIN_SHOT_SECONDS = 1.0


def seed_for(*parts: Any) -> int:
    """A stable seed: the same shot in the same run draws the same picture; a regeneration (a new
    run) draws a new one."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


# --- the run kind ---------------------------------------------------------------------------


@run_kind(RunKind.SHOTS_GENERATE)
def generate_shots(run: Run) -> None:
    """Fan the run's shots out as one task each, so any number of workers share them."""

    shot_ids: list[str] = run.params.get("shots", [])
    if not shot_ids:
        run_succeed(run_id=run.pk, result={"shots": {}})
        return
    if len(shot_ids) == 1:
        advance_shot(run_id=run.pk, shot_id=shot_ids[0])
        return
    for shot_id in shot_ids:
        shot_task.delay(str(run.pk), shot_id)


def advance_shot(*, run_id: Any, shot_id: Any) -> None:
    """Do whatever the shot still needs for this run, until it is settled or waits on a vendor."""
    while True:
        with transaction.atomic():
            run = Run.objects.get(pk=run_id)
            shot = Shot.objects.select_for_update().select_related("project").get(pk=shot_id)
            if run.status not in ACTIVE_RUN_STATUSES or shot.run_id != run.pk:
                return  # cancelled, reaped, or superseded by a newer run
            if shot.state == ShotState.IMAGE_READY:
                transition_apply(instance=shot, name="start_video")
                continue
            state = shot.state
        if state in SETTLED:
            settle(run_id=run_id)
            return
        try:
            step = _image_step if state == ShotState.GENERATING_IMAGE else _video_step
            landed = step(run, shot)
        except ProviderError as exc:
            step_failed(run_id=run_id, shot_id=shot_id, reason=str(exc))
            return
        if not landed:
            return  # a vendor has it; its callback (or the poller) continues


# --- steps ----------------------------------------------------------------------------------


def visual_ref(entry: BibleEntry, *, image: InputFile | None = None) -> VisualRef:
    """A bible entry's look as the image provider sees it (its colour and shape keep every
    picture of it related)."""
    return VisualRef(
        name=entry.name,
        kind=entry.kind,
        color=str(entry.traits.get("color", "")),
        shape=str(entry.traits.get("shape", "")),
        description=entry.description,
        image=image,
        icon=str(entry.traits.get("icon", "")),
    )


def _references(shot: Shot, into: Path) -> tuple[VisualRef, ...]:
    entries = [*shot.characters.all().select_related("selected_variation")]
    if shot.location_id:
        entries.append(shot.location)  # type: ignore[arg-type]
    refs = []
    for entry in entries:
        variation = entry.selected_variation
        image = input_file(variation.image, into) if variation and variation.image else None
        refs.append(visual_ref(entry, image=image))
    return tuple(refs)


def project_style(project: Project) -> str:
    """The style every picture of a project is drawn in: the project's, then its channel's."""
    channel_style = project.channel.visual_style if project.channel else ""
    return ", ".join(s for s in (project.video_style, channel_style) if s)


def _image_step(run: Run, shot: Shot) -> bool:
    provider = registry.provider("image")
    width, height = shot.project.size
    with workdir("image") as into:
        request = ImageRequest(
            prompt=shot.prompt,
            width=width,
            height=height,
            seed=seed_for(shot.pk, run.pk, "image"),
            style=project_style(shot.project),
            references=_references(shot, into),
            line=shot.line,
            context=shot.project.idea or shot.project.title,
            subjects=tuple(str(s) for s in shot.chosen_subjects),
        )
        media = _invoke(
            run,
            shot,
            provider,
            capability="image",
            purpose="shot.image",
            call=lambda callback: provider.generate(request, workdir=into, callback=callback),
        )
        if media is None:
            return False
        land_image(run_id=run.pk, shot_id=shot.pk, media=media)
    return True


def _video_step(run: Run, shot: Shot) -> bool:
    with workdir("video") as into:
        if shot.kind == ShotKind.IMAGE:
            # An image shot's video step is its animated still, always made here.
            still = _animated_still(run, shot, into)
            land_video(run_id=run.pk, shot_id=shot.pk, media=still, animated=True)
            return True
        width, height = shot.project.size
        duration = max(MIN_SHOT_SECONDS, shot.duration)
        image = input_file(shot.image, into)
        media: MediaFile | None
        if shot.kind == ShotKind.TALKING_HEAD:
            provider = registry.provider("talking_head")
            talk = TalkingHeadRequest(
                image=image,
                audio=_line_audio(shot, duration, into),
                duration=duration,
                width=width,
                height=height,
                seed=seed_for(shot.pk, run.pk, "talk"),
                prompt=shot.prompt,
            )
            media = _invoke(
                run,
                shot,
                provider,
                capability="talking_head",
                purpose="shot.video",
                call=lambda callback: provider.talk(talk, workdir=into, callback=callback),
            )
        else:
            provider = registry.provider("video")
            animate = AnimateRequest(
                image=image,
                duration=duration,
                width=width,
                height=height,
                seed=seed_for(shot.pk, run.pk, "video"),
                prompt=shot.prompt,
                line=shot.line,
                subjects=_drawn_subjects(shot),
            )
            media = _invoke(
                run,
                shot,
                provider,
                capability="video",
                purpose="shot.video",
                call=lambda callback: provider.animate(animate, workdir=into, callback=callback),
            )
        if media is None:
            return False
        # The offline provider (and a stock library that found nothing) animate the still.
        animated = provider.name == "offline" or bool(media.details.get("fallback"))
        land_video(run_id=run.pk, shot_id=shot.pk, media=media, animated=animated)
    return True


def _drawn_subjects(shot: Shot) -> tuple[str, ...]:
    """The icons the shot's picture shows: the creator's choice, else what the image step drew."""
    if shot.chosen_subjects:
        return tuple(str(icon) for icon in shot.chosen_subjects)
    return tuple(str(s["icon"]) for s in shot.subjects if isinstance(s, dict) and s.get("icon"))


def _line_audio(shot: Shot, duration: float, into: Path) -> InputFile:
    """The narration this shot covers, cut from the voiceover and stored, so that a vendor can
    fetch it later by URL (talking heads are lip-synced to it)."""
    if not shot.line_audio:
        voiceover = shot.project.voiceover
        line = cut_audio(
            input_file(voiceover.audio, into).path,
            into / "line.wav",
            start=shot.start,
            end=shot.start + duration,
        )
        with transaction.atomic():
            locked = Shot.objects.select_for_update().get(pk=shot.pk)
            if not locked.line_audio:
                store(locked.line_audio, MediaFile(path=line, content_type="audio/wav"))
                locked.save(update_fields=["line_audio"])
            shot.line_audio = locked.line_audio
    return input_file(shot.line_audio, into)


def _animated_still(run: Run, shot: Shot, into: Path) -> MediaFile:

    width, height = shot.project.size
    result = KenBurnsVideo().animate(
        AnimateRequest(
            image=input_file(shot.image, into),
            duration=max(MIN_SHOT_SECONDS, shot.duration),
            width=width,
            height=height,
            seed=seed_for(shot.pk, run.pk, "still"),
        ),
        workdir=into,
    )
    assert isinstance(result, MediaFile)  # the offline provider always finishes in the call
    return result


def _invoke(
    run: Run,
    shot: Shot,
    provider: Any,
    *,
    capability: str,
    purpose: str,
    call: Callable[[CallbackTarget | None], MediaFile | PendingJob],
) -> MediaFile | None:
    media = invoke_provider(
        run, provider=provider, capability=capability, purpose=purpose, target_id=shot.pk, call=call
    )
    if media is not None and not isinstance(media, MediaFile):
        raise ProviderError(f"the {capability} provider did not produce a file")
    return media


# --- landing artifacts and failures -------------------------------------------------------


def _locked_shot(run_id: Any, shot_id: Any, state: str) -> Shot | None:
    shot = Shot.objects.select_for_update().get(pk=shot_id)
    run_active = Run.objects.filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).exists()
    if shot.run_id != run_id or shot.state != state or not run_active:
        return None  # already landed by another delivery, or no longer this run's to change
    return shot


def land_image(*, run_id: Any, shot_id: Any, media: MediaFile) -> None:
    with transaction.atomic():
        shot = _locked_shot(run_id, shot_id, ShotState.GENERATING_IMAGE)
        if shot is None:
            return
        store(shot.image, media)
        shot.error = ""
        shot.subjects = list(media.details.get("subjects", []))
        shot.credit = dict(media.details.get("credit", {}))
        transition_apply(
            instance=shot,
            name="image_done",
            update_fields=["image", "error", "subjects", "credit"],
        )
        remember_icons(project_id=shot.project_id, icons=media.details.get("references", {}))
        parts_delivered(reference=run_id, parts=["image"], shot_id=shot.pk)


def remember_icons(*, project_id: Any, icons: dict[str, str]) -> None:
    """Give each bible entry the icon the image provider first drew it with, once: every later
    picture of it draws the same (the offline pictures report them; vendors do not)."""
    if not icons:
        return
    for entry in BibleEntry.objects.select_for_update().filter(
        project_id=project_id, name__in=list(icons)
    ):
        if not entry.traits.get("icon") and icons.get(entry.name):
            entry.traits = {**entry.traits, "icon": icons[entry.name]}
            entry.save(update_fields=["traits", "updated_at"])


def land_video(*, run_id: Any, shot_id: Any, media: MediaFile, animated: bool) -> None:
    """The video step delivered: a vendor video, or an animated still made offline."""
    with transaction.atomic():
        shot = _locked_shot(run_id, shot_id, ShotState.GENERATING_VIDEO)
        if shot is None:
            return
        field = shot.animated if animated else shot.video
        store(field, media)
        shot.stale = False
        if media.details.get("credit"):  # stock footage: its author is credited, not the still's
            shot.credit = dict(media.details["credit"])
        transition_apply(
            instance=shot,
            name="video_done",
            update_fields=["animated" if animated else "video", "stale", "credit"],
        )
        parts_delivered(reference=run_id, parts=["video"], shot_id=shot.pk)


def step_failed(*, run_id: Any, shot_id: Any, reason: str) -> None:
    """A step failed for good. A shot whose image landed keeps it, and gets an animated still made
    here so the render can still use it; only the video step is refunded when the run settles."""
    shot = Shot.objects.select_related("project").get(pk=shot_id)
    run = Run.objects.get(pk=run_id)
    fallback: MediaFile | None = None
    with workdir("fallback") as into:
        if shot.state == ShotState.GENERATING_VIDEO and shot.image and not shot.animated:
            try:
                fallback = _animated_still(run, shot, into)
            except ProviderError:
                logger.warning("no animated still for failed shot %s", shot.pk, exc_info=True)
        with transaction.atomic():
            locked = Shot.objects.select_for_update().get(pk=shot_id)
            if locked.run_id != run.pk or locked.state not in (
                ShotState.GENERATING_IMAGE,
                ShotState.GENERATING_VIDEO,
            ):
                return
            fields = ["error"]
            if fallback is not None:
                store(locked.animated, fallback)
                fields.append("animated")
                parts_delivered(reference=run.pk, parts=["animated"], shot_id=locked.pk)
            locked.error = reason[:2000]
            transition_apply(instance=locked, name="fail", update_fields=fields)
    settle(run_id=run_id)


def _shots_tally(run: Run) -> Tally:
    shot_ids = run.params.get("shots", [])
    states = dict(Shot.objects.filter(pk__in=shot_ids, run=run).values_list("pk", "state"))
    settled = [pk for pk, state in states.items() if state in SETTLED]
    failed = [str(pk) for pk, state in states.items() if state == ShotState.FAILED]
    outcome = {str(pk): str(state) for pk, state in states.items()}
    failure = None
    if failed:
        message = f"{len(failed)} of {len(shot_ids)} shots failed; their unused credit is refunded."
        failure = (ErrorCode.VENDOR_ERROR, message)
    return Tally(
        total=len(shot_ids), settled=len(settled), result={"shots": outcome}, failure=failure
    )


def settle(*, run_id: Any) -> None:
    """A shot of the run settled: finish the run when all have (``pipeline.fanin``)."""
    fanin.settle(run_id=run_id, tally=_shots_tally)


# --- vendor outcomes --------------------------------------------------------------------------


@job_handler("shot.image", "shot.video")
def shot_job_finished(job: VendorJob) -> None:
    """A vendor finished a shot's step: store its result and continue the shot."""
    if job.status != "succeeded":
        reason = (job.outcome or {}).get("error") or "the vendor reported a failure"
        step_failed(run_id=job.run_id, shot_id=job.target_id, reason=f"{job.vendor}: {reason}")
        return
    with workdir("download") as into:
        try:
            media = collect_result(job, into=into)
        except ProviderError as exc:
            step_failed(run_id=job.run_id, shot_id=job.target_id, reason=str(exc))
            return
        if job.purpose == "shot.image":
            land_image(run_id=job.run_id, shot_id=job.target_id, media=media)
        else:
            land_video(run_id=job.run_id, shot_id=job.target_id, media=media, animated=False)
    advance_shot(run_id=job.run_id, shot_id=job.target_id)


def _ideas(project: Project, segments: list[Segment], wanted: list[int]) -> dict[int, ShotIdea]:
    """The text provider's ideas (kind, prompt, who and where, transition) for the segments at
    ``wanted``. The provider sees them with their neighbours from the shot before the first to
    the last, so a chapter's first shot is planned as one (its transition, its location)."""
    if not wanted:
        return {}
    first, last = max(0, min(wanted) - 1), max(wanted)
    entries = list(BibleEntry.objects.filter(project=project))
    shot_segments = tuple(
        ShotSegment(index=i, text=s.text, start=s.start, end=s.end, chapter_index=s.chapter_index)
        for i, s in enumerate(segments[first : last + 1], start=first)
    )
    ideas = registry.provider("text").shot_ideas(
        story_context(project),
        segments=shot_segments,
        bible=tuple(
            BibleSuggestion(
                kind=e.kind,
                name=e.name,
                description=e.description,
                color=str(e.traits.get("color", "")),
                shape=str(e.traits.get("shape", "")),
            )
            for e in entries
        ),
    )
    # Crossfades where chapters start, at most a third of expensive shots: whoever planned them.
    ideas = checked_shot_ideas(ideas, shot_segments)
    return {i: ideas[i - first] for i in wanted if 0 <= i - first < len(ideas)}


def _planned_fields(
    segment: Segment, idea: ShotIdea | None, entries: dict[tuple[str, str], BibleEntry]
) -> tuple[dict[str, Any], list[BibleEntry]]:
    """A planned shot's fields from its segment and the provider's idea (without one: a still
    of the line), and the characters it shows."""
    kind = idea.kind if idea and idea.kind in ShotKind.values else ShotKind.IMAGE
    if kind == ShotKind.TALKING_HEAD and not (idea and idea.characters):
        kind = ShotKind.IMAGE  # a talking head needs someone to talk
    transition = (
        idea.transition if idea and idea.transition in ShotTransition.values else ShotTransition.CUT
    )
    fields = {
        "kind": kind,
        "prompt": (idea.prompt if idea else segment.text)[:2000],
        "line": segment.text,
        "start": segment.start,
        "end": segment.end,
        "transition_in": transition,
        "location": entries.get(("location", (idea.location if idea else "").casefold())),
    }
    characters = [
        entries[("character", n.casefold())]
        for n in (idea.characters if idea else ())
        if ("character", n.casefold()) in entries
    ]
    return fields, characters


def _entries_by_name(project: Project) -> dict[tuple[str, str], BibleEntry]:
    return {(e.kind, e.name.casefold()): e for e in BibleEntry.objects.filter(project=project)}


@run_kind(RunKind.SHOTS_PLAN)
def _plan(run: Run) -> None:
    project = run_project(run, "channel")
    voiceover = Voiceover.objects.filter(project=project).first()
    if voiceover is None or not voiceover.words:
        raise InvalidTransition("Planning shots needs a voiceover with word timings.")
    chapters = {str(c.pk) for c in project.chapters.all()}
    chapter_starts = [
        float(s["start"]) for s in voiceover.chapter_spans if str(s.get("chapterId")) in chapters
    ]
    segments = segment_narration(
        voiceover.words, duration=voiceover.duration, chapter_starts=chapter_starts
    )
    ideas = _ideas(project, segments, list(range(len(segments))))
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        entries = _entries_by_name(locked)
        Shot.objects.filter(project=locked).delete()
        for i, segment in enumerate(segments):
            fields, characters = _planned_fields(segment, ideas.get(i), entries)
            shot = Shot.objects.create(project=locked, position=i, **fields)
            if characters:
                shot.characters.set(characters)
        stale_render(project=locked)
        mark_delivered(run, "plan")
        run_succeed(run_id=run.pk, result={"shots": len(segments)})


# --- re-timing: a new voiceover moves the shots whose words it still speaks -----------------

# A kept talking head whose line now lasts this much longer or shorter no longer fits its clip.
TALKING_HEAD_DRIFT = 0.3

_GENERATING = (ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO)


@dataclass(frozen=True)
class RetimeDraft:
    """What a new voiceover will do to the shots, worked out before its landing transaction
    (the text provider is called here, never while rows are locked)."""

    words: list[dict[str, Any]]
    duration: float
    chapter_starts: list[float]
    ideas: dict[tuple[float, str], ShotIdea]  # by the replanned segment's (start, line)


def retime_draft(
    project: Project, *, words: list[dict[str, Any]], duration: float, chapter_spans: list[Any]
) -> RetimeDraft | None:
    """Prepare re-timing the project's shots to new word timings; None when there is nothing
    to re-time (no shots yet: planning them is the creator's step) or no word timings."""
    shots = list(
        Shot.objects.filter(project=project).order_by("position").values_list("pk", "line")
    )
    if not shots or not words:
        return None
    starts = [float(s["start"]) for s in chapter_spans]
    plan = retime_plan(shots, words, duration=duration, chapter_starts=starts)
    segments = [slot.segment for slot in plan.slots]
    try:
        ideas = _ideas(project, segments, plan.replanned)
    except ProviderError:
        # The voiceover is made; shots planned without an idea show their line as a still.
        logger.warning("no shot ideas for re-timed project %s", project.pk, exc_info=True)
        ideas = {}
    return RetimeDraft(
        words=words,
        duration=duration,
        chapter_starts=starts,
        ideas={(segments[i].start, segments[i].text): idea for i, idea in ideas.items()},
    )


def retime_apply(*, project: Project, draft: RetimeDraft, voice_changed: bool) -> dict[str, int]:
    """Inside the voiceover's landing transaction (``project`` locked): move every kept shot to
    its words' new place (its picture and footage stay), plan again the shots whose words
    changed (they go stale), create the shots the new narration needs more, drop the ones it
    needs fewer. Free. Returns the counts, for the run's result.

    The plan is worked out again on the locked rows, so a shot changed since the draft is seen
    as it is now; a segment the draft has no idea for is planned as a still of its line. A shot
    that would be planned again or dropped while it is generating stops the voiceover (409,
    refunded): its run would land a picture of the old words.
    """
    shots = {
        str(s.pk): s
        for s in Shot.objects.select_for_update().filter(project=project).order_by("position")
    }
    ordered = sorted(shots.values(), key=lambda s: s.position)
    plan = retime_plan(
        [(s.pk, s.line) for s in ordered],
        draft.words,
        duration=draft.duration,
        chapter_starts=draft.chapter_starts,
    )
    touched = [str(slot.shot_id) for slot in plan.slots if not slot.kept and slot.shot_id]
    busy = [
        shots[pk] for pk in [*touched, *map(str, plan.dropped)] if shots[pk].state in _GENERATING
    ]
    if busy:
        raise InvalidTransition(
            f"Shot {busy[0].position + 1} is generating and its words changed; wait for it or "
            "cancel its run, then generate the voiceover again."
        )
    entries = _entries_by_name(project)
    gone: list[str] = []
    for pk in map(str, plan.dropped):
        dropped = shots.pop(pk)
        gone += _files(dropped, "image", "animated", "video", "line_audio")
        dropped.delete()
    # Positions are unique per project: move everyone out of the way first.
    Shot.objects.filter(project=project).update(position=F("position") + MAX_SHOTS + len(ordered))
    restale: list[Any] = []
    counts = {"kept": 0, "moved": 0, "replanned": 0, "added": 0, "dropped": len(plan.dropped)}
    for position, slot in enumerate(plan.slots):
        segment = slot.segment
        shot = shots.get(str(slot.shot_id)) if slot.shot_id is not None else None
        if shot is not None and slot.kept:
            counts["kept"] += 1
            moved = (shot.start, shot.end) != (segment.start, segment.end)
            counts["moved"] += moved
            if shot.kind == ShotKind.TALKING_HEAD and (
                voice_changed
                or abs(shot.duration - (segment.end - segment.start)) > TALKING_HEAD_DRIFT
            ):
                # Its lips follow the old line's sound: it is drawn again (its picture stays
                # until then).
                gone += _files(shot, "line_audio")
                restale.append(shot.pk)
            shot.position, shot.start, shot.end, shot.line = (
                position,
                segment.start,
                segment.end,
                segment.text,
            )
            shot.save(
                update_fields=["position", "start", "end", "line", "line_audio", "updated_at"]
            )
            continue
        fields, characters = _planned_fields(
            segment, draft.ideas.get((segment.start, segment.text)), entries
        )
        if shot is None:
            counts["added"] += 1
            shot = Shot.objects.create(project=project, position=position, **fields)
        elif shot.source == ShotSource.UPLOAD:
            # The creator's own picture or footage is never drawn over: it moves to the new
            # words, stale (generate-all leaves it be) until they upload another or keep it.
            counts["replanned"] += 1
            shot.position, shot.start, shot.end, shot.line = (
                position,
                segment.start,
                segment.end,
                segment.text,
            )
            shot.save(update_fields=["position", "start", "end", "line", "updated_at"])
            restale.append(shot.pk)
            continue
        else:
            # Planned again: the old picture stays on show (stale) until it is drawn again; the
            # old footage and line sound belong to the old words, the subjects the creator
            # chose to the old prompt.
            counts["replanned"] += 1
            gone += _files(shot, "video", "line_audio")
            for name, value in fields.items():
                setattr(shot, name, value)
            shot.position = position
            shot.chosen_subjects = []
            shot.save()
            restale.append(shot.pk)
        shot.characters.set(characters)
    stale_shots(project=project, shot_ids=restale)
    for name in gone:
        transaction.on_commit(partial(default_storage.delete, name))
    return counts


def _files(shot: Shot, *fields: str) -> list[str]:
    """Empty these file fields of ``shot`` (saved by the caller); the names to delete."""
    names = []
    for field in fields:
        file = getattr(shot, field)
        if file:
            names.append(str(file.name))
            setattr(shot, field, "")
    return names
