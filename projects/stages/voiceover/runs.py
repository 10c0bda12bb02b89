"""The voiceover stage's work on a worker: its run kinds and vendor-job handlers."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

from django.db import transaction

from projects.models import Music, Project, Run, RunKind, Voiceover
from projects.pipeline import job_handler, run_kind
from projects.pipeline.artifacts import (
    collect_result,
    input_file,
    invoke_provider,
    store,
    workdir,
)
from projects.pipeline.models import VendorJob
from projects.services import run_fail, run_progress, run_succeed
from projects.stages.base import (
    locked_active_run,
    mark_delivered,
    run_project,
)
from projects.stages.production.runs import retime_apply, retime_draft
from projects.staleness import after_voiceover, stale_render, stale_shots
from vendors import registry
from vendors.base import (
    AlignRequest,
    MediaFile,
    MusicRequest,
    ProviderError,
    SpeechRequest,
    WordTiming,
)
from vidflow.api.error_codes import ErrorCode
from vidflow.errors import InvalidTransition

from .services import MUSIC_TAIL, PAUSE_BETWEEN_PARTS, language_of, narration_parts


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


@run_kind(RunKind.VOICEOVER_GENERATE)
def _voiceover(run: Run) -> None:
    project = run_project(run, "channel")
    parts = narration_parts(project)
    if not parts:
        raise InvalidTransition("The voiceover needs narration: narrate the chapters first.")
    speech = registry.provider("speech")
    language = language_of(project)
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
        draft = retime_draft(
            project, words=words, duration=round(duration, 3), chapter_spans=chapter_spans
        )
        with transaction.atomic():
            locked = locked_active_run(run)
            if locked is None:
                return
            previous = Voiceover.objects.filter(project=locked).first()
            voiceover = previous or Voiceover(project=locked)
            voice_changed = previous is not None and previous.voice_id != (voice or speech.name)
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
            shots = (
                retime_apply(project=locked, draft=draft, voice_changed=voice_changed)
                if draft is not None
                else None
            )
            if not words:
                # The timings come later (a vendor); the shots are re-timed when they land.
                run.params = {**run.params, "voiceChanged": voice_changed}
                Run.objects.filter(pk=run.pk).update(params=run.params)
            mark_delivered(run, "voiceover")
    if words:
        outcome: dict[str, Any] = {"duration": round(duration, 3), "words": len(words)}
        run_succeed(run_id=run.pk, result={**outcome, **({"shots": shots} if shots else {})})
        return
    _align(run, project)


def _align(run: Run, project: Project) -> None:
    """Word timings from the timings provider (offline now, or a vendor that calls back)."""
    timings = registry.provider("timings")
    voiceover = Voiceover.objects.get(project=project)
    transcript = " ".join(text for _, text in narration_parts(project))
    language = language_of(project)
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
        _timings_failed(run, project, "No word timings were found.")
        return
    voiceover = Voiceover.objects.get(project=project)
    draft = retime_draft(
        project, words=words, duration=voiceover.duration, chapter_spans=voiceover.chapter_spans
    )
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        Voiceover.objects.filter(project=project).update(words=words, timing_source=source)
        shots = (
            retime_apply(
                project=locked, draft=draft, voice_changed=bool(run.params.get("voiceChanged"))
            )
            if draft is not None
            else None
        )
        mark_delivered(run, "timings")
        result: dict[str, Any] = {"words": len(words)}
        run_succeed(run_id=run.pk, result={**result, **({"shots": shots} if shots else {})})


def _timings_failed(run: Run, project: Project, message: str) -> None:
    """The new audio has no word timings: the shots cannot be re-timed to it, so every drawn
    shot is out of date (as before re-timing existed)."""
    with transaction.atomic():
        if locked_active_run(run) is not None:
            stale_shots(project=project)
    run_fail(run_id=run.pk, code=ErrorCode.VENDOR_ERROR, message=message)


@job_handler("voiceover.timings")
def _timings_job_landed(job: VendorJob) -> None:
    run = job.run
    project = Project.objects.get(pk=job.target_id)
    outcome = job.outcome or {}
    if job.status != "succeeded":
        _timings_failed(
            run, project, f"{job.vendor}: {outcome.get('error') or 'transcription failed'}"
        )
        return
    _land_timings(run, project, list(outcome.get("data", {}).get("words", [])), source=job.vendor)


@run_kind(RunKind.MUSIC_GENERATE)
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
        mark_delivered(run, "music")
        run_succeed(run_id=run.pk, result={"duration": current.duration})


@job_handler("music")
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
