"""The render stage's work on a worker: its run kinds and vendor-job handlers."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from projects.models import (
    ACTIVE_RUN_STATUSES,
    Music,
    Project,
    Render,
    Run,
    Script,
    Shot,
    Stage,
    Thumbnail,
)
from projects.pipeline import run_kind
from projects.pipeline.artifacts import input_file, store, workdir
from projects.pipeline.render_cache import collect_render_cache, project_render_cache
from projects.services import project_advance, run_fail, run_progress, run_succeed
from projects.stages.base import (
    locked_active_run,
    mark_delivered,
    run_project,
    story_context,
)
from projects.stages.script.services import outline_of
from projects.stages.writing import checked_publish_copy, writer_of
from vendors import registry
from vendors.base import MediaFile, ProviderError, WordTiming
from vendors.render import (
    QualityReport,
    RenderOptions,
    caption_style_for,
    quality_check,
    render,
    to_srt,
    to_vtt,
)
from vendors.render.thumbnail import compose_thumbnail
from vidflow.api.error_codes import ErrorCode
from vidflow.errors import InvalidTransition
from vidflow.events import EventType, event_emit

from .services import (
    OVERLAP,
    PROGRESS_EVERY,
    RENDER_KIND,
    THUMBNAIL_KIND,
    Artifact,
    Placed,
    RenderStopped,
    logger,
    renderable,
    timeline_of,
)


class _Progress:
    """Writes the render's progress (seconds encoded) to the run at most once a second, and
    stops the render when the run is no longer active."""

    def __init__(self, run: Run) -> None:
        self.run_id = run.pk
        self.last = 0.0

    def __call__(self, done: float, total: float) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        if not Run.objects.filter(pk=self.run_id, status__in=ACTIVE_RUN_STATUSES).exists():
            raise RenderStopped
        run_progress(run_id=self.run_id, done=int(done))


@run_kind(RENDER_KIND)
def _render(run: Run) -> None:
    project = run_project(run, "channel")
    voiceover = renderable(project)
    music = Music.objects.filter(project=project).exclude(audio="").first()
    words = [
        WordTiming(str(w["word"]), float(w["start"]), float(w["end"])) for w in voiceover.words
    ]
    channel = project.channel
    style = caption_style_for(
        channel.visual_style if channel else "", channel.language if channel else "en"
    )
    options = RenderOptions(
        width=int(run.params.get("width") or project.size[0]),
        height=int(run.params.get("height") or project.size[1]),
        captions=style if run.params.get("captions", True) else None,
    )
    copy = _publish_copy(project)
    cache = project_render_cache(project.pk)  # the segments earlier renders encoded
    with workdir("render") as into:
        placed = timeline_of(list(project.shots.all()), narration=voiceover.duration, into=into)
        try:
            result = render(
                [p.piece for p in placed],
                into / "final.mp4",
                voice=input_file(voiceover.audio, into).path,
                music=input_file(music.audio, into).path if music else None,
                words=words,
                options=options,
                on_progress=_Progress(run),
                cache=cache,
            )
        except RenderStopped:
            return
        finally:
            collect_render_cache(cache)
        report = quality_check(
            result.path, narration=voiceover.duration, expected_still=result.holds
        )
        quality = {
            **report.as_dict(),
            "mix": result.audio,
            "segments": result.segments,
            "segmentsReused": result.reused,
            "soundReused": result.sound_reused,
            "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
        }
        if not report.passed:
            _quality_failed(run, report, quality, placed)
            return
        captions_files = []
        if words:
            for suffix, text in (("srt", to_srt(words, style)), ("vtt", to_vtt(words, style))):
                path = into / f"final.{suffix}"
                path.write_text(text, encoding="utf-8")
                captions_files.append(MediaFile(path=path, content_type=f"text/{suffix}"))
        with transaction.atomic():
            locked = locked_active_run(run)
            if locked is None:
                return
            current = _locked_row(Render, locked)
            store(current.video, MediaFile(result.path, "video/mp4", result.duration))
            for field, media in zip((current.srt, current.vtt), captions_files, strict=False):
                store(field, media)
            current.duration = round(result.duration, 3)
            current.width, current.height = result.width, result.height
            current.captions = options.captions is not None
            current.quality = quality
            if not (current.publish_copy or {}).get("edited"):  # the creator's copy stays
                current.publish_copy = copy
            current.stale = False
            current.run = run
            current.save()
            mark_delivered(run, "render")
            project_advance(project_id=locked.pk, to=Stage.PUBLISH)
            rendered = {
                "duration": current.duration,
                "width": result.width,
                "height": result.height,
                "loudness": report.loudness["integrated"],
                "quality": "passed",
            }
            run_succeed(run_id=run.pk, result=rendered)
            event_emit(
                owner_id=run.owner_id,
                event_type=EventType.PROJECT_RENDERED,
                data={
                    "project": {"id": str(locked.pk), "title": locked.title},
                    "runId": str(run.pk),
                    "render": rendered,
                },
            )


def _quality_failed(
    run: Run, report: QualityReport, quality: dict[str, Any], placed: list[Placed]
) -> None:
    """Fail the run with what failed (and which shots a bad picture is in); the run's report is
    kept in its result, and the unlanded render part is refunded. A bad picture that lies only in
    vendor videos is the vendor's (VENDOR_ERROR); anything else is ours (INTERNAL_ERROR)."""
    hit = [
        p
        for p in placed
        if any(
            min(s["end"], p.piece.end) - max(s["start"], p.piece.start) >= OVERLAP
            for s in report.stills
        )
    ]
    message = "The render failed its quality check: " + "; ".join(report.failures)
    if hit:
        message += f" (in shot {', '.join(str(p.shot.position + 1) for p in hit)})"
    picture_only = len(report.failures) == len(report.stills)
    vendors_only = bool(hit) and all(bool(p.shot.video) for p in hit)
    Run.objects.filter(pk=run.pk).update(result={"quality": quality})
    run_fail(
        run_id=run.pk,
        code=ErrorCode.VENDOR_ERROR if picture_only and vendors_only else ErrorCode.INTERNAL_ERROR,
        message=message,
    )


