"""The renderer, called directly on offline media: the file a player opens (streams, duration,
loudness, faststart), the captions against the words' timings, sizes, and the quality check.
Every test that renders is slow; the plans and styles are checked without ffmpeg."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.vendors.media_checks import decoded_audio
from vendors.base import (
    AnimateRequest,
    ImageRequest,
    InputFile,
    MediaFile,
    MusicRequest,
    ProviderError,
    SpeechRequest,
    VisualRef,
    WordTiming,
)
from vendors.media import run_ffmpeg
from vendors.offline.image import PillowImages
from vendors.offline.kenburns import KenBurnsVideo
from vendors.offline.music import SynthMusic
from vendors.offline.speech import LocalSpeech
from vendors.render import (
    CaptionStyle,
    RenderOptions,
    RenderResult,
    TimelineShot,
    caption_style_for,
    quality_check,
    render,
    to_srt,
    to_vtt,
)
from vendors.render import captions as captions_module
from vendors.render.captions import CJK_BOLD, ass_document, caption_events, cues
from vendors.render.probe import loudness, probe
from vendors.render.thumbnail import compose_thumbnail
from vendors.render.timeline import plan_clips, plan_segments

FRAME = 1 / 30
SEGMENT_SECONDS = 1.0
NARRATION = (
    "Every great journey starts with a single step. Today we take that step together, "
    "and we will see where it leads us."
)


def still(into: Path, prompt: str, width: int = 1280, height: int = 720) -> Path:
    ada = VisualRef(name="Ada", kind="character", color="#e63946")
    media = PillowImages().generate(
        ImageRequest(prompt=prompt, width=width, height=height, references=(ada,)), workdir=into
    )
    assert isinstance(media, MediaFile)
    return media.path


@dataclass(frozen=True)
class Rendered:
    result: RenderResult
    shots: tuple[TimelineShot, ...]
    words: tuple[WordTiming, ...]
    narration: float
    progress: list[tuple[float, float]]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Three stills (the last one crossfading in) under Piper narration and a music bed, with
    captions, 1280x720: rendered once for the checks below."""
    into = tmp_path_factory.mktemp("render")
    spoken = LocalSpeech().synthesize(SpeechRequest(text=NARRATION), workdir=into)
    narration = spoken.audio.duration or 0.0
    bed = SynthMusic().compose(
        MusicRequest(mood="inspiring", tempo=100, duration=narration + 2), workdir=into
    )
    assert isinstance(bed, MediaFile)
    stills = [still(into, f"scene {i} on the pier") for i in range(3)]
    sixth = narration / 6
    shots = tuple(
        TimelineShot(
            stills[i % 3],
            i * sixth,
            (i + 1) * sixth,
            crossfade=0.5 if i % 3 == 2 else 0.0,
            seed=str(i),
        )
        for i in range(6)
    )
    progress: list[tuple[float, float]] = []
    result = render(
        shots,
        into / "final.mp4",
        voice=spoken.audio.path,
        music=bed.path,
        words=spoken.words,
        options=RenderOptions(segment_seconds=SEGMENT_SECONDS),
        on_progress=lambda done, total: progress.append((done, total)),
    )
    return Rendered(result, shots, spoken.words, narration, progress)


