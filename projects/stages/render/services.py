"""Rendering: the shot timeline to final.mp4 (with its caption files and the quality check it must
pass), the thumbnail from a key shot, and the publish context a YouTube upload needs.

Money: a render is charged up front (``render``) and its part lands only when the file is stored
after passing the quality check, so a render that fails, is cancelled or is reaped is refunded by
the run's own bookkeeping. The same holds for a thumbnail (``thumbnail``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction

from accounts.models import User
from billing.services import ChargePart, price
from projects.models import (
    ACTIVE_RUN_STATUSES,
    STAGE_ORDER,
    Project,
    Render,
    Run,
    RunKind,
    Shot,
    ShotKind,
    ShotTransition,
    Stage,
    Thumbnail,
    Voiceover,
    frame_size,
)
from projects.pipeline.artifacts import input_file
from projects.stages.base import (
    lock_project,
    run_launch,
)
from vendors.base import ProviderError
from vendors.media import media_duration
from vendors.render import (
    TimelineShot,
)
from vidflow.errors import InvalidTransition, NotFound
from vidflow.storage import artifact_url, download_name

logger = logging.getLogger(__name__)


RENDER_KIND = RunKind.RENDER_FINAL


THUMBNAIL_KIND = RunKind.THUMBNAIL_GENERATE


CROSSFADE_SECONDS = 0.5


PROGRESS_EVERY = 1.0  # seconds between progress writes (and checks for a cancelled run)


DESCRIPTION_LIMIT = 5000  # YouTube's


MIN_CHAPTER_SECONDS = 10.0  # YouTube's chapter rules: 00:00 first, at least 3, each >= 10 s


MIN_CHAPTERS = 3


HOLD_TOLERANCE = (
    0.5  # seconds an animated still may fall short of its shot before the image is used
)

OVERLAP = 0.5  # seconds a bad stretch must share with a shot to be blamed on it (fades blur edges)


def render_start(
    *, project_id: Any, actor: User, captions: bool = True, resolution: str | None = None
) -> Run:
    """Charge for a render and start it. 409 INVALID_TRANSITION, with nothing charged, before the
    shot plan, without a voiceover, while a shot has no picture at all (the message and
    ``details.shotIds`` name them) or while another render of the project runs."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        voiceover = renderable(project)
        if Run.objects.filter(
            project=project, kind=RENDER_KIND, status__in=ACTIVE_RUN_STATUSES
        ).exists():
            raise InvalidTransition("A render is already running; wait for it or cancel it.")
        width, height = frame_size(project.aspect_ratio, resolution or project.resolution)
        return run_launch(
            project=project,
            actor=actor,
            kind=RENDER_KIND,
            parts=[ChargePart("render", price("render"))],
            params={"captions": captions, "width": width, "height": height},
            total=max(1, math.ceil(voiceover.duration)),
        )


def renderable(project: Project) -> Voiceover:
    """The voiceover to render under, once every precondition of a render holds."""
    if STAGE_ORDER.index(project.status) < STAGE_ORDER.index(Stage.PRODUCTION):
        raise InvalidTransition("Rendering needs a shot plan: plan the shots first.")
    voiceover = Voiceover.objects.filter(project=project).first()
    if voiceover is None or not voiceover.audio or voiceover.duration <= 0:
        raise InvalidTransition("Rendering needs a voiceover: generate it first.")
    shots = list(project.shots.order_by("position"))
    if not shots:
        raise InvalidTransition("Rendering needs a shot plan: plan the shots first.")
    bare = [s for s in shots if not (s.video or s.animated or s.image)]
    if bare:
        numbers = ", ".join(str(s.position + 1) for s in bare)
        raise InvalidTransition(
            f"Shot{'s' if len(bare) > 1 else ''} {numbers} need{'' if len(bare) > 1 else 's'} "
            "generating first: there is no picture to show yet.",
            details={"shotIds": [str(s.pk) for s in bare]},
        )
    return voiceover