def _publish_copy(project: Project) -> dict[str, Any]:
    """The text provider's description draft and tags, written here (not when the publish context
    is read) so that reading it never waits on a text vendor. A writer that fails costs the
    render nothing: the publish context then has no draft."""
    script = Script.objects.filter(project=project).first()
    text = registry.provider("text")
    try:
        copy = checked_publish_copy(
            text.publish_copy(
                story_context(project),
                outline=outline_of(project),
                hook=script.hook if script else "",
            )
        )
    except ProviderError:
        logger.warning("no publish copy for project %s", project.pk, exc_info=True)
        return {}
    return {
        "description": copy.description,
        "tags": list(copy.tags),
        "writtenBy": writer_of(text),
    }


def _locked_row(model: type[Artifact], project: Project) -> Artifact:
    """The project's one row of ``model`` (a render, a thumbnail), locked, or a new one."""
    return model.objects.select_for_update().filter(project=project).first() or model(
        project=project
    )


@run_kind(THUMBNAIL_KIND)
def _thumbnail(run: Run) -> None:
    project = run_project(run, "channel")
    shot = Shot.objects.filter(project=project, pk=run.params.get("shotId")).first()
    if shot is None or not shot.image:
        raise InvalidTransition("The shot chosen for the thumbnail has no image any more.")
    title = str(run.params.get("title", ""))
    channel = project.channel
    accent = caption_style_for(channel.visual_style if channel else "").highlight
    with workdir("thumbnail") as into:
        image = compose_thumbnail(
            input_file(shot.image, into).path,
            title,
            into / "thumbnail.jpg",
            accent=accent,
            language=channel.language if channel else "",
        )
        with transaction.atomic():
            locked = locked_active_run(run)
            if locked is None:
                return
            current = _locked_row(Thumbnail, locked)
            store(current.image, MediaFile(image, "image/jpeg"))
            current.title = title[:200]
            current.shot = shot
            current.stale = False
            current.run = run
            current.save()
            mark_delivered(run, "thumbnail")
            run_succeed(
                run_id=run.pk,
                result={"shotId": str(shot.pk), "title": title, "bytes": image.stat().st_size},
            )
