"""The render cache: a render after a change encodes exactly the segments that change shows in,
and a render that reuses segments gives the same file as one that encodes everything."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import av
import numpy as np
import pytest

from tests.vendors.media_checks import decoded_audio, rms_dbfs
from vendors.base import ImageRequest, MediaFile, WordTiming
from vendors.media import write_wav
from vendors.offline.image import PillowImages
from vendors.offline.kenburns import choose_motion
from vendors.render import CaptionStyle, RenderOptions, RenderResult, TimelineShot, render
from vendors.render.cache import DirectoryCache, RenderCache

pytestmark = pytest.mark.slow  # real renders (small and short ones)

WIDTH, HEIGHT = 320, 180
OPTIONS = RenderOptions(width=WIDTH, height=HEIGHT, segment_seconds=1.0)
SECONDS = 4.0
# Each second is one shot and one segment; the words are in the first three only, and each
# second's caption (lingering 0.25 s after its last word) ends before the next second.
WORDS = (
    WordTiming("Harbor", 0.10, 0.45),
    WordTiming("lights.", 0.50, 0.70),
    WordTiming("Keeper", 1.10, 1.45),
    WordTiming("climbs.", 1.50, 1.70),
    WordTiming("Lamp", 2.10, 2.45),
    WordTiming("glows.", 2.50, 2.70),
)


def _still(into: Path, prompt: str) -> Path:
    media = PillowImages().generate(
        ImageRequest(prompt=prompt, width=WIDTH, height=HEIGHT), workdir=into
    )
    assert isinstance(media, MediaFile)
    return media.path


def _tone(path: Path, hz: float, seconds: float = SECONDS + 1) -> Path:
    rate = 48000
    t = np.arange(int(seconds * rate)) / rate
    return write_wav(path, 0.3 * np.sin(2 * np.pi * hz * t).astype(np.float32), rate)


@dataclass(frozen=True)
class Setup:
    """One render's inputs, each of which a test changes in turn."""

    shots: tuple[TimelineShot, ...]
    voice: Path
    music: Path
    words: tuple[WordTiming, ...] = WORDS
    options: RenderOptions = OPTIONS

    def render(self, out: Path, cache: RenderCache | None) -> RenderResult:
        return render(
            self.shots,
            out,
            voice=self.voice,
            music=self.music,
            words=self.words,
            options=self.options,
            cache=cache,
        )


@dataclass(frozen=True)
class Base:
    setup: Setup
    result: RenderResult
    cache: Path  # the cache folder after the first render
    folder: Path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("cache-base")
    stills = [_still(folder, f"scene {i} at the harbor") for i in range(4)]
    shots = tuple(
        TimelineShot(stills[i], float(i), float(i + 1), seed=f"shot-{i}") for i in range(4)
    )
    setup = Setup(shots, _tone(folder / "voice.wav", 220), _tone(folder / "music.wav", 330))
    cache = folder / "cache"
    result = setup.render(folder / "first.mp4", DirectoryCache(cache))
    return Base(setup, result, cache, folder)


def _again(base: Base, tmp_path: Path, setup: Setup) -> RenderResult:
    """``setup`` rendered with a copy of the first render's cache."""
    cache = tmp_path / "cache"
    shutil.copytree(base.cache, cache)
    return setup.render(tmp_path / "again.mp4", DirectoryCache(cache))


def _video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def _same_video(a: Path, b: Path) -> bool:
    """The same H.264 stream, packet for packet (the picture is bit-exact)."""
    return _video_packets(a) == _video_packets(b)


def _same_sound(a: Path, b: Path) -> bool:
    """The same soundtrack but for a difference under -60 dBFS: ffmpeg does not mix the last
    fraction of a second quite the same way twice (the tail of the ducked mix differs by about
    0.001 from one run to the next), so two soundtracks made apart are not bit-exact."""
    (x, rate_x), (y, rate_y) = decoded_audio(a), decoded_audio(b)
    return rate_x == rate_y and x.shape == y.shape and rms_dbfs(x - y) < -60


def _spans(result: RenderResult) -> list[tuple[float, float]]:
    return [(i.start, i.end) for i in result.encoded]


def test_the_first_render_encodes_every_segment_and_keeps_them(base: Base) -> None:
    assert base.result.segments == 4
    assert base.result.reused == 0
    assert _spans(base.result) == [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0)]
    assert base.result.sound_reused is False
    kept = DirectoryCache(base.cache).keys()
    assert sum(k.startswith("seg-") for k in kept) == 4
    assert sum(k.startswith("snd-") for k in kept) == 2  # the sound and its measurements


def test_an_unchanged_timeline_encodes_nothing_and_gives_the_same_file(
    base: Base, tmp_path: Path
) -> None:
    again = _again(base, tmp_path, base.setup)

    assert (again.reused, again.encoded, again.sound_reused) == (4, (), True)
    assert again.audio == base.result.audio
    assert again.path.read_bytes() == base.result.path.read_bytes()


def _replace_shot(setup: Setup, index: int, **changes: object) -> Setup:
    shots = list(setup.shots)
    shots[index] = replace(shots[index], **changes)
    return replace(setup, shots=tuple(shots))


