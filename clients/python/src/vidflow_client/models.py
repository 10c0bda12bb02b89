"""Typed views of the API's JSON: frozen dataclasses with snake_case fields.

``Model.from_api(data)`` maps each camelCase key to its snake_case field, builds nested models,
lists and datetimes from the field's type, and ignores keys it does not know (a newer server may
send more). The JSON as received stays on ``.raw`` for anything not modelled here.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar, Union

RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
ACTIVE_RUN_STATUSES = frozenset({"queued", "running"})

M = TypeVar("M", bound="Model")
T = TypeVar("T")

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_hints_cache: dict[type, dict[str, Any]] = {}


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(options[0], value) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_convert(item, v) for v in value]
    if isinstance(hint, type) and issubclass(hint, Model):
        return hint.from_api(value)
    if hint is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if hint is float and isinstance(value, int):
        return float(value)
    return value


@dataclass(frozen=True)
class Model:
    """Base of every API model."""

    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, kw_only=True)

    renames: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_api(cls: type[M], data: dict[str, Any]) -> M:
        hints = _hints_cache.get(cls)
        if hints is None:
            hints = _hints_cache[cls] = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls) if f.name != "raw"}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            name = cls.renames.get(key) or snake(key)
            if name in names:
                kwargs[name] = _convert(hints[name], value)
        return cls(**kwargs, raw=data)


# --- accounts and billing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Balance(Model):
    balance: int = 0
    prices: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Price(Model):
    """One billable action of the price table: its credits per unit."""

    action: str = ""
    credits: int = 0
    unit: str = ""
    description: str = ""


@dataclass(frozen=True)
class QuoteStep(Model):
    step: str = ""
    label: str = ""
    action: str = ""
    quantity: int = 0
    unit: str = ""
    credits: int = 0
    estimate: bool = False
    note: str = ""


@dataclass(frozen=True)
class Quote(Model):
    """What a project costs from its current state to an up-to-date final.mp4."""

    project_id: str = ""
    steps: list[QuoteStep] = field(default_factory=list)
    total: int = 0
    balance: int = 0
    covered: bool = True
    shortfall: int = 0
    estimate: bool = False
    up_to_date: bool = False


@dataclass(frozen=True)
class LedgerEntry(Model):
    """One change of balance (charge, refund, grant, adjustment); charges are negative."""

    id: int = 0
    kind: str = ""
    amount: int = 0
    balance_after: int = 0
    reason: str = ""
    part: str = ""
    run_id: str | None = None
    shot_id: str | None = None
    reverses_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a cursor-paginated list; ``next_url`` fetches the next."""

    results: list[T]
    next_url: str | None = None
    previous_url: str | None = None


# --- runs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress(Model):
    done: int = 0
    total: int = 0
    unit: str = "steps"  # what they count: "s" of video for a render, "shots", ...
    stage: str | None = None  # a quick make's current stage (outline, voiceover, render, ...)


@dataclass(frozen=True)
class RunError(Model):
    code: str = ""
    message: str = ""


@dataclass(frozen=True)
class Run(Model):
    """A unit of asynchronous work (generation, render, upload)."""

    id: str = ""
    kind: str = ""
    status: str = "queued"
    progress: Progress = field(default_factory=Progress)
    project_id: str | None = None
    result: Any = None
    error: RunError | None = None
    credits_charged: int = 0
    credits_refunded: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class Accepted(Model):
    """The answer to an asynchronous write: poll ``run_id`` with ``wait_for_run``."""

    run_id: str = ""
    run: Run = field(default_factory=Run)


@dataclass(frozen=True)
class MakeStarted(Accepted):
    """A quick make started on the server: its run and the project it makes."""

    project_id: str = ""


# --- projects and channels ----------------------------------------------------------------------