@pytest.mark.slow
def test_the_file_is_h264_high_and_aac_48k_with_faststart(rendered: Rendered) -> None:
    info = probe(rendered.result.path)

    video, audio = info.first("video"), info.first("audio")
    assert video is not None
    assert audio is not None
    assert (video.codec, video.profile, video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (video.width, video.height, video.fps) == (1280, 720, 30.0)
    assert (audio.codec, audio.profile, audio.sample_rate, audio.channels) == (
        "aac",
        "LC",
        48000,
        2,
    )
    assert info.faststart is True
    assert rendered.result.segments > 1  # joined from segments, without re-encoding


@pytest.mark.slow
def test_picture_and_sound_last_the_narration(rendered: Rendered) -> None:
    info = probe(rendered.result.path)

    video, audio = info.first("video"), info.first("audio")
    assert video is not None
    assert audio is not None
    assert video.frames == round(rendered.narration * 30)
    with av.open(str(rendered.result.path)) as container:
        stream = container.streams.video[0]
        pts = sorted(p.pts for p in container.demux(stream) if p.pts is not None)
    assert {b - a for a, b in pairwise(pts)} == {512}  # a frame every 1/30 s, across joins too
    assert abs(video.duration - rendered.narration) <= FRAME
    assert abs(audio.duration - video.duration) <= FRAME
    assert abs(info.duration - rendered.narration) <= 0.05


@pytest.mark.slow
def test_the_mix_is_at_minus_14_lufs_without_clipping(rendered: Rendered) -> None:
    measured = loudness(rendered.result.path)
    samples, _ = decoded_audio(rendered.result.path)

    assert abs(measured.integrated - -14.0) <= 1.0
    assert measured.true_peak <= -1.0
    assert np.abs(samples).max() < 1.0


@pytest.mark.slow
def test_progress_climbs_to_the_whole_duration(rendered: Rendered) -> None:
    done = [d for d, _ in rendered.progress]

    assert len(done) >= 2
    assert done == sorted(done)
    assert {t for _, t in rendered.progress} == {rendered.result.duration}
    assert done[-1] == rendered.result.duration


@pytest.mark.slow
def test_the_quality_check_passes_a_good_render(rendered: Rendered) -> None:
    report = quality_check(rendered.result.path, narration=rendered.narration)

    assert report.passed, report.failures
    assert report.video["profile"] == "High"
    assert report.loudness["integrated"] is not None
    assert (report.black, report.frozen) == ([], [])


def _cue_times(text: str, separator: str) -> list[tuple[float, float]]:
    stamp = rf"(\d\d):(\d\d):(\d\d){separator}(\d\d\d)"
    times = []
    for m in re.finditer(rf"{stamp} --> {stamp}", text):
        g = [int(x) for x in m.groups()]
        times.append(
            (
                g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000,
            )
        )
    return times


@pytest.mark.slow
def test_srt_and_vtt_cues_start_on_their_first_word(rendered: Rendered) -> None:
    style = CaptionStyle()
    groups = cues(rendered.words, style)

    for text, separator in (
        (to_srt(rendered.words, style), ","),
        (to_vtt(rendered.words, style), "."),
    ):
        times = _cue_times(text, separator)
        assert len(times) == len(groups) >= 3
        for (start, end), group in zip(times, groups, strict=True):
            assert abs(start - group.words[0].start) <= 0.001
            assert end >= group.words[-1].end - 0.001
        for (_, end), (start, _) in pairwise(times):
            assert end <= start + 0.001  # never two cues at once
    # every word of the narration shows up, in order, in the exported captions
    srt_words = " ".join(
        line for line in to_srt(rendered.words, style).splitlines() if re.search(r"[a-z]", line)
    )
    assert srt_words == " ".join(w.word for w in rendered.words)
    vtt = to_vtt(rendered.words, style)
    assert vtt.startswith("WEBVTT\n")
    second = rendered.words[1]
    assert f"<00:00:{second.start:06.3f}>{second.word}" in vtt


@pytest.mark.slow
def test_each_segments_ass_events_line_up_with_the_words(rendered: Rendered) -> None:
    """The segments' ASS files as the renderer writes them: shifted back by their segment's
    start, each event highlights the word being spoken when it begins, and each word lights up
    within a frame of its start (also where a segment boundary cuts its event in two)."""
    style = CaptionStyle()
    clips, total = plan_clips(rendered.shots, 30)
    segments = plan_segments(clips, total, target=round(SEGMENT_SECONDS * 30), max_clips=4)
    assert len(segments) == rendered.result.segments
    assert len(segments) > 2
    events = caption_events(rendered.words, style)
    dialogue = re.compile(
        r"^Dialogue: 0,(\d):(\d\d):(\d\d)\.(\d\d),.*?\{\\1c[^}]*\}([^{]*)\{\\r\}", re.M
    )
    highlighted: list[tuple[float, str]] = []
    for first, stop in segments:
        document = ass_document(
            events, width=1280, height=720, style=style, window=(first / 30, stop / 30)
        )
        for h, m, s, cs, word in dialogue.findall(document):
            at = first / 30 + int(h) * 3600 + int(m) * 60 + int(s) + int(cs) / 100
            highlighted.append((at, word))
    words = list(rendered.words)
    # the word each event highlights is being spoken when the event starts...
    spans = [(w.word, w.start, n.start) for w, n in pairwise(words)]
    spans.append((words[-1].word, words[-1].start, float("inf")))
    for at, word in highlighted:
        assert any(w == word and a - FRAME <= at < b + FRAME for w, a, b in spans), (at, word)
    # ...and every word lights up within a frame of its start
    for w in words:
        assert any(abs(at - w.start) <= FRAME and word == w.word for at, word in highlighted)


def _highlight_pixels(frame: np.ndarray, colour: tuple[int, int, int]) -> int:
    bottom = frame[int(frame.shape[0] * 0.7) :].astype(int)
    distance = np.abs(bottom - np.array(colour)).sum(axis=2)
    return int((distance < 60).sum())


def _frame_at(path: Path, seconds: float) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s")


@pytest.mark.slow
def test_the_spoken_word_is_burned_in_highlighted(rendered: Rendered, tmp_path: Path) -> None:
    word = rendered.words[4]
    middle = (word.start + word.end) / 2

    frame = _frame_at(rendered.result.path, middle)

    assert _highlight_pixels(frame, (0xFF, 0xD6, 0x0A)) > 300
    plain = render(
        [TimelineShot(still(tmp_path, "scene 0 on the pier"), 0, 2.0, seed="0")],
        tmp_path / "plain.mp4",
        words=[WordTiming("Every", 0.2, 1.5)],
        options=RenderOptions(captions=None),
    )
    assert _highlight_pixels(_frame_at(plain.path, 1.0), (0xFF, 0xD6, 0x0A)) == 0


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(720, 1280), (1920, 1080)])
def test_portrait_and_1080p_renders(tmp_path: Path, width: int, height: int) -> None:
    shots = [
        TimelineShot(
            still(tmp_path, f"scene {i}", width, height), i * 1.0, (i + 1) * 1.0, seed=str(i)
        )
        for i in range(2)
    ]

    result = render(
        shots,
        tmp_path / "final.mp4",
        words=[WordTiming("Hello", 0.1, 0.8), WordTiming("there.", 0.9, 1.6)],
        options=RenderOptions(width=width, height=height),
    )

    video = probe(result.path).first("video")
    assert video is not None
    assert (video.width, video.height, video.profile) == (width, height, "High")
    assert video.frames == 60


