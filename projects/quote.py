"""What it costs from a project's current state to an up-to-date final.mp4: each remaining step,
its credits and the total, and whether the balance covers it (``GET /api/projects/{id}/quote``).

Every step is priced by the same rule its route charges by (``billing.services.price`` on the one
price table), from what exists now: an outline that is missing, chapters without narration, a
voiceover that is missing or stale, shots that are planned, failed or stale, a render that is
missing or stale. What cannot be known yet is estimated and marked so: the voiceover's minutes
before the narration is written (from the target length at the voice's pace) and the shots
before they are planned (one per ``TARGET_SHOT_SECONDS`` of narration, image + video step each).
The visual bible is quoted at what its run holds up front (every slot it may draw; the slots it
does not draw are refunded), so a quote that is covered never runs out half way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from billing.prices import UNITS
from billing.services import balance_of, price
from projects.models import (
    Music,
    Project,
    Render,
    Run,
    RunStatus,
    Script,
    ShotKind,
    ShotState,
    Stage,
    Voiceover,
)
from projects.stages.base import narration_pace
from projects.stages.production.services import TARGET_SHOT_SECONDS
from projects.stages.script.services import word_count
from projects.stages.visual_bible.services import BIBLE_RUN

REGENERABLE = (ShotState.READY, ShotState.FAILED, ShotState.IMAGE_READY)


@dataclass(frozen=True)
class QuoteStep:
    step: str  # outline, hook, chapters, visual_bible, voiceover, music, shots, render
    label: str
    action: str  # the price table's entry
    quantity: int
    unit: str
    credits: int
    estimate: bool = False
    note: str = ""


def _step(
    step: str, label: str, action: str, quantity: int = 1, *, estimate: bool = False, note: str = ""
) -> QuoteStep:
    return QuoteStep(
        step=step,
        label=label,
        action=action,
        quantity=quantity,
        unit=UNITS.get(action, ("unit", ""))[0],
        credits=price(action, quantity),
        estimate=estimate,
        note=note,
    )


def quote_steps(
    project: Project, *, music: bool = True, visual_bible: bool = True
) -> list[QuoteStep]:
    """The billable steps still between ``project`` and an up-to-date final.mp4, in order."""
    steps: list[QuoteStep] = []
    chapters = [n for (n,) in project.chapters.values_list("narration")]
    # Only the columns the rule needs: the voiceover's word timings, the render's quality report
    # and the like are never loaded.
    hook, hook_stale = Script.objects.filter(project=project).values_list(
        "hook", "hook_stale"
    ).first() or ("", False)
    pace = narration_pace()

    if not chapters:
        steps.append(_step("outline", "Write the outline", "script.outline"))
    if not hook.strip() or hook_stale:
        steps.append(_step("hook", "Write the hook", "script.hook"))
    unnarrated = [n for n in chapters if not n.strip()]
    if not chapters or len(unnarrated) == len(chapters):
        steps.append(_step("chapters", "Narrate the chapters", "script.chapters"))
    elif unnarrated:
        each = min(price("script.chapter", len(unnarrated)), price("script.chapters"))
        action = "script.chapters" if each == price("script.chapters") else "script.chapter"
        count = 1 if action == "script.chapters" else len(unnarrated)
        steps.append(_step("chapters", "Narrate the missing chapters", action, count))

    before_bible = project.status in (Stage.IDEATION, Stage.SCRIPT)
    if (
        visual_bible
        and before_bible
        and not project.bible_entries.exists()
        and not Run.objects.filter(
            project=project, kind=BIBLE_RUN, status=RunStatus.SUCCEEDED
        ).exists()
    ):
        slots = settings.VISUAL_BIBLE_MAX_CHARACTERS + settings.VISUAL_BIBLE_MAX_LOCATIONS
        steps.append(
            _step(
                "visual_bible",
                "Draw the visual bible",
                "visual_bible.variation",
                slots,
                note=f"held for up to {slots} pictures; the ones not drawn are refunded",
            )
        )

    # Words of the narration as it will be spoken: what exists, else the target length.
    words = sum(word_count(n) for n in chapters)
    words += word_count(hook)
    narration_estimated = not chapters or bool(unnarrated)
    if narration_estimated:
        words = max(words, round(project.target_seconds / 60 * pace))
    voiced = (
        Voiceover.objects.filter(project=project)
        .exclude(words=[])
        .values_list("duration", "stale")
        .first()
    )
    new_voiceover = (
        voiced is None or voiced[1] or any(s.step in ("hook", "chapters") for s in steps)
    )
    if new_voiceover:
        minutes = max(1, math.ceil(words / pace))
        steps.append(
            _step(
                "voiceover",
                "Speak the voiceover",
                "voiceover.minute",
                minutes,
                estimate=narration_estimated,
            )
        )
    if music:
        bed = Music.objects.filter(project=project).values_list("audio", "stale").first()
        if bed is None or not bed[0] or bed[1]:
            steps.append(_step("music", "Compose the music", "music"))

    shots = list(project.shots.values_list("state", "stale", "kind"))
    if not shots:
        seconds = voiced[0] if voiced is not None and voiced[0] and not new_voiceover else 0.0
        seconds = seconds or words / pace * 60
        count = max(1, math.ceil(seconds / TARGET_SHOT_SECONDS))
        for action, label in (("shot.image", "Draw every shot"), ("shot.video", "Animate them")):
            steps.append(
                _step(
                    "shots",
                    label,
                    action,
                    count,
                    estimate=True,
                    note="before the plan: about one shot per "
                    f"{TARGET_SHOT_SECONDS:g} s of narration",
                )
            )
    else:
        todo = [
            (state, kind)
            for state, stale, kind in shots
            if state in (ShotState.PLANNED, ShotState.FAILED) or (stale and state in REGENERABLE)
        ]
        if todo:
            talking = sum(1 for _, kind in todo if kind == ShotKind.TALKING_HEAD)
            steps.append(_step("shots", "Draw the shots that need it", "shot.image", len(todo)))
            if len(todo) - talking:
                steps.append(_step("shots", "Animate them", "shot.video", len(todo) - talking))
            if talking:
                steps.append(_step("shots", "Make the talking heads", "shot.talking_head", talking))

    render = Render.objects.filter(project=project).values_list("video", "stale").first()
    if steps or render is None or not render[0] or render[1]:
        steps.append(_step("render", "Render final.mp4", "render"))
    return steps


def project_quote(
    *, project: Project, music: bool = True, visual_bible: bool = True
) -> dict[str, Any]:
    steps = quote_steps(project, music=music, visual_bible=visual_bible)
    total = sum(s.credits for s in steps)
    balance = balance_of(user=project.owner)
    return {
        "projectId": str(project.pk),
        "steps": [
            {
                "step": s.step,
                "label": s.label,
                "action": s.action,
                "quantity": s.quantity,
                "unit": s.unit,
                "credits": s.credits,
                "estimate": s.estimate,
                "note": s.note,
            }
            for s in steps
        ],
        "total": total,
        "balance": balance,
        "covered": balance >= total,
        "shortfall": max(0, total - balance),
        "estimate": any(s.estimate for s in steps),
        "upToDate": not steps,
    }
