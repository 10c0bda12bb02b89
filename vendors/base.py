"""One small interface per capability, and the values that cross them.

A provider either finishes its work in the call and returns a :class:`MediaFile` (offline
providers, synchronous vendor APIs) or hands the work to a vendor and returns a
:class:`PendingJob`; the vendor's callback (or a poll) later delivers a :class:`JobOutcome` to the
pipeline. Providers never touch the database or Django storage: they read and write plain files in
the working directory they are given, which keeps them testable on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from vidflow.api.error_codes import ErrorCode
from vidflow.errors import AppError

# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaFile:
    """A finished artifact on local disk (the pipeline moves it into storage)."""

    path: Path
    content_type: str
    duration: float | None = None  # seconds, for audio and video
    # What the provider says it made, for the pipeline to record (the offline pictures: the
    # subjects drawn, the scene, the icon each bible reference got).
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingJob:
    """Work accepted by a vendor; its outcome arrives by callback or poll."""

    vendor: str
    external_id: str


@dataclass(frozen=True)
class JobOutcome:
    """What a vendor reported for a job: result URLs on success, a reason on failure."""

    succeeded: bool
    urls: tuple[str, ...] = ()
    error: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallbackTarget:
    """Where a vendor must report back, and the per-job secret that proves it is the vendor."""

    url: str
    secret: str


@dataclass(frozen=True)
class InputFile:
    """An input artifact: a local path for offline providers, a fetchable URL for vendors."""

    path: Path
    url: str | None = None


@dataclass(frozen=True)
class VisualRef:
    """A character's or location's look, so every shot of it looks related."""

    name: str
    kind: str  # "character" | "location"
    color: str = ""  # "#rrggbb"
    shape: str = ""  # free word: "round", "tall", "angular", ...
    description: str = ""
    image: InputFile | None = None  # the selected reference variation
    icon: str = ""  # the offline pictures' icon for it, once given (every shot draws the same)


@dataclass(frozen=True)
class WordTiming:
    word: str
    start: float  # seconds
    end: float

    def as_dict(self) -> dict[str, Any]:
        return {"word": self.word, "start": round(self.start, 3), "end": round(self.end, 3)}


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    language: str  # BCP 47, e.g. "en-US"
    engine: str  # "piper", "espeak-ng", "elevenlabs", ...
    description: str = ""


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    width: int
    height: int
    seed: int = 0
    style: str = ""  # the channel's / project's visual style
    references: tuple[VisualRef, ...] = ()
    caption: str = ""  # optional words drawn small in a corner (offline provider)
    line: str = ""  # the narration the picture goes with (offline: subjects, title card)
    context: str = ""  # what the whole video is about (offline: the scene when nothing else says)
    subjects: tuple[str, ...] = ()  # icons the creator chose (offline provider), in order


@dataclass(frozen=True)
class AnimateRequest:
    """Image → short video. For the offline provider: a Ken Burns move chosen from the seed."""

    image: InputFile
    duration: float
    width: int
    height: int
    fps: int = 30
    seed: int = 0
    prompt: str = ""
    line: str = ""  # the narration the shot covers (stock footage: what to search for)
    subjects: tuple[str, ...] = ()  # what the shot's picture shows (icon names), in order


@dataclass(frozen=True)
class TalkingHeadRequest:
    image: InputFile
    audio: InputFile  # the line's narration (wav)
    duration: float
    width: int
    height: int
    fps: int = 30
    seed: int = 0
    prompt: str = ""


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    voice_id: str = ""  # "" = the provider's default voice
    language: str = "en"
    speed: float = 1.0


@dataclass(frozen=True)
class SpeechResult:
    audio: MediaFile  # wav
    words: tuple[WordTiming, ...] = ()  # when the engine knows its own timing


@dataclass(frozen=True)
class AlignRequest:
    audio: InputFile
    transcript: str = ""
    language: str = "en"


@dataclass(frozen=True)
class MusicRequest:
    mood: str
    tempo: int  # beats per minute
    duration: float
    seed: int = 0


# --- interfaces -----------------------------------------------------------------------------


@runtime_checkable
class ImageProvider(Protocol):
    name: str

    def generate(
        self, request: ImageRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob: ...


@runtime_checkable
class VideoProvider(Protocol):
    """Video from an image."""

    name: str

    def animate(
        self, request: AnimateRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob: ...


@runtime_checkable
class TalkingHeadProvider(Protocol):
    name: str

    def talk(
        self, request: TalkingHeadRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob: ...


@runtime_checkable
class SpeechProvider(Protocol):
    name: str

    def synthesize(self, request: SpeechRequest, *, workdir: Path) -> SpeechResult: ...

    def voices(self) -> list[Voice]: ...


@runtime_checkable
class TimingsProvider(Protocol):
    """Word timings for narration audio."""

    name: str

    def align(
        self, request: AlignRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> list[WordTiming] | PendingJob: ...


@runtime_checkable
class MusicProvider(Protocol):
    name: str

    def compose(
        self, request: MusicRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob: ...


class ProviderError(AppError):
    """A provider could not do the work. ``retryable``: a later attempt may succeed (429, 5xx,
    timeouts); otherwise the run fails with VENDOR_ERROR and is refunded. ``str()`` is the
    provider's own message; ``message`` (what a client sees) names the vendor."""

    status_code = 502
    error_code = ErrorCode.VENDOR_ERROR

    def __init__(self, message: str, *, retryable: bool = False, vendor: str = "") -> None:
        super().__init__(message)
        self.message = f"{vendor}: {message}" if vendor else message
        self.retryable = retryable
        self.vendor = vendor


