"""Offline media providers: how long each takes on this machine (``python -m bench media``).

Model loads are timed on their own (first call in the process); the other figures are the
median of a few calls after that. "x real time" = seconds of media made per second of work.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vendors.base import (
    AlignRequest,
    AnimateRequest,
    ImageRequest,
    InputFile,
    MediaFile,
    MusicRequest,
    SpeechRequest,
    TalkingHeadRequest,
    VisualRef,
)
from vendors.offline import speech, timings
from vendors.offline.kenburns import KenBurnsVideo
from vendors.offline.music import SynthMusic
from vendors.offline.pictures import IconPictures
from vendors.offline.speech import LocalSpeech
from vendors.offline.talking_head import StillTalkingHead
from vendors.offline.timings import WhisperTimings

PARAGRAPH = (
    "Maria opened the old wooden door and stepped into the lighthouse, where the storm could not "
    "reach her. For forty years her grandfather had kept the lamp burning through every winter. "
    "Now the keys were hers, and so was the question nobody in the village would answer: why had "
    "the light gone dark on the night the fishing fleet never came home?"
)


def _timed(call: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        into = Path(tmp)
        ada = VisualRef(name="Ada", kind="character", color="#e63946", shape="round")
        harbour = VisualRef(name="Harbour", kind="location", shape="wide")
        request = ImageRequest(
            prompt="Ada on the pier at sunset", width=1280, height=720, references=(ada, harbour)
        )
        seconds, image = _timed(lambda: IconPictures().generate(request, workdir=into), 5)
        yield f"offline picture 1280x720: {seconds * 1000:.0f} ms (goal < 300 ms)"

        still = InputFile(path=image.path)
        animate = AnimateRequest(image=still, duration=5.0, width=1280, height=720)
        seconds, _ = _timed(lambda: KenBurnsVideo().animate(animate, workdir=into), 2)
        yield f"Ken Burns 5 s 720p30: {seconds:.2f} s ({5 / seconds:.1f}x real time)"

        started = time.perf_counter()
        speech._piper()
        yield f"Piper voice load: {time.perf_counter() - started:.2f} s"
        say = SpeechRequest(text=PARAGRAPH, voice_id=speech.PIPER_VOICE_ID)
        seconds, spoken = _timed(lambda: LocalSpeech().synthesize(say, workdir=into))
        audio: MediaFile = spoken.audio
        yield (
            f"Piper {audio.duration:.1f} s of speech: {seconds:.2f} s "
            f"({(audio.duration or 0) / seconds:.1f}x real time)"
        )

        talk = TalkingHeadRequest(
            image=still, audio=InputFile(path=audio.path), duration=5.0, width=1280, height=720
        )
        seconds, _ = _timed(lambda: StillTalkingHead().talk(talk, workdir=into), 2)
        yield f"talking head 5 s 720p30: {seconds:.2f} s ({5 / seconds:.1f}x real time)"

        started = time.perf_counter()
        timings.whisper_model()
        yield f"whisper tiny.en load: {time.perf_counter() - started:.2f} s"
        align = AlignRequest(audio=InputFile(path=audio.path), transcript=PARAGRAPH)
        seconds, words = _timed(lambda: WhisperTimings().align(align, workdir=into))
        errors = sorted(abs(a.start - b.start) for a, b in zip(words, spoken.words, strict=True))
        within = sum(e <= 0.15 for e in errors) / len(errors)
        yield (
            f"whisper {audio.duration:.1f} s: {seconds:.2f} s "
            f"({(audio.duration or 0) / seconds:.1f}x real time); word starts vs Piper's own: "
            f"{within:.0%} within 150 ms, worst {errors[-1] * 1000:.0f} ms"
        )

        bed = MusicRequest(mood="upbeat", tempo=110, duration=60.0)
        seconds, _ = _timed(lambda: SynthMusic().compose(bed, workdir=into))
        yield f"music bed 60 s: {seconds:.2f} s ({60 / seconds:.0f}x real time)"


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
