"""Captions from word timings: ASS to burn in (the spoken word highlighted), SRT and WebVTT to
export next to the video.

Words are grouped a few at a time: a group ends at sentence or clause punctuation, at a pause,
or at a word or character limit. The rules follow the narration's language: a Spanish question
or exclamation starts a new group at its "¿"/"¡", Hindi's danda ends a sentence, a closing quote
after the punctuation does not hide it, and languages with longer words get more characters.
Japanese and Chinese are written without spaces: their words (the voice's: accent phrases,
jieba words) join with nothing between them, a group breaks only between words, the ideographic
full stop and the full-width marks close it; a line holds 14 characters there (each about twice
a Latin letter's width: what fits across a vertical 720-pixel frame, which libass cannot wrap).

To burn a group in, each of its words gets one ASS event that lasts until the next word starts
and shows the whole group with that word in the highlight colour (and a little larger); libass
draws it, no frame passes through Python. ``PlayResX/Y``
equal the video size, so every size in :class:`CaptionStyle` is in output pixels.
"""

from __future__ import annotations

import colorsys
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vendors.base import WordTiming
from vendors.text import UNSPACED_LANGUAGES
from vendors.voices import primary_language

logger = logging.getLogger(__name__)

FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
DEFAULT_HIGHLIGHT = "#FFD60A"
# DejaVu has no kana, Han or Hangul: those draw from Noto Sans CJK (Debian's fonts-noto-cjk),
# whose collection holds one face per region, each with the glyph forms its readers expect
# (Japanese and simplified Chinese draw many Han characters differently). Its Latin is fine.
CJK_FONTS_DIR = Path("/usr/share/fonts/opentype/noto")
CJK_BOLD = CJK_FONTS_DIR / "NotoSansCJK-Bold.ttc"
CJK_REGULAR = CJK_FONTS_DIR / "NotoSansCJK-Regular.ttc"
# A language's family and its face's index in the .ttc (the order is JP, KR, SC, TC, HK).
CJK_FACES = {
    "ja": ("Noto Sans CJK JP", 0),
    "ko": ("Noto Sans CJK KR", 1),
    "zh": ("Noto Sans CJK SC", 2),
}


@dataclass(frozen=True)
class CaptionStyle:
    font: str = "DejaVu Sans"
    font_files: tuple[Path, ...] = (FONTS_DIR / "DejaVuSans-Bold.ttf", FONTS_DIR / "DejaVuSans.ttf")
    size_ratio: float = 0.062  # font size as a fraction of the frame's short side
    color: str = "#FFFFFF"
    highlight: str = DEFAULT_HIGHLIGHT
    outline_color: str = "#000000"
    outline: float = 3.0  # px at 720p, scaled with the frame
    shadow: float = 1.0
    bold: bool = True
    highlight_scale: int = 112  # size of the spoken word in % (100: no pop)
    position: str = "bottom"  # bottom | middle | top
    margin_ratio: float = 0.08  # vertical margin as a fraction of the height
    max_words: int = 4
    max_chars: int = 28
    max_gap: float = 0.6  # a longer pause starts a new group
    linger: float = 0.25  # the last group stays up this long after its last word
    language: str = ""  # BCP 47 of the narration ("" = English rules)


# Characters a line may hold, by language (longer words: fewer would leave one word a line).
MAX_CHARS = {
    "es": 32, "fr": 32, "it": 32, "pt": 32, "de": 34, "nl": 32, "hi": 30, "ja": 14, "zh": 14,
}  # fmt: skip
# Languages written without spaces (vendors.text): their words are short, so more fit a group.
UNSPACED_MAX_WORDS = 8
CLAUSE_END = ".!?;:,…。\uff01\uff1f、\uff0c\uff1a\uff1b।॥"  # with CJK's full-width ! ? , : ;
CLOSERS = "\"'”\u2019»)]」』\uff09》"
OPENERS = "¿¡"