class ProviderUnavailableError(ProviderError):
    """The provider is not configured or not installed (answers PROVIDER_UNAVAILABLE)."""

    status_code = 503
    error_code = ErrorCode.PROVIDER_UNAVAILABLE

    def __init__(self, message: str, *, retryable: bool = False, vendor: str = "") -> None:
        super().__init__(message, retryable=retryable, vendor=vendor)
        self.message = message


# --- text -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One claim the video states, as a plain sentence. ``uncertain``: the writer (or the stage's
    rules: a number the creator did not give) is not sure it is true; the creator checks it."""

    text: str
    uncertain: bool = False


@dataclass(frozen=True)
class StoryContext:
    """Everything a writer knows about the video it is writing for."""

    idea: str
    title: str = ""
    niche: str = ""
    audience: str = ""
    tone: str = ""
    language: str = "en"
    video_style: str = ""
    visual_style: str = ""
    target_seconds: int = 60
    references: tuple[str, ...] = ()  # titles of outlier videos, as inspiration
    words_per_minute: int = 150  # the pace the narration will be spoken at
    facts: tuple[Fact, ...] = ()  # the facts to check: what the hook and narration may state


@dataclass(frozen=True)
class TitleSuggestion:
    text: str
    angle: str = ""
    score: float = 0.0  # 0..1, the writer's own estimate of pull


@dataclass(frozen=True)
class ChapterOutline:
    title: str
    beats: tuple[str, ...]


@dataclass(frozen=True)
class ScriptNotes:
    """The judgement part of an analysis (counts and durations are measured, not written)."""

    hook_strength: float | None  # 0..1; None: not judged (the offline placeholder)
    risks: tuple[str, ...] = ()
    pacing: tuple[str, ...] = ()  # one note per chapter


@dataclass(frozen=True)
class BibleSuggestion:
    kind: str  # "character" | "location"
    name: str
    description: str
    color: str = ""  # "#rrggbb"
    shape: str = ""


@dataclass(frozen=True)
class ShotSegment:
    """A stretch of narration one shot covers, aligned to word timings."""

    index: int
    text: str
    start: float
    end: float
    chapter_index: int


@dataclass(frozen=True)
class ShotIdea:
    kind: str  # "image" | "video" | "talking_head"
    prompt: str
    characters: tuple[str, ...] = ()  # bible names
    location: str = ""
    transition: str = "cut"  # "cut" | "crossfade"


@dataclass(frozen=True)
class PublishCopy:
    description: str
    tags: tuple[str, ...] = ()


@runtime_checkable
class TextProvider(Protocol):
    """Writes the script-side artifacts. Implementations must return structurally valid values
    (the pipeline validates them again before storing)."""

    name: str

    def title_ideas(self, ctx: StoryContext, *, count: int) -> list[TitleSuggestion]: ...

    def facts(self, ctx: StoryContext) -> list[Fact]:
        """The short list of facts the video will state, written before the outline; the
        outline, hook and narration are then written from ``ctx.facts``."""
        ...

    def outline(self, ctx: StoryContext, *, chapters: int) -> list[ChapterOutline]: ...

    def hook(self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...]) -> str: ...

    def narration(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], index: int, words: int
    ) -> str: ...

    def notes(self, ctx: StoryContext, *, hook: str, chapters: tuple[str, ...]) -> ScriptNotes: ...

    def bible(self, ctx: StoryContext, *, narration: tuple[str, ...]) -> list[BibleSuggestion]: ...

    def shot_ideas(
        self,
        ctx: StoryContext,
        *,
        segments: tuple[ShotSegment, ...],
        bible: tuple[BibleSuggestion, ...],
    ) -> list[ShotIdea]: ...

    def publish_copy(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], hook: str
    ) -> PublishCopy: ...


# --- research and publishing ------------------------------------------------------------------


@dataclass(frozen=True)
class OutlierCandidate:
    video_id: str
    title: str
    channel_title: str
    views: int
    channel_median_views: int
    url: str
    published_at: str = ""  # RFC 3339

    @property
    def outlier_score(self) -> float:
        return self.views / max(1, self.channel_median_views)


@runtime_checkable
class ResearchProvider(Protocol):
    name: str

    def outliers(self, *, query: str, limit: int) -> list[OutlierCandidate]: ...


@dataclass(frozen=True)
class PublishRequest:
    video: InputFile
    title: str
    description: str
    tags: tuple[str, ...] = ()
    privacy: str = "private"  # "private" | "unlisted" | "public"
    publish_at: str = ""  # RFC 3339; needs privacy "private"
    thumbnail: InputFile | None = None
    category_id: str = "22"


@dataclass(frozen=True)
class PublishResult:
    video_id: str
    url: str


@runtime_checkable
class PublishProvider(Protocol):
    name: str

    def upload(self, request: PublishRequest, *, access_token: str) -> PublishResult: ...