@dataclass(frozen=True)
class Channel(Model):
    id: str = ""
    name: str = ""
    niche: str = ""
    audience: str = ""
    tone: str = ""
    language: str = "en"
    default_voice: str = ""
    visual_style: str = ""
    youtube_connected: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ChannelSetup(Model):
    channel_id: str | None = None
    channel_name: str | None = None
    niche: str = ""
    audience: str = ""
    tone: str = ""
    language: str = "en"
    default_voice: str = ""
    visual_style: str = ""


@dataclass(frozen=True)
class ShotCounts(Model):
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Counts(Model):
    title_ideas: int = 0
    outlier_videos: int = 0
    chapters: int = 0
    characters: int = 0
    locations: int = 0
    shots: ShotCounts = field(default_factory=ShotCounts)
    active_runs: int = 0


@dataclass(frozen=True)
class Stale(Model):
    chapters: list[str] = field(default_factory=list)
    hook: bool = False
    analysis: bool = False
    bible_entries: list[str] = field(default_factory=list)
    voiceover: bool = False
    music: bool = False
    shots: list[str] = field(default_factory=list)
    render: bool = False
    thumbnail: bool = False


@dataclass(frozen=True)
class SelectedEntry(Model):
    id: str = ""
    name: str = ""
    variation_id: str | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class SelectedVoiceover(Model):
    voice_id: str = ""
    audio_url: str | None = None
    duration: float = 0.0
    words: int = 0
    stale: bool = False


@dataclass(frozen=True)
class SelectedMusic(Model):
    mood: str = ""
    tempo: int = 0
    audio_url: str | None = None
    duration: float = 0.0
    stale: bool = False


@dataclass(frozen=True)
class SelectedRender(Model):
    video_url: str | None = None
    srt_url: str | None = None
    vtt_url: str | None = None
    duration: float = 0.0
    width: int = 0
    height: int = 0
    stale: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class SelectedThumbnail(Model):
    image_url: str | None = None
    title: str = ""
    stale: bool = False


@dataclass(frozen=True)
class Selected(Model):
    title: str = ""
    hook: str = ""
    characters: list[SelectedEntry] = field(default_factory=list)
    locations: list[SelectedEntry] = field(default_factory=list)
    voiceover: SelectedVoiceover | None = None
    music: SelectedMusic | None = None
    render: SelectedRender | None = None
    thumbnail: SelectedThumbnail | None = None


@dataclass(frozen=True)
class Project(Model):
    """A project as lists show it; ``get_project`` answers a ``ProjectDetail``."""

    id: str = ""
    title: str = ""
    idea: str = ""
    selected_title: str = ""
    channel_id: str | None = None
    video_style: str = ""
    voice_id: str = ""
    aspect_ratio: str = "16:9"
    resolution: str = "720p"
    target_seconds: int = 0
    status: str = "ideation"
    hidden: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ProjectDetail(Project):
    """The full project payload: stage, what is done, what is stale, the selected artifacts."""

    completed_stages: list[str] = field(default_factory=list)
    stale: Stale = field(default_factory=Stale)
    counts: Counts = field(default_factory=Counts)
    selected: Selected = field(default_factory=Selected)
    credits_spent: int = 0
    hidden_reason: str = ""

    @property
    def video_url(self) -> str | None:
        """The link to the current final.mp4, if the project has been rendered."""
        return self.selected.render.video_url if self.selected.render else None


# --- ideation and script ------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleIdea(Model):
    id: str = ""
    text: str = ""
    angle: str = ""
    score: float | None = None
    source: str = ""
    selected: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class OutlierVideo(Model):
    id: str = ""
    video_id: str = ""
    url: str = ""
    title: str = ""
    channel_title: str = ""
    views: int | None = None
    channel_median_views: int | None = None
    outlier_score: float | None = None
    published_at: datetime | None = None
    source: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class OutlierSearch(Model):
    found: int = 0
    added: list[OutlierVideo] = field(default_factory=list)


@dataclass(frozen=True)
class Chapter(Model):
    id: str = ""
    position: int = 0
    title: str = ""
    beats: list[str] = field(default_factory=list)
    narration: str = ""
    narration_stale: bool = False
    words: int = 0


