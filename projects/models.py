"""Projects, their stage artifacts, shots and runs.

State lives in three machines (django-fsm-2, fields protected from direct assignment):
``Project.status`` (the stage the project is in), ``Shot.state`` and ``Run.status``. Transitions
run only through services, inside a transaction with the row locked, and leave an ``Event`` row.
Staleness is a mark on each derived artifact, set by the service that edits what it was made from.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from vidflow.fsm import FSMModel, Requirement
from vidflow.storage import ArtifactPath


class Stage(models.TextChoices):
    IDEATION = "ideation", "Ideation"
    SCRIPT = "script", "Script"
    VISUAL_BIBLE = "visual_bible", "Visual bible"
    VOICEOVER = "voiceover", "Voiceover"
    PRODUCTION = "production", "Production"
    PUBLISH = "publish", "Publish"


STAGE_ORDER: list[str] = [s.value for s in Stage]


class AspectRatio(models.TextChoices):
    LANDSCAPE = "16:9", "16:9 (landscape)"
    PORTRAIT = "9:16", "9:16 (vertical)"


class Resolution(models.TextChoices):
    HD = "720p", "720p"
    FULL_HD = "1080p", "1080p"


def frame_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """Frame width and height for an aspect ratio and a resolution (720p: 1280x720 or 720x1280)."""
    short = 1080 if resolution == Resolution.FULL_HD else 720
    long = short * 16 // 9
    return (long, short) if aspect_ratio == AspectRatio.LANDSCAPE else (short, long)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Channel(TimeStamped):
    """A creator's channel: the setup every project on it starts from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels"
    )
    name = models.CharField(max_length=100)
    niche = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=200, blank=True)
    tone = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=16, default="en")
    default_voice = models.CharField(max_length=100, blank=True)
    visual_style = models.CharField(max_length=200, blank=True)
    youtube_channel_id = models.CharField(max_length=64, blank=True)
    youtube_connected_at = models.DateTimeField(null=True, blank=True)
    # The YouTube refresh token, sealed (vidflow.crypto): it must stay usable, so it cannot be
    # hashed like our own tokens.
    youtube_credentials = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name


# --- stage requirements: each says, in words, what is missing -------------------------------


def _has_selected_title(project: Project) -> bool:
    return bool(project.selected_title.strip())


def _script_complete(project: Project) -> bool:
    chapters = project.chapters.all()
    return chapters.exists() and not chapters.filter(narration="").exists()


def _bible_selected(project: Project) -> bool:
    return not project.bible_entries.filter(selected_variation__isnull=True).exists()


def _voiceover_timed(project: Project) -> bool:
    voiceover = Voiceover.objects.filter(project=project).first()
    return voiceover is not None and bool(voiceover.words) and not voiceover.stale


def _rendered(project: Project) -> bool:
    render = Render.objects.filter(project=project).first()
    return render is not None and bool(render.video) and not render.stale


NEEDS_TITLE = Requirement(_has_selected_title, "The script needs a selected title: pick one first.")
NEEDS_SCRIPT = Requirement(
    _script_complete, "This needs a script: every chapter of the outline must have narration."
)
NEEDS_BIBLE = Requirement(
    _bible_selected,
    "Every character and location in the visual bible needs a selected reference variation.",
)
NEEDS_VOICEOVER = Requirement(
    _voiceover_timed, "Planning shots needs a voiceover with word timings (and not stale)."
)
NEEDS_RENDER = Requirement(_rendered, "Publishing needs a rendered final.mp4 that is up to date.")