def thumbnail_generate(
    *, project_id: Any, actor: User, shot_id: Any = None, title: str | None = None
) -> Run:
    """Charge for a thumbnail from ``shot_id``'s image (default: the key shot) with ``title``
    (default: the selected title) and start it."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        shot = key_shot(project, shot_id)
        text = " ".join((title or project.selected_title or project.title).split())
        return run_launch(
            project=project,
            actor=actor,
            kind=THUMBNAIL_KIND,
            parts=[ChargePart("thumbnail", price("thumbnail"))],
            params={"shotId": str(shot.pk), "title": text},
        )


def key_shot(project: Project, shot_id: Any = None) -> Shot:
    """The shot a thumbnail is made from: the one asked for, else the first whose image shows a
    character (a face draws the eye), else the first with an image."""
    if shot_id is not None:
        shot = Shot.objects.filter(project=project, pk=shot_id).first()
        if shot is None:
            raise NotFound("Shot not found.")
        if not shot.image:
            raise InvalidTransition(
                f"Shot {shot.position + 1} has no image yet: generate it first."
            )
        return shot
    drawn = Shot.objects.filter(project=project).exclude(image="").order_by("position")
    shot = drawn.filter(characters__isnull=False).first() or drawn.first()
    if shot is None:
        raise InvalidTransition("The thumbnail needs a shot with an image: generate shots first.")
    return shot


class RenderStopped(Exception):
    """The run stopped being active mid-render (cancelled, reaped): abandon the work."""


@dataclass(frozen=True)
class Placed:
    shot: Shot
    piece: TimelineShot


def timeline_of(shots: list[Shot], *, narration: float, into: Any) -> list[Placed]:
    """The shot plan as the renderer sees it: each shot from its start to the next one's (the
    first from 0, the last to the narration's end), showing its video, else its animated
    still, else its image (which gets a Ken Burns move); crossfading in where it says so."""
    ordered = sorted(shots, key=lambda s: s.position)
    placed: list[Placed] = []
    for i, shot in enumerate(ordered):
        start = 0.0 if i == 0 else shot.start
        end = min(narration, ordered[i + 1].start if i + 1 < len(ordered) else narration)
        if end - start < 1 / 30:
            continue  # covered by its neighbours (or past the narration's end)
        fade = shot.transition_in == ShotTransition.CROSSFADE and bool(placed)
        source = input_file(shot.video or shot.animated or shot.image, into).path
        if _still_runs_short(shot, source, end - start):
            source = input_file(shot.image, into).path
        piece = TimelineShot(
            source=source,
            start=start,
            end=end,
            crossfade=CROSSFADE_SECONDS if fade else 0.0,
            seed=str(shot.pk),
        )
        placed.append(Placed(shot, piece))
    return placed


def _still_runs_short(shot: Shot, source: Path, seconds: float) -> bool:
    """A shot re-timed longer than the animated still made for it: the renderer moves over its
    image for the whole new length instead of holding the still's last frame (the picture is
    the same; only the move is made anew). Footage (a vendor video, a talking head) is cut and
    held as it is."""
    if shot.video or not shot.animated or not shot.image or shot.kind == ShotKind.TALKING_HEAD:
        return False
    try:
        return media_duration(source) < seconds - HOLD_TOLERANCE
    except ProviderError:
        return True


Artifact = TypeVar("Artifact", Render, Thumbnail)


def latest_run(project: Project, kind: str) -> Run | None:
    return Run.objects.filter(project=project, kind=kind).order_by("-created_at").first()


def youtube_chapters(
    spans: list[dict[str, Any]], titles: dict[str, str], *, duration: float
) -> list[dict[str, Any]]:
    """YouTube chapter timestamps from the voiceover's spans (the hook, then each chapter).

    YouTube shows chapters only when the first is at 00:00, there are at least three and each
    lasts at least 10 s. The first mark is moved to 00:00; a part shorter than 10 s is merged
    with its shorter neighbour (the merged part keeps the longer one's title, so a short hook
    becomes part of the first chapter); fewer than three parts left gives no chapters at all.
    """
    marks = []
    for span in sorted(spans, key=lambda s: float(s.get("start", 0))):
        key = str(span.get("chapterId", ""))
        title = "Intro" if key == "hook" else titles.get(key)
        if title:
            marks.append((float(span["start"]), " ".join(title.split())[:100]))
    if not marks or duration <= 0:
        return []
    starts = [0.0] + [start for start, _ in marks[1:]]
    ends = [*starts[1:], duration]
    parts = [(a, b, title) for a, b, (_, title) in zip(starts, ends, marks, strict=True)]

    def length(part: tuple[float, float, str]) -> float:
        return part[1] - part[0]

    while len(parts) > 1:
        short = min(range(len(parts)), key=lambda i: length(parts[i]))
        if length(parts[short]) >= MIN_CHAPTER_SECONDS:
            break
        neighbours = [i for i in (short - 1, short + 1) if 0 <= i < len(parts)]
        other = min(neighbours, key=lambda i: length(parts[i]))
        a, b = sorted((short, other))
        title = max(parts[a], parts[b], key=length)[2]
        parts[a : b + 1] = [(parts[a][0], parts[b][1], title)]
    if len(parts) < MIN_CHAPTERS:
        return []
    return [
        {"seconds": math.floor(start), "time": _clock(start, long=duration >= 3600), "title": title}
        for start, _, title in parts
    ]


def _clock(seconds: float, *, long: bool) -> str:
    whole = math.floor(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if long else f"{minutes:02d}:{secs:02d}"


def publish_context(*, project: Project) -> dict[str, Any]:
    """What an upload needs: title, description draft (with the chapter timestamps, which is how
    YouTube learns them), tags, chapters, thumbnail and video links. Reads only: the draft was
    written by the render run."""
    current = Render.objects.filter(project=project).first()
    thumbnail = Thumbnail.objects.filter(project=project).first()
    voiceover = Voiceover.objects.filter(project=project).first()
    chapters: list[dict[str, Any]] = []
    if voiceover is not None:
        titles = {str(c.pk): c.title for c in project.chapters.all()}
        duration = current.duration if current else voiceover.duration
        chapters = youtube_chapters(voiceover.chapter_spans, titles, duration=duration)
    copy = current.publish_copy if current else {}
    block = "\n".join(f"{c['time']} {c['title']}" for c in chapters)
    # The stock libraries' credits (Pexels asks for "Photo by X on Pexels"), once each.
    credits = list(
        dict.fromkeys(
            str(c.get("text", ""))
            for c in project.shots.order_by("position").values_list("credit", flat=True)
            if c and c.get("text")
        )
    )
    if credits:
        block = "\n\n".join(p for p in (block, "Credits:\n" + "\n".join(credits)) if p)
    draft = str(copy.get("description", ""))
    room = DESCRIPTION_LIMIT - (len(block) + 2 if block else 0)
    description = "\n\n".join(p for p in (draft[:room].rstrip(), block) if p)
    title = str(copy.get("title") or project.selected_title or project.title)
    note = ""
    if voiceover is not None and not chapters:
        parts = len(voiceover.chapter_spans)
        note = (
            f"No chapters: YouTube shows chapters only when there are at least {MIN_CHAPTERS}, "
            f"the first at 00:00 and each at least {MIN_CHAPTER_SECONDS:g} s long, and this "
            f"video's {parts} parts (the hook and the chapters) do not make {MIN_CHAPTERS} of "
            f"at least {MIN_CHAPTER_SECONDS:g} s. Longer chapters, or more of them, bring them."
        )

    def link(file: Any, what: str) -> str | None:
        return artifact_url(file, filename=download_name(title, what, file.name))

    return {
        "title": title,
        "description": description,
        "draft": draft,
        "edited": bool(copy.get("edited")),
        "chapterRules": (
            f"YouTube makes chapters of the description's timestamps when the first is 00:00, "
            f"there are at least {MIN_CHAPTERS} and each lasts at least "
            f"{MIN_CHAPTER_SECONDS:g} s."
        ),
        "chaptersNote": note,
        "tags": list(copy.get("tags", [])),
        "writtenBy": str(copy.get("writtenBy", "")),
        "chapters": chapters,
        "thumbnailUrl": link(thumbnail.image, "thumbnail") if thumbnail else None,
        "videoUrl": link(current.video, "final") if current else None,
        "srtUrl": link(current.srt, "final") if current else None,
        "vttUrl": link(current.vtt, "final") if current else None,
        "duration": current.duration if current else None,
        "stale": {
            "render": bool(current and current.stale),
            "thumbnail": bool(thumbnail and thumbnail.stale),
        },
    }


def publish_copy_edit(*, project_id: Any, actor: User, changes: dict[str, Any]) -> dict[str, Any]:
    """The creator's own title, description (without the chapter list, which is added) and tags
    for the upload; kept on the render, and kept by later renders."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        current = Render.objects.select_for_update().filter(project=project).first()
        if current is None or not current.video:
            raise InvalidTransition("Render the video first: the publish context is built from it.")
        copy = dict(current.publish_copy or {})
        for key in ("title", "description", "tags"):
            if key in changes:
                copy[key] = changes[key]
        copy["edited"] = True
        current.publish_copy = copy
        current.save(update_fields=["publish_copy", "updated_at"])
    return publish_context(project=project)