@dataclass(frozen=True)
class Outline(Model):
    chapters: list[Chapter] = field(default_factory=list)
    generated_at: datetime | None = None


@dataclass(frozen=True)
class Hook(Model):
    hook: str = ""
    stale: bool = False


@dataclass(frozen=True)
class Analysis(Model):
    analysis: dict[str, Any] | None = None
    stale: bool = False


# --- visual bible -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variation(Model):
    id: str = ""
    image_url: str | None = None
    prompt: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class BibleEntry(Model):
    """A character or a location, drawn in variations; the selected one is the reference."""

    id: str = ""
    kind: str = ""
    name: str = ""
    description: str = ""
    traits: dict[str, str] = field(default_factory=dict)
    selected_variation_id: str | None = None
    variations: list[Variation] = field(default_factory=list)
    stale: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


# --- voiceover ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word(Model):
    word: str = ""
    start: float = 0.0
    end: float = 0.0


@dataclass(frozen=True)
class ChapterSpan(Model):
    chapter_id: str = ""
    start: float = 0.0
    end: float = 0.0


@dataclass(frozen=True)
class Voiceover(Model):
    voice_id: str = ""
    audio_url: str | None = None
    duration: float = 0.0
    words: list[Word] = field(default_factory=list)
    chapter_spans: list[ChapterSpan] = field(default_factory=list)
    timing_source: str = ""
    stale: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Music(Model):
    mood: str = ""
    tempo: int = 0
    audio_url: str | None = None
    duration: float = 0.0
    stale: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Voice(Model):
    id: str = ""
    name: str = ""
    language: str = ""
    engine: str = ""
    description: str = ""
    quality: str = ""  # high (neural), medium (Piper), low (eSpeak NG, robotic)
    note: str = ""  # why a low-quality voice is offered
    sample_url: str = ""


# --- production ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot(Model):
    id: str = ""
    position: int = 0
    kind: str = "image"
    prompt: str = ""
    line: str = ""
    start: float = 0.0
    end: float = 0.0
    transition_in: str = ""
    state: str = "planned"
    stale: bool = False
    error: str = ""
    character_ids: list[str] = field(default_factory=list)
    location_id: str | None = None
    image_url: str | None = None
    animated_url: str | None = None
    video_url: str | None = None
    run_id: str | None = None
    video_task_id: str | None = None
    wavespeed_task_id: str | None = None


@dataclass(frozen=True)
class ShotRun(Accepted):
    """The answer to generating one shot (``finished`` when ``async_video=False`` waited)."""

    shot: Shot = field(default_factory=Shot)
    finished: bool = False
    video_task_id: str | None = None
    wavespeed_task_id: str | None = None


@dataclass(frozen=True)
class Render(Model):
    video_url: str | None = None
    srt_url: str | None = None
    vtt_url: str | None = None
    duration: float = 0.0
    width: int = 0
    height: int = 0
    captions: bool = True
    quality: dict[str, Any] = field(default_factory=dict)
    stale: bool = False
    run_id: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RenderStatus(Model):
    render: Render | None = None
    run: Run | None = None


@dataclass(frozen=True)
class Thumbnail(Model):
    image_url: str | None = None
    title: str = ""
    shot_id: str | None = None
    stale: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ThumbnailStatus(Model):
    thumbnail: Thumbnail | None = None
    run: Run | None = None


# --- publish ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterMark(Model):
    seconds: int = 0
    time: str = ""
    title: str = ""


@dataclass(frozen=True)
class PublishContext(Model):
    title: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    chapters: list[ChapterMark] = field(default_factory=list)
    thumbnail_url: str | None = None
    video_url: str | None = None
    srt_url: str | None = None
    vtt_url: str | None = None
    duration: float | None = None
    stale: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishSuggestion(Model):
    description: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deleted(Model):
    id: str = ""
    deleted: bool = False
