"""Voiceover: narration audio for the hook and every chapter, joined, with word timings; and the
music bed, whose length follows the narration."""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction

from accounts.models import User
from billing.services import ChargePart, price
from projects.models import Project, Run, RunKind, Script, Stage
from projects.stages.base import (
    lock_project,
    narration_pace,
    run_launch,
)
from vendors import registry
from vendors.base import (
    ProviderError,
)
from vendors.text import word_count
from vidflow.errors import InvalidTransition, ValidationFailed

PAUSE_BETWEEN_PARTS = 0.45  # seconds of silence between the hook and each chapter


MOODS = ("calm", "upbeat", "tense", "inspiring", "dark", "playful")


MUSIC_TAIL = 2.0  # seconds the bed runs past the last word


def voice_for(project: Project, requested: str = "") -> str:
    channel = project.channel
    return requested or project.voice_id or (channel.default_voice if channel else "")


def language_of(project: Project) -> str:
    """The narration's language (BCP 47): the project's channel's, set through the channel or
    the project's channel setup; English without one."""
    channel = project.channel
    return (channel.language if channel else "") or "en"


def default_voice_for(language: str) -> str:
    """The speech provider's own choice for a language (offline: Kokoro's best voice for it,
    else eSpeak NG's), recorded on the run so the voiceover says which voice spoke; "" when the
    provider does not choose (a vendor's configured voice)."""
    choose = getattr(registry.provider("speech"), "default_voice", None)
    if choose is None:
        return ""
    try:
        return str(choose(language))
    except ProviderError:
        return ""  # nothing installed: the run says so


def check_voice(voice_id: str) -> None:
    """An unknown voice is a 400 naming the field, before anything is charged."""
    if not voice_id:
        return
    try:
        known = {v.id for v in registry.provider("speech").voices()}
    except ProviderError:
        return  # a vendor that cannot list voices right now: let the run find out
    if voice_id not in known:
        raise ValidationFailed(
            "Unknown voice.", details={"voiceId": [f"No voice {voice_id!r}; see GET /api/voices."]}
        )


def narration_parts(project: Project) -> list[tuple[str, str]]:
    """(span key, text) in speaking order: the hook, then each chapter."""
    script = Script.objects.filter(project=project).first()
    parts = [("hook", script.hook)] if script and script.hook.strip() else []
    parts += [(str(c.pk), c.narration) for c in project.chapters.all() if c.narration.strip()]
    return parts


def voiceover_generate(*, project_id: Any, actor: User, voice_id: str = "") -> Run:
    """Speak the script. Charged per started minute, estimated from the words at the voice's
    pace, before any audio exists."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.VOICEOVER)
        parts = narration_parts(project)
        if not parts:
            raise InvalidTransition("The voiceover needs narration: narrate the chapters first.")
        voice = voice_for(project, voice_id)
        check_voice(voice)
        voice = voice or default_voice_for(language_of(project))
        minutes = max(1, math.ceil(sum(word_count(t) for _, t in parts) / narration_pace()))
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.VOICEOVER_GENERATE,
            parts=[ChargePart("voiceover", price("voiceover.minute", minutes))],
            params={"voiceId": voice, "minutes": minutes},
            total=len(parts) + 1,
        )


def music_generate(*, project_id: Any, actor: User, mood: str, tempo: int) -> Run:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.VOICEOVER)
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.MUSIC_GENERATE,
            parts=[ChargePart("music", price("music"))],
            params={"mood": mood, "tempo": tempo},
        )
