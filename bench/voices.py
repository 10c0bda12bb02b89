"""Offline voice: a 60 s narration with word timings, Kokoro (the default) beside Piper
(``python -m bench voices``). Goal (docs/performance.md): Kokoro under 30 s.

Prints wall time, the process's CPU time (the machine is shared: wall time moves with the
neighbours' load, CPU time much less), the real-time factor and the load average, and for
Kokoro how far its word starts fall from whisper's.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from vendors.base import AlignRequest, InputFile, SpeechRequest, SpeechResult
from vendors.offline import kokoro as kokoro_engine
from vendors.offline import speech
from vendors.offline.speech import LocalSpeech
from vendors.offline.timings import WhisperTimings

SENTENCES = (
    "Maria opened the old wooden door and stepped into the lighthouse, where the storm could "
    "not reach her.",
    "For forty years her grandfather had kept the lamp burning through every winter.",
    "Now the keys were hers, and so was the question nobody in the village would answer.",
    "Why had the light gone dark on the night the fishing fleet never came home?",
    "She climbed the spiral stairs, counting each step the way he used to.",
    "At the top, the great lens caught the last grey light of the afternoon.",
    "Somewhere below, the sea kept its own slow time against the rocks.",
    "In the logbook, the final entry stopped halfway through a sentence.",
)


def narration(words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(SENTENCES[len(out) % len(SENTENCES)])
    return " ".join(out)


def _speak(text: str, voice_id: str, into: Path) -> tuple[float, float, float, SpeechResult]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = LocalSpeech().synthesize(SpeechRequest(text=text, voice_id=voice_id), workdir=into)
    duration = float(result.audio.duration or 0.0)
    return time.perf_counter() - wall, time.process_time() - cpu, duration, result


def run() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        into = Path(tmp)
        text = narration(speech.KOKORO_WPM)  # a minute at Kokoro's pace
        load = os.getloadavg()[0]
        if kokoro_engine.kokoro_installed():
            started = time.perf_counter()
            speaker = kokoro_engine.kokoro()
            yield (
                f"Kokoro load: {time.perf_counter() - started:.2f} s "
                f"({speaker.workers} sentence workers)"
            )
            wall, cpu, duration, result = _speak(text, "kokoro:af_heart", into)
            yield (
                f"offline voice Kokoro {duration:.1f} s narration ({len(text.split())} words): "
                f"{wall:.1f} s wall (goal < 30 s for 60 s), {cpu:.1f} s CPU, "
                f"RTF {wall / duration:.2f}; load average {load:.1f} on {os.cpu_count()} cores"
            )
            heard = WhisperTimings().align(
                AlignRequest(audio=InputFile(path=result.audio.path), transcript=text),
                workdir=into,
            )
            assert isinstance(heard, list)
            errors = sorted(
                abs(a.start - b.start) for a, b in zip(heard, result.words, strict=True)
            )
            yield (
                f"Kokoro word starts vs whisper's: median {statistics.median(errors) * 1000:.0f}"
                f" ms, p90 {errors[int(0.9 * len(errors))] * 1000:.0f} ms"
            )
        else:
            yield "Kokoro: not installed (make install)"
        if speech.piper_installed():
            speech._piper()
            wall, cpu, duration, _ = _speak(text, speech.PIPER_VOICE_ID, into)
            yield (
                f"offline voice Piper {duration:.1f} s narration (same text): {wall:.1f} s wall,"
                f" {cpu:.1f} s CPU, RTF {wall / duration:.2f}"
            )


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