@pytest.mark.slow
@pytest.mark.parametrize("lengths", [(31,), (34,), (31, 37, 41, 32)])
def test_the_frame_rate_is_exactly_30_whatever_the_lengths(
    tmp_path: Path, lengths: tuple[int, ...]
) -> None:
    """31 frames last 1.0333... s: neither a length written to the microsecond nor segment
    lengths kept to the millisecond may shorten the video (players would read a frame rate of
    30.001)."""
    bed = SynthMusic().compose(MusicRequest(mood="calm", tempo=90, duration=6.0), workdir=tmp_path)
    assert isinstance(bed, MediaFile)
    picture = still(tmp_path, "a pier")
    cuts = [sum(lengths[:i]) for i in range(len(lengths) + 1)]
    shots = [TimelineShot(picture, a / 30, b / 30, seed=str(a)) for a, b in pairwise(cuts)]

    result = render(
        shots, tmp_path / "final.mp4", music=bed.path, options=RenderOptions(segment_seconds=1)
    )

    assert result.segments == len(lengths)
    with av.open(str(result.path)) as container:
        video = container.streams.video[0]
        assert video.frames == cuts[-1]
        assert video.duration == cuts[-1] * 512  # in 1/15360 s
        assert video.average_rate == 30


def _clip(into: Path, seconds: float) -> Path:
    media = KenBurnsVideo().animate(
        AnimateRequest(
            image=InputFile(path=still(into, "a clip")), duration=seconds, width=640, height=360
        ),
        workdir=into,
    )
    assert isinstance(media, MediaFile)
    return media.path


@pytest.mark.slow
def test_a_clip_shorter_than_its_shot_holds_its_last_frame_on_purpose(tmp_path: Path) -> None:
    clip = _clip(tmp_path, 1.0)  # smaller than the frame too: it is scaled to cover it
    shots = [
        TimelineShot(clip, 0.0, 3.5),
        TimelineShot(still(tmp_path, "after"), 3.5, 5.0, crossfade=0.4, seed="b"),
    ]

    bed = SynthMusic().compose(MusicRequest(mood="calm", tempo=90, duration=5.0), workdir=tmp_path)
    assert isinstance(bed, MediaFile)

    result = render(
        shots, tmp_path / "final.mp4", music=bed.path, options=RenderOptions(captions=None)
    )

    assert len(result.holds) == 1
    assert abs(result.holds[0].start - 1.0) < 0.05
    report = quality_check(result.path, narration=5.0, expected_still=result.holds)
    assert report.frozen  # the held frame is seen...
    assert report.passed, report.failures  # ...and not counted against the render
    held = quality_check(result.path, narration=5.0)
    assert any(f.startswith("frozen picture") for f in held.failures)