class Project(FSMModel, TimeStamped):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    title = models.CharField(max_length=200)
    idea = models.TextField(blank=True, max_length=4000)
    selected_title = models.CharField(max_length=200, blank=True)
    video_style = models.CharField(max_length=100, blank=True)
    voice_id = models.CharField(max_length=100, blank=True)
    aspect_ratio = models.CharField(
        max_length=8, choices=AspectRatio.choices, default=AspectRatio.LANDSCAPE
    )
    resolution = models.CharField(max_length=8, choices=Resolution.choices, default=Resolution.HD)
    target_seconds = models.PositiveIntegerField(default=60)
    status = FSMField(default=Stage.IDEATION, choices=Stage.choices, protected=True, db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "-created_at"))]

    def __str__(self) -> str:
        return self.title

    @property
    def size(self) -> tuple[int, int]:
        """Frame width and height for the project's aspect ratio and resolution."""
        return frame_size(self.aspect_ratio, self.resolution)

    # Advancing is the only way the stage changes; the requirements say what is missing.
    @transition(field=status, source=Stage.IDEATION, target=Stage.SCRIPT, conditions=[NEEDS_TITLE])
    def begin_script(self) -> None:
        pass

    @transition(
        field=status, source=Stage.SCRIPT, target=Stage.VISUAL_BIBLE, conditions=[NEEDS_SCRIPT]
    )
    def begin_visual_bible(self) -> None:
        pass

    @transition(
        field=status,
        source=[Stage.SCRIPT, Stage.VISUAL_BIBLE],
        target=Stage.VOICEOVER,
        conditions=[NEEDS_SCRIPT, NEEDS_BIBLE],
    )
    def begin_voiceover(self) -> None:
        pass

    @transition(
        field=status, source=Stage.VOICEOVER, target=Stage.PRODUCTION, conditions=[NEEDS_VOICEOVER]
    )
    def begin_production(self) -> None:
        pass

    @transition(
        field=status, source=Stage.PRODUCTION, target=Stage.PUBLISH, conditions=[NEEDS_RENDER]
    )
    def begin_publish(self) -> None:
        pass


# --- ideation -------------------------------------------------------------------------------


class ArtifactSource(models.TextChoices):
    GENERATED = "generated", "Generated"
    MANUAL = "manual", "Added by hand"


# Who wrote a text artifact: the text provider ("offline" — the placeholder stub — or
# "openai:<model>"), or "user" once the creator edited it.
WRITER_MAX_LENGTH = 120


class TitleIdea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="title_ideas")
    text = models.CharField(max_length=200)
    angle = models.CharField(max_length=300, blank=True)
    score = models.FloatField(null=True, blank=True)
    source = models.CharField(
        max_length=16, choices=ArtifactSource.choices, default=ArtifactSource.GENERATED
    )
    written_by = models.CharField(max_length=WRITER_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return self.text


class OutlierVideo(models.Model):
    """A reference video whose views far exceed its channel's median."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outlier_videos")
    video_id = models.CharField(max_length=32, blank=True)
    url = models.URLField(blank=True)
    title = models.CharField(max_length=300)
    channel_title = models.CharField(max_length=200, blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    channel_median_views = models.BigIntegerField(null=True, blank=True)
    outlier_score = models.FloatField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=16, choices=ArtifactSource.choices, default=ArtifactSource.MANUAL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-outlier_score", "created_at")
        constraints = [
            models.UniqueConstraint(
                fields=("project", "video_id"),
                condition=~Q(video_id=""),
                name="outlier_unique_video_per_project",
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- script ---------------------------------------------------------------------------------


class Script(models.Model):
    """The project's facts to check, hook and analysis; chapters (beats, narration) are rows of
    their own. ``facts``: ``[{"text", "uncertain"}]``, written with the outline (or by the
    creator); the hook and narration are written from them."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="script", primary_key=True
    )
    facts = models.JSONField(default=list, blank=True)
    facts_by = models.CharField(max_length=WRITER_MAX_LENGTH, blank=True)
    hook = models.TextField(blank=True)
    hook_by = models.CharField(max_length=WRITER_MAX_LENGTH, blank=True)
    hook_stale = models.BooleanField(default=False)
    analysis = models.JSONField(null=True, blank=True)
    analysis_by = models.CharField(max_length=WRITER_MAX_LENGTH, blank=True)
    analysis_stale = models.BooleanField(default=False)
    outline_generated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"script of {self.project_id}"