def caption_style_for(visual_style: str, language: str = "") -> CaptionStyle:
    """Captions in a channel's look (see :func:`_look`) and its narration's language: Japanese
    and Chinese in Noto Sans CJK JP or SC (:func:`cjk_font`)."""
    look = _look(visual_style)
    primary = primary_language(language)
    style = CaptionStyle(
        highlight=look.highlight,
        language=language,
        max_chars=MAX_CHARS.get(primary, look.max_chars),
        max_words=UNSPACED_MAX_WORDS if primary in UNSPACED_LANGUAGES else look.max_words,
    )
    font = cjk_font(primary, bold=style.bold) if primary in UNSPACED_LANGUAGES else None
    # libass loads every font file it is given whole (the bold collection is 20 MB): only one.
    return replace(style, font=font[0], font_files=(font[1],)) if font else style


def cjk_font(script: str, *, bold: bool = True) -> tuple[str, Path, int] | None:
    """The Noto Sans CJK face for ``script`` ("ja", "zh" or "ko"): its family name, its file and
    its index in that collection; None (with a warning: DejaVu will draw every character as
    the same empty box) when fonts-noto-cjk is not installed, or for any other script."""
    if script not in CJK_FACES:
        return None
    path = CJK_BOLD if bold else CJK_REGULAR
    if not path.is_file():
        logger.warning(
            "%s is missing (Debian's fonts-noto-cjk: scripts/system-deps.sh installs it): "
            "%s text is drawn in DejaVu Sans, which has no glyphs for it (empty boxes)",
            path,
            {"ja": "Japanese", "zh": "Chinese", "ko": "Korean"}[script],
        )
        return None
    family, index = CJK_FACES[script]
    return family, path, index


def separator(style: CaptionStyle) -> str:
    """What goes between two words of a caption: nothing in Japanese and Chinese."""
    return "" if primary_language(style.language) in UNSPACED_LANGUAGES else " "


def _look(visual_style: str) -> CaptionStyle:
    """Captions in a channel's look: the highlight is the accent colour of the palette its visual
    style names (the offline pictures are drawn in that palette too). An accent too pale or grey
    to stand out from the white words falls back to yellow."""
    if not visual_style.strip():
        return CaptionStyle()
    from vendors.offline.image import palette_for

    r, g, b = palette_for(visual_style)[3]
    _, saturation, value = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
    if saturation < 0.35 or value < 0.5:
        return CaptionStyle()
    return CaptionStyle(highlight=f"#{r:02X}{g:02X}{b:02X}")


def group_words(words: Sequence[WordTiming], style: CaptionStyle) -> list[list[WordTiming]]:
    groups: list[list[WordTiming]] = []
    current: list[WordTiming] = []
    space = len(separator(style))
    for word in words:
        if current:
            chars = sum(len(w.word) + space for w in current) + len(word.word)
            previous = current[-1]
            ending = previous.word.rstrip(CLOSERS)[-1:] or previous.word[-1]
            if (
                len(current) >= style.max_words
                or chars > style.max_chars
                or ending in CLAUSE_END
                or word.word[:1] in OPENERS
                or word.start - previous.end > style.max_gap
            ):
                groups.append(current)
                current = []
        current.append(word)
    if current:
        groups.append(current)
    return groups


@dataclass(frozen=True)
class Cue:
    """A caption group on screen from ``start`` to ``end`` seconds."""

    start: float
    end: float
    words: tuple[WordTiming, ...]
    separator: str = " "

    @property
    def text(self) -> str:
        return self.separator.join(w.word for w in self.words)


def cues(words: Sequence[WordTiming], style: CaptionStyle) -> list[Cue]:
    """The groups with their times: from the first word's start until the last word ends (plus
    ``linger``), never past the next group's start."""
    groups = group_words(words, style)
    out = []
    for i, group in enumerate(groups):
        following = groups[i + 1][0].start if i + 1 < len(groups) else float("inf")
        end = min(group[-1].end + style.linger, following)
        out.append(Cue(group[0].start, end, tuple(group), separator(style)))
    return out


@dataclass(frozen=True)
class CaptionEvent:
    start: float
    end: float
    text: str  # ASS text with override tags