@pytest.mark.slow
def test_a_black_clip_and_silence_fail_the_quality_check(tmp_path: Path) -> None:
    black = tmp_path / "black.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=black:s=1280x720:r=30:d=3", "-c:v", "libx264", str(black)]
    )
    shots = [
        TimelineShot(still(tmp_path, "first"), 0, 1.0, seed="a"),
        TimelineShot(black, 1.0, 4.0),
    ]

    result = render(shots, tmp_path / "final.mp4", options=RenderOptions(captions=None))
    report = quality_check(result.path, narration=4.0)

    assert not report.passed
    assert any(f.startswith("black picture from 1.0 s") for f in report.failures)
    assert any(f.startswith("loudness") for f in report.failures)  # no voice at all
    assert report.loudness["integrated"] is None
    late = quality_check(result.path, narration=6.0)
    assert any("narration's 6.00 s" in f for f in late.failures)


def test_segments_are_cut_only_where_no_crossfade_runs() -> None:
    shots = [
        TimelineShot(Path(f"{i}.png"), i * 2.5, (i + 1) * 2.5, crossfade=1.0 if i % 2 else 0.0)
        for i in range(8)
    ]
    clips, total = plan_clips(shots, 30)

    segments = plan_segments(clips, total, target=150, max_clips=3)

    assert segments[0][0] == 0
    assert segments[-1][1] == total == 600
    assert all(a[1] == b[0] for a, b in pairwise(segments))
    fades = [(c.first, c.first + c.fade_in) for c in clips if c.fade_in]
    for _, stop in segments[:-1]:
        assert not any(a < stop < b for a, b in fades)
    for first, stop in segments:
        assert sum(1 for c in clips if c.first < stop and c.stop > first) <= 3


def _ffmpeg_children() -> list[int]:
    me, found = str(os.getpid()), []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.find("(") + 1 : stat.rfind(")")], stat[stat.rfind(")") + 2 :]
        if rest.split()[1] == me and "ffmpeg" in name and rest.split()[0] != "Z":
            found.append(int(pid))
    return found


@pytest.mark.slow
def test_a_failing_progress_callback_stops_every_ffmpeg(tmp_path: Path) -> None:
    shots = [
        TimelineShot(still(tmp_path, f"s{i}"), i * 3.0, (i + 1) * 3.0, seed=str(i))
        for i in range(4)
    ]

    def cancel(done: float, total: float) -> None:
        raise ProviderError("cancelled")

    with pytest.raises(ProviderError, match="cancelled"):
        render(
            shots, tmp_path / "final.mp4", options=RenderOptions(captions=None), on_progress=cancel
        )

    assert _ffmpeg_children() == []
    assert not (tmp_path / "final.mp4").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("render-")] == []


@pytest.mark.parametrize(
    ("style", "highlight"),
    [("", "#FFD60A"), ("moody cinematic", "#F4A261"), ("film noir", "#FFD60A")],
)
def test_captions_take_the_channels_accent_colour(style: str, highlight: str) -> None:
    assert caption_style_for(style).highlight == highlight


@pytest.fixture(autouse=True)
def _no_leftover_ffmpeg() -> Iterator[None]:
    yield
    assert _ffmpeg_children() == []


# --- Japanese and Chinese glyphs ------------------------------------------------------------

needs_cjk_font = pytest.mark.skipif(
    not CJK_BOLD.is_file(),
    reason=f"{CJK_BOLD} is missing: fonts-noto-cjk is not installed (scripts/system-deps.sh)",
)
# Two Japanese lines with the same words' lengths and punctuation: drawn as empty boxes (tofu)
# they look the same; drawn with real glyphs they differ in most of their strokes.
SAME_SHAPE = (("今日は", "新しい", "旅に", "出ます。"), ("昨日も", "古い町", "港へ", "行った。"))