class Chapter(TimeStamped):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    beats = models.JSONField(default=list, blank=True)
    outline_by = models.CharField(max_length=WRITER_MAX_LENGTH, blank=True)
    narration = models.TextField(blank=True)
    narration_by = models.CharField(max_length=WRITER_MAX_LENGTH, blank=True)
    narration_stale = models.BooleanField(default=False)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=("project", "position"), name="chapter_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


# --- visual bible ---------------------------------------------------------------------------


class BibleKind(models.TextChoices):
    CHARACTER = "character", "Character"
    LOCATION = "location", "Location"


class BibleEntry(TimeStamped):
    """A character or a location; its selected variation is the reference every shot uses."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="bible_entries")
    kind = models.CharField(max_length=16, choices=BibleKind.choices)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)
    traits = models.JSONField(default=dict, blank=True)
    selected_variation = models.ForeignKey(
        "Variation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stale = models.BooleanField(default=False)

    class Meta:
        ordering = ("kind", "created_at")
        verbose_name_plural = "bible entries"
        constraints = [
            models.UniqueConstraint(
                fields=("project", "kind", "name"), name="bible_entry_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class Variation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(BibleEntry, on_delete=models.CASCADE, related_name="variations")
    image = models.FileField(upload_to=ArtifactPath("bible"), blank=True)
    prompt = models.TextField(blank=True)
    seed = models.BigIntegerField(default=0)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"variation {self.pk} of {self.entry_id}"

    @property
    def project_id(self) -> Any:
        return self.entry.project_id


# --- voiceover ------------------------------------------------------------------------------


class Voiceover(TimeStamped):
    """Narration audio with word timings ``[{"word", "start", "end"}]`` in seconds."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="voiceover", primary_key=True
    )
    voice_id = models.CharField(max_length=100)
    audio = models.FileField(upload_to=ArtifactPath("voiceover"), blank=True)
    duration = models.FloatField(default=0)
    words = models.JSONField(default=list, blank=True)
    chapter_spans = models.JSONField(default=list, blank=True)
    timing_source = models.CharField(max_length=32, blank=True)
    stale = models.BooleanField(default=False)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self) -> str:
        return f"voiceover of {self.project_id} ({self.duration:.1f}s)"


class Music(TimeStamped):
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="music", primary_key=True
    )
    mood = models.CharField(max_length=32)
    tempo = models.PositiveSmallIntegerField(default=90)
    audio = models.FileField(upload_to=ArtifactPath("music"), blank=True)
    duration = models.FloatField(default=0)
    stale = models.BooleanField(default=False)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mood} music of {self.project_id}"


# --- production -----------------------------------------------------------------------------


class ShotKind(models.TextChoices):
    IMAGE = "image", "Image (animated still)"
    VIDEO = "video", "Video"
    TALKING_HEAD = "talking_head", "Talking head"


class ShotState(models.TextChoices):
    PLANNED = "planned", "Planned"
    GENERATING_IMAGE = "generating_image", "Generating image"
    IMAGE_READY = "image_ready", "Image ready"
    GENERATING_VIDEO = "generating_video", "Generating video"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ShotSource(models.TextChoices):
    GENERATED = "generated", "Generated"
    UPLOAD = "upload", "Uploaded by the creator"


class ShotTransition(models.TextChoices):
    CUT = "cut", "Cut"
    CROSSFADE = "crossfade", "Crossfade"


def _new_callback_secret() -> str:
    """Referenced by migration 0001 (shots used to hold vendor secrets; vendor jobs do now)."""
    return secrets.token_urlsafe(24)


NEEDS_IMAGE = Requirement(lambda shot: bool(shot.image), "The video step needs the shot's image.")


