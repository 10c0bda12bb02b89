from django.urls import URLPattern, re_path

from vidflow.api.routers import OptionalSlashRouter
from vidflow.api.views import UUID_PATTERN

from .api.core import ChannelViewSet, ProjectViewSet, RunViewSet
from .api.production import ShotsViewSet
from .api.script import ScriptViewSet
from .api.voiceover import VoiceoverViewSet, VoicesViewSet

router = OptionalSlashRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("channels", ChannelViewSet, basename="channel")
router.register("runs", RunViewSet, basename="run")


def stage(suffix: str, view: type, name: str, **methods: str) -> URLPattern:
    """A stage route under ``projects/<project_id>/``, with or without a trailing slash;
    ``{x_id}`` in the suffix becomes a UUID path parameter."""
    pattern = suffix
    for param in ("chapter_id", "entry_id", "variation_id", "shot_id", "title_id", "outlier_id"):
        pattern = pattern.replace("{" + param + "}", f"(?P<{param}>{UUID_PATTERN})")
    return re_path(
        rf"^projects/(?P<project_id>{UUID_PATTERN})/{pattern}/?$",
        view.as_view(methods),  # type: ignore[attr-defined]
        name=name,
    )


urlpatterns = [
    *router.urls,
    stage(
        "script/outline", ScriptViewSet, "script-outline", get="outline", post="generate_outline"
    ),
    stage(
        "script/hook",
        ScriptViewSet,
        "script-hook",
        get="hook",
        post="generate_hook",
        patch="edit_hook",
    ),
    stage(
        "script/chapters",
        ScriptViewSet,
        "script-chapters",
        get="chapters",
        post="generate_chapters",
    ),
    stage("script/chapters/{chapter_id}", ScriptViewSet, "script-chapter", patch="edit_chapter"),
    stage(
        "script/analyze", ScriptViewSet, "script-analyze", get="analysis", post="generate_analysis"
    ),
    stage("timeline/shots/plan", ShotsViewSet, "shots-plan", post="plan"),
    stage("timeline/shots/generate-all", ShotsViewSet, "shots-generate-all", post="generate_all"),
    stage("timeline/shots", ShotsViewSet, "shots", get="list"),
    stage(
        "timeline/shots/{shot_id}",
        ShotsViewSet,
        "shot",
        get="retrieve",
        patch="partial_update",
    ),
    stage("timeline/shots/{shot_id}/generate", ShotsViewSet, "shot-generate", post="generate"),
    stage(
        "voiceover",
        VoiceoverViewSet,
        "voiceover",
        get="voiceover",
    ),
    stage(
        "voiceover/generate",
        VoiceoverViewSet,
        "voiceover-generate",
        get="voiceover",
        post="generate_voiceover",
    ),
    stage("music", VoiceoverViewSet, "music", get="music"),
    stage("music/generate", VoiceoverViewSet, "music-generate", get="music", post="generate_music"),
    re_path(r"^voices/?$", VoicesViewSet.as_view({"get": "list"}), name="voices"),
    re_path(
        r"^voices/(?P<voice_id>[A-Za-z0-9_.:-]{1,100})/sample/?$",
        VoicesViewSet.as_view({"get": "sample"}),
        name="voice-sample",
    ),
]