def _changed_pixels(a: np.ndarray, b: np.ndarray) -> int:
    return int((np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 60).sum())


def _caption_frame(
    tmp_path: Path, name: str, words: tuple[str, ...], style: CaptionStyle
) -> np.ndarray:
    """A portrait frame while the first of ``words`` is spoken."""
    picture = tmp_path / "still.png"
    if not picture.exists():
        still(tmp_path, "a harbour at dusk", 720, 1280).rename(picture)
    timings = [WordTiming(w, 0.1 + 0.3 * i, 0.35 + 0.3 * i) for i, w in enumerate(words)]
    result = render(
        [TimelineShot(picture, 0, 1.4, seed="0")],
        tmp_path / f"{name}.mp4",
        words=timings,
        options=RenderOptions(width=720, height=1280, captions=style),
    )
    return _frame_at(result.path, 0.2)


@needs_cjk_font
@pytest.mark.parametrize(
    ("language", "family"),
    [("ja", "Noto Sans CJK JP"), ("ja-JP", "Noto Sans CJK JP"), ("zh", "Noto Sans CJK SC")],
)
def test_japanese_and_chinese_captions_are_set_in_noto_sans_cjk(language: str, family: str) -> None:
    style = caption_style_for("moody cinematic", language)

    assert (style.font, style.font_files) == (family, (CJK_BOLD,))
    assert style.highlight == "#F4A261"  # the channel's look is kept
    document = ass_document([], width=720, height=1280, style=style)
    assert f"Style: Default,{family}," in document
    assert caption_style_for("", "en").font == "DejaVu Sans"


def test_without_the_cjk_font_captions_fall_back_to_dejavu_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(captions_module, "CJK_BOLD", tmp_path / "NotoSansCJK-Bold.ttc")

    style = caption_style_for("", "zh")

    assert (style.font, style.font_files) == (CaptionStyle().font, CaptionStyle().font_files)
    assert "fonts-noto-cjk" in caplog.text
    assert "Chinese" in caplog.text


@pytest.mark.slow
@needs_cjk_font
def test_japanese_captions_burn_in_real_glyphs_not_boxes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    style = caption_style_for("", "ja")
    first, second = (
        _caption_frame(tmp_path, f"noto{i}", w, style) for i, w in enumerate(SAME_SHAPE)
    )
    # The same lines in DejaVu with fontconfig's fonts out of reach (libass would otherwise pick
    # a CJK font of the system's on its own): what a machine without fonts-noto-cjk draws.
    config = tmp_path / "fonts.conf"
    config.write_text(f"<fontconfig><cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>\n")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    dejavu = CaptionStyle(language="ja", max_chars=14, max_words=8)
    boxes = [_caption_frame(tmp_path, f"tofu{i}", w, dejavu) for i, w in enumerate(SAME_SHAPE)]

    assert _changed_pixels(boxes[0], boxes[1]) < 50  # tofu: every character the same box
    assert _changed_pixels(first, second) > 3000  # glyphs: different characters, different ink
    assert _changed_pixels(first, boxes[0]) > 3000
    assert _highlight_pixels(first, (0xFF, 0xD6, 0x0A)) > 200  # 今日は, lit


@needs_cjk_font
def test_a_cjk_title_is_drawn_in_glyphs_on_the_thumbnail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = still(tmp_path, "a harbour at dusk")
    titles = ("港町の市場：漁師たちの一日", "古い橋の謎：職人たちの記憶")  # the same shape

    def title_area(name: str, title: str, language: str = "") -> np.ndarray:
        out = compose_thumbnail(picture, title, tmp_path / f"{name}.jpg", language=language)
        with Image.open(out) as image:
            return np.asarray(image.convert("RGB"))[360:]

    glyphs = [title_area(f"noto{i}", t) for i, t in enumerate(titles)]
    chinese = title_area("zh", "港口城市的市场：渔民的一天")
    monkeypatch.setattr(captions_module, "CJK_BOLD", tmp_path / "NotoSansCJK-Bold.ttc")
    boxes = [title_area(f"tofu{i}", t) for i, t in enumerate(titles)]

    assert _changed_pixels(boxes[0], boxes[1]) < 0.05 * _changed_pixels(glyphs[0], glyphs[1])
    assert _changed_pixels(glyphs[0], glyphs[1]) > 20_000
    assert _changed_pixels(chinese, glyphs[0]) > 20_000