class Shot(FSMModel, TimeStamped):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shots")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ShotKind.choices, default=ShotKind.IMAGE)
    prompt = models.TextField(blank=True, max_length=2000)
    line = models.TextField(blank=True, help_text="The narration this shot covers.")
    characters = models.ManyToManyField(BibleEntry, blank=True, related_name="character_shots")
    location = models.ForeignKey(
        BibleEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="location_shots"
    )
    start = models.FloatField(default=0)
    end = models.FloatField(default=0)
    transition_in = models.CharField(
        max_length=16,
        choices=ShotTransition.choices,
        default=ShotTransition.CUT,
        help_text="How this shot enters from the previous one.",
    )
    state = FSMField(
        default=ShotState.PLANNED, choices=ShotState.choices, protected=True, db_index=True
    )
    image = models.FileField(upload_to=ArtifactPath("shots"), blank=True)
    animated = models.FileField(upload_to=ArtifactPath("shots"), blank=True)
    video = models.FileField(upload_to=ArtifactPath("shots"), blank=True)
    # The narration this shot covers, cut from the voiceover for talking-head vendors to fetch.
    line_audio = models.FileField(upload_to=ArtifactPath("shots"), blank=True)
    error = models.TextField(blank=True)
    stale = models.BooleanField(default=False)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)
    # What the picture shows, as the image provider reported it ([{icon, label, entry?,
    # count?}]; empty: a title card, or a vendor that does not say), and the icons the creator
    # chose instead of the prompt's (drawn from the next generation on; empty: from the prompt).
    subjects = models.JSONField(default=list, blank=True)
    chosen_subjects = models.JSONField(default=list, blank=True)
    # "upload": the picture or footage is the creator's own (``image``, or ``video`` with its
    # first frame as ``image``), ready at once and never generated over.
    source = models.CharField(
        max_length=16, choices=ShotSource.choices, default=ShotSource.GENERATED
    )
    # Who made a stock picture and where it lives ({library, author, authorUrl, url, text}), for
    # the credits the libraries ask for in the publish description; {} for anything else.
    credit = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=("project", "position"), name="shot_unique_position"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="shot_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"shot {self.position} ({self.state})"

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    @transition(field=state, source=ShotState.PLANNED, target=ShotState.GENERATING_IMAGE)
    def start_image(self) -> None:
        pass

    @transition(
        field=state,
        source=[ShotState.READY, ShotState.FAILED, ShotState.IMAGE_READY],
        target=ShotState.GENERATING_IMAGE,
    )
    def regenerate(self) -> None:
        pass

    @transition(field=state, source=ShotState.GENERATING_IMAGE, target=ShotState.IMAGE_READY)
    def image_done(self) -> None:
        pass

    @transition(
        field=state,
        source=ShotState.IMAGE_READY,
        target=ShotState.GENERATING_VIDEO,
        conditions=[NEEDS_IMAGE],
    )
    def start_video(self) -> None:
        pass

    @transition(field=state, source=ShotState.GENERATING_VIDEO, target=ShotState.READY)
    def video_done(self) -> None:
        pass

    @transition(
        field=state,
        source=[ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO],
        target=ShotState.FAILED,
    )
    def fail(self) -> None:
        pass

    @transition(
        field=state,
        source=[ShotState.PLANNED, ShotState.IMAGE_READY, ShotState.READY, ShotState.FAILED],
        target=ShotState.READY,
    )
    def media_uploaded(self) -> None:
        """The creator's own picture or clip: ready at once."""

    @transition(field=state, source=ShotState.READY, target=ShotState.PLANNED)
    def media_removed(self) -> None:
        """Back to generation: the shot waits to be generated again."""


