"""Voiceover: narration audio for the hook and every chapter, joined, with word timings; and the
music bed, whose length follows the narration."""

from __future__ import annotations

import math
import wave
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.models import User
from billing.services import ChargePart, price
from projects.models import Music, Project, Run, Script, Stage, Voiceover
from projects.pipeline import run_kind
from projects.pipeline.artifacts import (
    collect_result,
    input_file,
    invoke_provider,
    store,
    workdir,
)
from projects.pipeline.jobs import register_purpose
from projects.services import run_fail, run_progress, run_succeed
from projects.staleness import after_voiceover, stale_render
from vendors import registry
from vendors.base import (
    AlignRequest,
    MediaFile,
    MusicRequest,
    ProviderError,
    SpeechRequest,
    WordTiming,
)
from vendors.models import VendorJob
from vidflow.api.error_codes import ErrorCode
from vidflow.api.exceptions import InvalidTransition, ValidationFailed

from . import (
    landed,
    lock_project,
    locked_active_run,
    narration_pace,
    run_project,
    start_run,
)
from .script import word_count

PAUSE_BETWEEN_PARTS = 0.45  # seconds of silence between the hook and each chapter
MOODS = ("calm", "upbeat", "tense", "inspiring", "dark", "playful")
MUSIC_TAIL = 2.0  # seconds the bed runs past the last word


def voice_for(project: Project, requested: str = "") -> str:
    channel = project.channel
    return requested or project.voice_id or (channel.default_voice if channel else "")


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


# --- request side ---------------------------------------------------------------------------


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
        minutes = max(1, math.ceil(sum(word_count(t) for _, t in parts) / narration_pace()))
        return start_run(
            project=project,
            actor=actor,
            kind="voiceover.generate",
            parts=[ChargePart("voiceover", price("voiceover.minute", minutes))],
            params={"voiceId": voice, "minutes": minutes},
            total=len(parts) + 1,
        )


def music_generate(*, project_id: Any, actor: User, mood: str, tempo: int) -> Run:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.VOICEOVER)
        return start_run(
            project=project,
            actor=actor,
            kind="music.generate",
            parts=[ChargePart("music", price("music"))],
            params={"mood": mood, "tempo": tempo},
        )


# --- worker side ----------------------------------------------------------------------------


def _join_wavs(paths: list[Path], dest: Path, *, pause: float) -> list[tuple[float, float]]:
    """Concatenate same-format PCM wavs with silence between them; returns each part's span."""
    spans: list[tuple[float, float]] = []
    with wave.open(str(paths[0]), "rb") as first:
        params = first.getparams()
    rate, width, channels = params.framerate, params.sampwidth, params.nchannels
    silence = b"\0" * int(rate * pause) * width * channels
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        position = 0.0
        for i, path in enumerate(paths):
            with wave.open(str(path), "rb") as part:
                if (part.getframerate(), part.getsampwidth(), part.getnchannels()) != (
                    rate,
                    width,
                    channels,
                ):
                    raise ProviderError("the speech engine changed its audio format mid-script")
                frames = part.readframes(part.getnframes())
                seconds = part.getnframes() / rate
            if i:
                out.writeframes(silence)
                position += pause
            out.writeframes(frames)
            spans.append((position, position + seconds))
            position += seconds
    return spans


@run_kind("voiceover.generate")
def _voiceover(run: Run) -> None:
    project = run_project(run, "channel")
    parts = narration_parts(project)
    if not parts:
        raise InvalidTransition("The voiceover needs narration: narrate the chapters first.")
    speech = registry.provider("speech")
    language = project.channel.language if project.channel else "en"
    voice = str(run.params.get("voiceId", ""))
    with workdir("voiceover") as into:
        wavs: list[Path] = []
        engine_words: list[list[WordTiming]] = []
        for i, (_, text) in enumerate(parts):
            result = speech.synthesize(
                SpeechRequest(text=text, voice_id=voice, language=language), workdir=into
            )
            target = into / f"part-{i:03d}.wav"
            result.audio.path.replace(target)
            wavs.append(target)
            engine_words.append(list(result.words))
            run_progress(run_id=run.pk, done=i + 1)
        joined = into / "voiceover.wav"
        spans = _join_wavs(wavs, joined, pause=PAUSE_BETWEEN_PARTS)
        duration = spans[-1][1]
        chapter_spans = [
            {"chapterId": key, "start": round(a, 3), "end": round(b, 3)}
            for (key, _), (a, b) in zip(parts, spans, strict=True)
        ]
        words: list[dict[str, Any]] = []
        source = ""
        if all(engine_words):
            source = f"{speech.name}-engine"
            for (offset, _), part_words in zip(spans, engine_words, strict=True):
                words += [
                    WordTiming(w.word, w.start + offset, w.end + offset).as_dict()
                    for w in part_words
                ]
        media = MediaFile(path=joined, content_type="audio/wav", duration=duration)
        with transaction.atomic():
            locked = locked_active_run(run)
            if locked is None:
                return
            previous = Voiceover.objects.filter(project=locked).first()
            voiceover = previous or Voiceover(project=locked)
            store(voiceover.audio, media)
            voiceover.voice_id = voice or speech.name
            voiceover.duration = round(duration, 3)
            voiceover.words = words
            voiceover.chapter_spans = chapter_spans
            voiceover.timing_source = source
            voiceover.stale = False
            voiceover.run = run
            voiceover.save()
            after_voiceover(
                project=locked,
                duration_changed=previous is None or abs(previous.duration - duration) > 0.5,
            )
            landed(run, "voiceover")
    if words:
        run_succeed(run_id=run.pk, result={"duration": round(duration, 3), "words": len(words)})
        return
    _align(run, project)