def _new_picture_in_place(base: Base, tmp_path: Path) -> Setup:
    """Shot 2's file, copied elsewhere and then overwritten with another picture: same name,
    new bytes."""
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    copies = [Path(shutil.copy(s.source, pictures / f"{i}.png")) for i, s in
              enumerate(base.setup.shots)]  # fmt: skip
    shutil.copyfile(_still(tmp_path, "a lighthouse in a storm"), copies[1])
    shots = tuple(replace(s, source=c) for s, c in zip(base.setup.shots, copies, strict=True))
    return replace(base.setup, shots=shots)


def _other_seed(seed: str) -> str:
    return next(
        f"{seed}-{n}" for n in range(100) if choose_motion(f"{seed}-{n}") != choose_motion(seed)
    )


def _word(setup: Setup, index: int, text: str) -> Setup:
    words = list(setup.words)
    words[index] = replace(words[index], word=text)
    return replace(setup, words=tuple(words))


def _options(setup: Setup, **changes: object) -> Setup:
    return replace(setup, options=replace(setup.options, **changes))


ALL = [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0)]
CHANGES: dict[str, tuple[Callable[[Base, Path], Setup], list[tuple[float, float]]]] = {
    "the bytes of shot 2's picture": (_new_picture_in_place, [(1.0, 2.0)]),
    "shot 4's timing": (
        lambda b, _: _replace_shot(b.setup, 3, end=4.5),
        [(3.0, 4.5)],
    ),
    "shot 3's move": (
        lambda b, _: _replace_shot(b.setup, 2, seed=_other_seed("shot-2")),
        [(2.0, 3.0)],
    ),
    "a crossfade into shot 3": (
        # the fade runs over the cut at 2 s, so shots 2 and 3 are cut where it ends
        lambda b, _: _replace_shot(b.setup, 2, crossfade=0.5),
        [(1.0, 2.267), (2.267, 3.0)],
    ),
    "a caption word in shot 2": (lambda b, _: _word(b.setup, 3, "climbed."), [(1.0, 2.0)]),
    "a caption word's timing": (
        lambda b, _: replace(
            b.setup,
            words=(*b.setup.words[:4], replace(b.setup.words[4], start=2.2), b.setup.words[5]),
        ),
        [(2.0, 3.0)],
    ),
    # shot 4 shows no caption, so a new caption style leaves it alone
    "the caption style": (
        lambda b, _: _options(b.setup, captions=CaptionStyle(highlight="#00C2FF")),
        ALL[:3],
    ),
    "the output size": (lambda b, _: _options(b.setup, width=384, height=216), ALL),
    "the frame rate": (lambda b, _: _options(b.setup, fps=25), ALL),
    "the encoder's quality": (lambda b, _: _options(b.setup, crf=24), ALL),
    "the encoder's preset": (lambda b, _: _options(b.setup, preset="faster"), ALL),
    "the voice": (
        lambda b, t: replace(b.setup, voice=_tone(t / "voice2.wav", 247)),
        [],
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_input_of_the_key_re_encodes_exactly_the_segments_it_shows_in(
    base: Base, tmp_path: Path, change: str
) -> None:
    make, expected = CHANGES[change]
    setup = make(base, tmp_path)

    again = _again(base, tmp_path, setup)

    assert _spans(again) == expected
    assert again.reused == again.segments - len(expected)
    sound_changes = change in ("the voice", "shot 4's timing")
    assert again.sound_reused is not sound_changes


def test_a_render_that_reuses_segments_equals_one_that_encodes_all(
    base: Base, tmp_path: Path
) -> None:
    setup = _word(base.setup, 3, "climbed.")
    reusing = _again(base, tmp_path, setup)
    fresh = setup.render(tmp_path / "fresh.mp4", None)

    assert reusing.reused == 3
    assert fresh.reused == 0
    assert _same_video(reusing.path, fresh.path)
    assert _same_sound(reusing.path, fresh.path)


SECOND_WORKER = """
import pickle, sys
from pathlib import Path
from vendors.render.cache import DirectoryCache
setup = pickle.loads(Path(sys.argv[1]).read_bytes())
result = setup.render(Path(sys.argv[2]), DirectoryCache(Path(sys.argv[3])))
print(result.reused, len(result.encoded), result.sound_reused)
"""


def test_a_second_process_reuses_what_the_first_kept(base: Base, tmp_path: Path) -> None:
    """Two workers: another Python process, sharing only the cache folder, encodes nothing."""
    cache = tmp_path / "cache"
    shutil.copytree(base.cache, cache)
    spec = tmp_path / "setup.pickle"
    spec.write_bytes(pickle.dumps(base.setup))
    out = tmp_path / "other.mp4"
    done = subprocess.run(
        [sys.executable, "-c", SECOND_WORKER, str(spec), str(out), str(cache)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.split() == ["4", "0", "True"]
    assert out.read_bytes() == base.result.path.read_bytes()


class _Broken:
    """A cache whose every read and write fails."""

    def get(self, key: str, into: Path) -> bool:
        into.write_bytes(b"half")
        raise OSError("the disk went away")

    def put(self, key: str, source: Path) -> None:
        raise OSError("the disk is full")


def test_a_failing_cache_costs_a_re_encode_never_the_render(base: Base, tmp_path: Path) -> None:
    result = base.setup.render(tmp_path / "final.mp4", _Broken())

    assert (result.reused, result.sound_reused) == (0, False)
    assert _same_video(result.path, base.result.path)
    assert _same_sound(result.path, base.result.path)