def caption_events(words: Sequence[WordTiming], style: CaptionStyle) -> list[CaptionEvent]:
    """One event per word: its group's text with that word highlighted, from the word's start
    (the group's first word: the group's start) until the next word of the group starts."""
    colour = _ass_color(style.highlight)
    pop = (
        f"\\fscx{style.highlight_scale}\\fscy{style.highlight_scale}"
        if style.highlight_scale != 100
        else ""
    )
    events: list[CaptionEvent] = []
    for cue in cues(words, style):
        tokens = [_ass_escape(w.word) for w in cue.words]
        for i, word in enumerate(cue.words):
            start = word.start if i else cue.start
            end = cue.words[i + 1].start if i + 1 < len(cue.words) else cue.end
            if end <= start:
                continue
            text = cue.separator.join(
                f"{{\\1c{colour}{pop}}}{t}{{\\r}}" if j == i else t for j, t in enumerate(tokens)
            )
            events.append(CaptionEvent(start, end, text))
    return events


def ass_document(
    events: Iterable[CaptionEvent],
    *,
    width: int,
    height: int,
    style: CaptionStyle,
    window: tuple[float, float] | None = None,
) -> str:
    """An ASS file. With ``window=(t0, t1)`` only the events overlapping it are kept, clipped to
    it and shifted to start at 0: the captions of one render segment that starts at ``t0``."""
    short = min(width, height)
    scale = short / 720
    size = max(10, round(short * style.size_ratio))
    align = {"bottom": 2, "middle": 5, "top": 8}[style.position]
    margin_x, margin_v = int(width * 0.06), round(height * style.margin_ratio)
    head = (
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {width}\nPlayResY: {height}\nWrapStyle: 0\nScaledBorderAndShadow: yes\n"
        "YCbCr Matrix: TV.709\n\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Default,{style.font},{size},{_ass_color(style.color)},"
        f"{_ass_color(style.highlight)},{_ass_color(style.outline_color)},"
        f"{_ass_color('#000000', 0x80)},{-1 if style.bold else 0},0,0,0,100,100,0,0,1,"
        f"{style.outline * scale:.1f},{style.shadow * scale:.1f},{align},"
        f"{margin_x},{margin_x},{margin_v},1\n\n"
        "[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    offset = window[0] if window else 0.0
    lines = []
    for event in events:
        start, end = event.start, event.end
        if window is not None:
            if end <= window[0] or start >= window[1]:
                continue
            start, end = max(start, window[0]), min(end, window[1])
        if end - start < 0.005:
            continue
        lines.append(
            f"Dialogue: 0,{_ass_time(start - offset)},{_ass_time(end - offset)},"
            f"Default,,0,0,0,,{event.text}"
        )
    return head + "\n".join(lines) + "\n"


def to_srt(words: Sequence[WordTiming], style: CaptionStyle) -> str:
    """SubRip: one cue per caption group."""
    return "\n".join(
        f"{i}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n{c.text}\n"
        for i, c in enumerate(cues(words, style), start=1)
    )


def to_vtt(words: Sequence[WordTiming], style: CaptionStyle) -> str:
    """WebVTT: one cue per caption group; every word after the first carries its start as an
    inline timestamp (``<00:00:01.250>``), which players use to highlight the spoken word."""
    lines = ["WEBVTT", ""]
    for cue in cues(words, style):
        text = cue.words[0].word + "".join(
            f"{cue.separator}<{_timestamp(w.start, '.')}>{w.word}" for w in cue.words[1:]
        )
        lines += [f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}", text, ""]
    return "\n".join(lines)


def _ass_color(hex_rgb: str, alpha: int = 0) -> str:
    h = hex_rgb.lstrip("#")
    return f"&H{alpha:02X}{h[4:6]}{h[2:4]}{h[0:2]}".upper()


def _ass_time(seconds: float) -> str:
    cs = max(0, round(seconds * 100))
    h, cs = divmod(cs, 360_000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _ass_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")").replace("\n", " ")


def _timestamp(seconds: float, separator: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"
