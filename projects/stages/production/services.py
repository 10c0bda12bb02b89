"""Production: the shot plan (shots aligned to the narration's word timings), shot edits, and
generating shots (one, or all that need it)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import User
from projects.models import (
    BibleEntry,
    Run,
    RunKind,
    Shot,
    ShotState,
    Stage,
)
from projects.services import shots_generate
from projects.stages.base import (
    lock_project,
    run_launch,
)
from projects.staleness import stale_render, stale_shots
from vendors.offline.pictures import icon_index
from vidflow.errors import InvalidTransition, NotFound, ValidationFailed

TARGET_SHOT_SECONDS = 5.0


MIN_SHOT_SECONDS = 2.0


MAX_SHOT_SECONDS = 8.0


MAX_SHOTS = 400


_SENTENCE_END = (".", "!", "?", "\u2026", ":", ";")


_CLAUSE_END = (",", "\u2014", "\u2013")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    chapter_index: int


def segment_narration(
    words: Sequence[dict[str, Any]],
    *,
    duration: float,
    chapter_starts: Sequence[float] = (),
    target: float = TARGET_SHOT_SECONDS,
) -> list[Segment]:
    """Cut the narration into shots of about ``target`` seconds, at sentence ends where possible
    (else clause ends, else hard at the maximum length), never across a chapter boundary. The
    shots tile the whole voiceover: each starts where the previous ended, the first at 0 and the
    last ends at ``duration``."""
    if not words:
        return [Segment(0.0, max(duration, MIN_SHOT_SECONDS), "", 0)] if duration > 0 else []
    boundaries = sorted(s for s in chapter_starts if s > 0)

    def chapter_of(t: float) -> int:
        return sum(1 for b in boundaries if b <= t + 1e-6)

    groups: list[list[dict[str, Any]]] = [[]]
    for i, word in enumerate(words):
        current = groups[-1]
        if current and chapter_of(float(word["start"])) != chapter_of(float(current[0]["start"])):
            groups.append([])
            current = groups[-1]
        current.append(word)
        length = float(word["end"]) - float(current[0]["start"])
        text = str(word["word"]).strip()
        is_last = i == len(words) - 1
        if is_last:
            break
        if (
            (length >= target and text.endswith(_SENTENCE_END))
            or (length >= target * 1.3 and text.endswith(_CLAUSE_END))
            or length >= MAX_SHOT_SECONDS
        ):
            groups.append([])
    groups = [g for g in groups if g]
    # Fold a too-short tail into its neighbour within the same chapter.
    merged: list[list[dict[str, Any]]] = []
    for group in groups:
        short = float(group[-1]["end"]) - float(group[0]["start"]) < MIN_SHOT_SECONDS
        same_chapter = merged and chapter_of(float(merged[-1][0]["start"])) == chapter_of(
            float(group[0]["start"])
        )
        if short and same_chapter:
            merged[-1].extend(group)
        else:
            merged.append(group)
    segments = []
    for i, group in enumerate(merged):
        start = 0.0 if i == 0 else float(group[0]["start"])
        end = duration if i == len(merged) - 1 else float(merged[i + 1][0]["start"])
        segments.append(
            Segment(
                start=round(start, 3),
                end=round(max(end, start + 0.5), 3),
                text=" ".join(str(w["word"]).strip() for w in group),
                chapter_index=chapter_of(float(group[0]["start"])),
            )
        )
    return segments[:MAX_SHOTS]


def shots_plan(*, project_id: Any, actor: User, replace: bool = False) -> Run:
    """Plan shots from the voiceover's word timings (free: no vendor is paid for a plan).
    Replacing shots that were already generated throws paid work away, so it needs ``replace``."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.PRODUCTION)
        generated = project.shots.exclude(state=ShotState.PLANNED).count()
        if generated and not replace:
            raise InvalidTransition(
                f"{generated} shot(s) were already generated; send replace: true to plan anew."
            )
        if project.shots.filter(
            state__in=(ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO)
        ).exists():
            raise InvalidTransition("Shots are generating; wait for them or cancel their run.")
        return run_launch(project=project, actor=actor, kind=RunKind.SHOTS_PLAN)


def shot_edit(*, project_id: Any, actor: User, shot_id: Any, changes: dict[str, Any]) -> Shot:
    """A user's edit of a shot's plan. A generated shot whose look changes goes stale."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        shot = Shot.objects.select_for_update().filter(pk=shot_id, project=project).first()
        if shot is None:
            raise NotFound("Shot not found.")
        if shot.state in (ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO):
            raise InvalidTransition("This shot is generating; edit it when it is done.")
        entries = {str(e.pk): e for e in BibleEntry.objects.filter(project=project)}
        characters = changes.pop("characters", None)
        if characters is not None:
            unknown = [str(c) for c in characters if str(c) not in entries]
            if unknown:
                raise ValidationFailed(
                    "Unknown characters.", details={"characterIds": [f"No character {unknown[0]}."]}
                )
        if "location" in changes and changes["location"] is not None:
            location = entries.get(str(changes["location"]))
            if location is None or location.kind != "location":
                raise ValidationFailed(
                    "Unknown location.", details={"locationId": ["No such location."]}
                )
            changes["location"] = location
        chosen = changes.get("chosen_subjects")
        if chosen is not None:
            known = icon_index().icons
            unknown = [name for name in chosen if name not in known]
            if unknown:
                raise ValidationFailed(
                    f"No icon {unknown[0]!r}.",
                    details={"subjects": [f"No icon {unknown[0]!r}; search GET /api/icons?q=."]},
                )
            changes["chosen_subjects"] = list(dict.fromkeys(chosen))
        elif "prompt" in changes and changes["prompt"] != shot.prompt:
            changes["chosen_subjects"] = []  # a new prompt says what to draw
        changed = [k for k, v in changes.items() if getattr(shot, k) != v]
        for name in changed:
            setattr(shot, name, changes[name])
        if changed:
            shot.save(update_fields=[*changed, "updated_at"])
        if characters is not None and {str(c.pk) for c in shot.characters.all()} != {
            str(c) for c in characters
        }:
            shot.characters.set([entries[str(c)] for c in characters])
            changed.append("characters")
        if set(changed) & {"prompt", "kind", "characters", "location", "chosen_subjects"}:
            stale_shots(project=project, shot_ids=[shot.pk])
        elif "transition_in" in changed:
            stale_render(project=project)
        return Shot.objects.get(pk=shot.pk)


def shot_generate(*, project_id: Any, actor: User, shot_id: Any) -> Run:
    return shots_generate(project_id=project_id, actor=actor, shot_ids=[shot_id])


def wait_for_run(run: Run, *, timeout: float | None = None) -> tuple[Run, bool]:
    """``asyncVideo: false``: hold the request until the run finishes, bounded. Returns the run
    as it is then and whether it finished."""
    limit = settings.SHOT_SYNC_WAIT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + limit
    while True:
        run = Run.objects.get(pk=run.pk)  # re-read: no shared state touched in a request
        if not run.is_active:
            return run, True
        if time.monotonic() >= deadline:
            return run, False
        time.sleep(0.5)