def _align(run: Run, project: Project) -> None:
    """Word timings from the timings provider (offline now, or a vendor that calls back)."""
    timings = registry.provider("timings")
    voiceover = Voiceover.objects.get(project=project)
    transcript = " ".join(text for _, text in narration_parts(project))
    language = project.channel.language if project.channel else "en"
    with workdir("align") as into:
        request = AlignRequest(
            audio=input_file(voiceover.audio, into), transcript=transcript, language=language
        )
        outcome = invoke_provider(
            run,
            provider=timings,
            capability="timings",
            purpose="voiceover.timings",
            target_id=project.pk,
            call=lambda callback: timings.align(request, workdir=into, callback=callback),
        )
    if outcome is None:
        return  # a vendor is transcribing; its callback lands the timings
    _land_timings(run, project, [w.as_dict() for w in outcome], source=timings.name)


def _land_timings(run: Run, project: Project, words: list[dict[str, Any]], *, source: str) -> None:
    if not words:
        run_fail(run_id=run.pk, code=ErrorCode.VENDOR_ERROR, message="No word timings were found.")
        return
    with transaction.atomic():
        if locked_active_run(run) is None:
            return
        Voiceover.objects.filter(project=project).update(words=words, timing_source=source)
        landed(run, "timings")
        run_succeed(run_id=run.pk, result={"words": len(words)})


def _timings_job_landed(job: VendorJob) -> None:
    run = job.run
    project = Project.objects.get(pk=job.target_id)
    outcome = job.outcome or {}
    if job.status != "succeeded":
        run_fail(
            run_id=run.pk,
            code=ErrorCode.VENDOR_ERROR,
            message=f"{job.vendor}: {outcome.get('error') or 'transcription failed'}",
        )
        return
    _land_timings(run, project, list(outcome.get("data", {}).get("words", [])), source=job.vendor)


register_purpose("voiceover.timings", _timings_job_landed)


@run_kind("music.generate")
def _music(run: Run) -> None:
    project = run_project(run)
    voiceover = Voiceover.objects.filter(project=project).first()
    duration = (voiceover.duration if voiceover else float(project.target_seconds)) + MUSIC_TAIL
    music = registry.provider("music")
    request = MusicRequest(
        mood=str(run.params.get("mood", "calm")),
        tempo=int(run.params.get("tempo", 90)),
        duration=round(duration, 2),
        seed=hash(str(run.pk)) & 0x7FFFFFFF,
    )
    with workdir("music") as into:
        media = invoke_provider(
            run,
            provider=music,
            capability="music",
            purpose="music",
            target_id=project.pk,
            call=lambda callback: music.compose(request, workdir=into, callback=callback),
        )
        if media is not None:
            _land_music(run, project, media, request)


def _land_music(run: Run, project: Project, media: MediaFile, request: MusicRequest) -> None:
    with transaction.atomic():
        if locked_active_run(run) is None:
            return
        current = Music.objects.filter(project=project).first() or Music(project=project)
        store(current.audio, media)
        current.mood = request.mood
        current.tempo = request.tempo
        current.duration = media.duration or request.duration
        current.stale = False
        current.run = run
        current.save()
        stale_render(project=project)
        landed(run, "music")
        run_succeed(run_id=run.pk, result={"duration": current.duration})


def _music_job_landed(job: VendorJob) -> None:
    run = job.run
    project = Project.objects.get(pk=job.target_id)
    if job.status != "succeeded":
        run_fail(
            run_id=run.pk,
            code=ErrorCode.VENDOR_ERROR,
            message=f"{job.vendor}: {(job.outcome or {}).get('error') or 'music failed'}",
        )
        return
    request = MusicRequest(
        mood=str(run.params.get("mood", "calm")),
        tempo=int(run.params.get("tempo", 90)),
        duration=float(project.target_seconds),
    )
    with workdir("music") as into:
        try:
            media = collect_result(job, into=into)
        except ProviderError as exc:
            run_fail(run_id=run.pk, code=ErrorCode.VENDOR_ERROR, message=str(exc))
            return
        _land_music(run, project, media, request)


register_purpose("music", _music_job_landed)
