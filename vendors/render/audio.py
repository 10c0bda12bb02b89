"""The soundtrack, in one job apart from the picture: the voice, the music bed ducked under it,
brought to the target loudness without clipping, encoded once as AAC.

Loudness: measure the mix (ebur128), apply the gain that reaches the target, limit at 2x
oversampling (so the sample peak it holds is about the true peak), measure again through the
limiter and correct once. Measured on TTS narration with a music bed, this lands within 0.3 LU
of -14 LUFS with the true peak at about -2 dBTP; ffmpeg's loudnorm missed by 1 to 2.5 LU in
one-pass mode and silently fell back to dynamic mode in its two-pass "linear" mode, because
speech peaks do not fit.

The voice is brought to ``voice_lufs`` before the mix, whatever engine spoke it (voices differ by
about 4 LU raw: Kokoro's measured -19.9 to -24.1 LUFS), so the music bed sits at the same
distance under every voice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from typing import Any

from vendors.media import run_ffmpeg

from .probe import finite, loudness, parse_ebur128


@dataclass(frozen=True)
class AudioOptions:
    target_lufs: float = -14.0
    ceiling_dbtp: float = -2.0  # the limiter's ceiling: 1 dB under the -1 dBTP promise, for AAC
    voice_compress: bool = True  # gentle 3:1: steadier loudness, less work for the limiter
    voice_lufs: float | None = -20.0  # the voice's loudness before the mix (None: as it is)
    music_gain_db: float = -10.0  # the bed against its file's level, before ducking
    duck_threshold: float = 0.02  # voice above this (linear) ducks the music
    duck_ratio: float = 8.0  # about 14 dB of ducking under speech
    duck_attack_ms: float = 20.0
    duck_release_ms: float = 400.0
    music_fade_out: float = 2.0
    bitrate: str = "192k"
    aac_coder: str = "fast"  # the default "twoloop" costs twice the CPU for nothing audible


STEREO_48K = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"


def mix_graph(
    opts: AudioOptions, *, duration: float, voice: bool, music: bool, voice_gain_db: float = 0.0
) -> str:
    """The filter graph from the inputs (voice first, then music) to ``[mix]``."""
    d = f"{duration:.6f}"
    graph = []
    if voice:
        gain = f",volume={voice_gain_db:.2f}dB" if voice_gain_db else ""
        compress = (
            ",acompressor=threshold=0.1:ratio=3:attack=5:release=120:makeup=2"
            if opts.voice_compress
            else ""
        )
        split = ",asplit=2[voice][key]" if music else "[voice]"  # the key drives the ducking
        graph.append(f"[0:a]{STEREO_48K}{gain}{compress},apad,atrim=0:{d}{split}")
    if music:
        fade = min(opts.music_fade_out, duration / 4)
        graph.append(
            f"[{1 if voice else 0}:a]{STEREO_48K},atrim=0:{d},volume={opts.music_gain_db}dB,"
            f"afade=t=in:d=0.5,afade=t=out:st={duration - fade:.6f}:d={fade:.6f}[music]"
        )
    if voice and music:
        graph.append(
            f"[music][key]sidechaincompress=threshold={opts.duck_threshold}:"
            f"ratio={opts.duck_ratio}:attack={opts.duck_attack_ms}:"
            f"release={opts.duck_release_ms}:makeup=1[ducked]"
        )
        graph.append("[voice][ducked]amix=inputs=2:duration=first:normalize=0[mix]")
    else:
        graph.append(f"[{'voice' if voice else 'music'}]anull[mix]")
    return ";".join(graph)


def render_audio(
    out: Path,
    *,
    duration: float,
    voice: Path | None,
    music: Path | None,
    opts: AudioOptions,
    on_start: Callable[[Popen[str]], None] | None = None,
) -> dict[str, Any]:
    """Write the soundtrack of exactly ``duration`` seconds to ``out`` (AAC-LC, 48 kHz stereo).

    Returns what the loudness stage measured (LUFS before and after the limiter, the gain).
    """
    encode = [
        "-t", f"{duration:.6f}", "-c:a", "aac", "-aac_coder", opts.aac_coder,
        "-b:a", opts.bitrate, "-ar", "48000", "-ac", "2", str(out),
    ]  # fmt: skip
    if voice is None and music is None:
        run_ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", *encode], on_start=on_start)
        return {"silent": True}
    inputs: list[str] = []
    if voice is not None:
        inputs += ["-i", str(voice)]
    if music is not None:
        inputs += ["-stream_loop", "-1", "-i", str(music)]
    voice_gain = 0.0
    if voice is not None and opts.voice_lufs is not None:
        measured = loudness(voice).integrated
        if measured != float("-inf"):
            voice_gain = max(-20.0, min(20.0, opts.voice_lufs - measured))
    graph = mix_graph(
        opts,
        duration=duration,
        voice=voice is not None,
        music=music is not None,
        voice_gain_db=voice_gain,
    )
    # The mix is made once, written as float wav and measured in the same run; later passes
    # read the wav.
    mix = out.with_suffix(".mix.wav")
    stderr = run_ffmpeg(
        [*inputs, "-filter_complex", f"{graph};[mix]asplit=2[w][m];[m]ebur128=framelog=quiet[n]",
         "-map", "[w]", "-t", f"{duration:.6f}", "-c:a", "pcm_f32le", str(mix),
         "-map", "[n]", "-f", "null", "-"],
        loglevel="info",
        on_start=on_start,
    )  # fmt: skip
    before = parse_ebur128(stderr).integrated
    limit = 10 ** (opts.ceiling_dbtp / 20)

    def chain(gain_db: float) -> str:
        return (
            f"volume={gain_db:.2f}dB,aresample=96000,"
            f"alimiter=limit={limit:.4f}:attack=5:release=60:level=disabled,aresample=48000"
        )

    try:
        if before == float("-inf"):  # silence: nothing to bring up
            gain, after = 0.0, before
        else:
            gain = opts.target_lufs - before
            stderr = run_ffmpeg(
                ["-i", str(mix), "-af", f"{chain(gain)},ebur128=framelog=quiet",
                 "-f", "null", "-"],
                loglevel="info",
                on_start=on_start,
            )  # fmt: skip
            after = parse_ebur128(stderr).integrated
            gain += opts.target_lufs - after  # limiting took a little loudness away
        run_ffmpeg(["-i", str(mix), "-af", chain(gain), *encode], on_start=on_start)
    finally:
        mix.unlink(missing_ok=True)
    return {
        "voiceGainDb": round(voice_gain, 2),
        "mixLufs": finite(before),
        "limitedLufs": finite(after),
        "gainDb": round(gain, 2),
    }