class Render(TimeStamped):
    """The current final.mp4 with its caption files and the quality check it passed."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="render", primary_key=True
    )
    video = models.FileField(upload_to=ArtifactPath("render"), blank=True)
    srt = models.FileField(upload_to=ArtifactPath("render"), blank=True)
    vtt = models.FileField(upload_to=ArtifactPath("render"), blank=True)
    duration = models.FloatField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    captions = models.BooleanField(default=True)
    quality = models.JSONField(default=dict, blank=True)
    # The text provider's description draft and tags ({"description", "tags"}), written by the
    # render run so that GET /publish-context never waits on a text vendor.
    publish_copy = models.JSONField(default=dict, blank=True)
    stale = models.BooleanField(default=False)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self) -> str:
        return f"render of {self.project_id} ({self.duration:.1f}s)"


class Thumbnail(TimeStamped):
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="thumbnail", primary_key=True
    )
    image = models.FileField(upload_to=ArtifactPath("thumbnail"), blank=True)
    title = models.CharField(max_length=200, blank=True)
    shot = models.ForeignKey(Shot, on_delete=models.SET_NULL, null=True, blank=True)
    stale = models.BooleanField(default=False)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self) -> str:
        return f"thumbnail of {self.project_id}"


class Publication(TimeStamped):
    """An upload of the final video to YouTube."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="publications")
    youtube_video_id = models.CharField(max_length=32, blank=True)
    privacy = models.CharField(max_length=16, default="private")
    publish_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey("Run", on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.youtube_video_id or f"publication {self.pk}"


# --- runs and events ------------------------------------------------------------------------


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunKind(models.TextChoices):
    """Every kind of run, with what the pages call it. The pages read this list (the project
    page hands it to its scripts with ``json_script``), so a kind is named in one place."""

    SCRIPT_OUTLINE = "script.outline", "Outline"
    SCRIPT_HOOK = "script.hook", "Hook"
    SCRIPT_CHAPTERS = "script.chapters", "Narration"
    SCRIPT_ANALYZE = "script.analyze", "Script analysis"
    VISUAL_BIBLE_GENERATE = "visual_bible.generate", "Visual bible"
    VISUAL_BIBLE_VARIATION = "visual_bible.variation", "New variation"
    VOICEOVER_GENERATE = "voiceover.generate", "Voiceover"
    MUSIC_GENERATE = "music.generate", "Music"
    SHOTS_PLAN = "shots.plan", "Shot plan"
    SHOTS_GENERATE = "shots.generate", "Shots"
    RENDER_FINAL = "render.final", "Render"
    THUMBNAIL_GENERATE = "thumbnail.generate", "Thumbnail"
    PUBLISH_YOUTUBE = "publish.youtube", "YouTube upload"
    PROJECT_MAKE = "project.make", "Quick make"

    @classmethod
    def label_of(cls, kind: str) -> str:
        """A kind's label; a kind this code no longer knows (an old row) is shown as it is."""
        return str(cls(kind).label) if kind in cls.values else kind


class Run(FSMModel, models.Model):
    """A unit of asynchronous work and the credits it was charged and refunded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs"
    )
    # Kept when the project is deleted: the run is the record of what was charged.
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    kind = models.CharField(max_length=48, db_index=True)
    status = FSMField(
        default=RunStatus.QUEUED, choices=RunStatus.choices, protected=True, db_index=True
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=1)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    credits_charged = models.PositiveIntegerField(default=0)
    credits_refunded = models.PositiveIntegerField(default=0)
    deadline_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "-created_at"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(credits_refunded__lte=models.F("credits_charged")),
                name="run_refund_not_above_charge",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="run_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @transition(field=status, source=RunStatus.QUEUED, target=RunStatus.RUNNING)
    def start(self) -> None:
        pass

    @transition(field=status, source=RunStatus.RUNNING, target=RunStatus.SUCCEEDED)
    def succeed(self) -> None:
        pass

    @transition(field=status, source=[RunStatus.QUEUED, RunStatus.RUNNING], target=RunStatus.FAILED)
    def fail(self) -> None:
        pass

    @transition(
        field=status, source=[RunStatus.QUEUED, RunStatus.RUNNING], target=RunStatus.CANCELLED
    )
    def cancel(self) -> None:
        pass


class Event(models.Model):
    """One row per state transition: what moved, from where to where, and who moved it."""

    id = models.BigAutoField(primary_key=True)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    subject_type = models.CharField(max_length=16)
    subject_id = models.UUIDField()
    name = models.CharField(max_length=48)
    source = models.CharField(max_length=32)
    target = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("subject_type", "subject_id"))]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.name}: {self.source} -> {self.target}"


# Vendor jobs belong to the pipeline; their model lives beside it and registers with this app.
