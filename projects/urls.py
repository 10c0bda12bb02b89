from typing import Any

from django.urls import URLPattern, re_path
from rest_framework.parsers import MultiPartParser

from vidflow.api.routers import OptionalSlashRouter
from vidflow.api.views import UUID_PATTERN

from .api.core import ChannelViewSet, ProjectViewSet, RunViewSet
from .api.icons import IconsViewSet
from .api.quote import QuoteViewSet
from .stages.ideation.api import IdeationViewSet
from .stages.make.api import MakeViewSet, ProjectMakeViewSet
from .stages.production.api import ShotsViewSet
from .stages.publishing.api import PublishingViewSet
from .stages.render.api import PublishContextViewSet, RenderViewSet
from .stages.script.api import ScriptFountainViewSet, ScriptViewSet
from .stages.visual_bible.api import CharacterViewSet, LocationViewSet, VisualBibleViewSet
from .stages.voiceover.api import VoiceoverViewSet, VoicesViewSet

router = OptionalSlashRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("channels", ChannelViewSet, basename="channel")
router.register("runs", RunViewSet, basename="run")


# The upload routes read multipart (the field ``file``); every other route reads JSON only.
UPLOAD = {"parser_classes": [MultiPartParser]}


def stage(
    suffix: str, view: type, name: str, initkwargs: dict[str, Any] | None = None, **methods: str
) -> URLPattern:
    """A stage route under ``projects/<project_id>/``, with or without a trailing slash;
    ``{x_id}`` in the suffix becomes a UUID path parameter."""
    pattern = suffix
    for param in ("chapter_id", "entry_id", "variation_id", "shot_id", "title_id", "outlier_id"):
        pattern = pattern.replace("{" + param + "}", f"(?P<{param}>{UUID_PATTERN})")
    return re_path(
        rf"^projects/(?P<project_id>{UUID_PATTERN})/{pattern}/?$",
        view.as_view(methods, **(initkwargs or {})),  # type: ignore[attr-defined]
        name=name,
    )


def bible_entries(plural: str, view: type, name: str) -> list[URLPattern]:
    """The same routes for characters and for locations."""
    base = f"visual-bible/{plural}"
    return [
        stage(base, view, f"bible-{name}s", get="list", post="create"),
        stage(
            f"{base}/{{entry_id}}",
            view,
            f"bible-{name}",
            get="retrieve",
            patch="partial_update",
            delete="destroy",
        ),
        stage(
            f"{base}/{{entry_id}}/variations/generate",
            view,
            f"bible-{name}-variations-generate",
            post="generate_variation",
        ),
        stage(
            f"{base}/{{entry_id}}/variations/upload",
            view,
            f"bible-{name}-variations-upload",
            UPLOAD,
            post="upload_variation",
        ),
        stage(
            f"{base}/{{entry_id}}/variations/{{variation_id}}/select",
            view,
            f"bible-{name}-variation-select",
            post="select_variation",
        ),
    ]


urlpatterns = [
    *router.urls,
    stage("quote", QuoteViewSet, "project-quote", get="retrieve"),
    # ideation
    stage("titles", IdeationViewSet, "titles", get="titles", post="suggest_titles"),
    stage("titles/{title_id}", IdeationViewSet, "title", delete="delete_title"),
    stage("titles/{title_id}/select", IdeationViewSet, "title-select", post="select_title"),
    stage("outlier-videos", IdeationViewSet, "outliers", get="outliers", post="add_outlier"),
    stage("outlier-videos/search", IdeationViewSet, "outliers-search", post="search_outliers"),
    stage("outlier-videos/{outlier_id}", IdeationViewSet, "outlier", delete="delete_outlier"),
    stage(
        "channel-setup",
        IdeationViewSet,
        "channel-setup",
        get="channel_setup",
        patch="edit_channel_setup",
    ),
    # script
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
    stage("script/facts", ScriptViewSet, "script-facts", get="facts", patch="edit_facts"),
    stage(
        "script/chapters/{chapter_id}",
        ScriptViewSet,
        "script-chapter",
        get="chapter",
        patch="edit_chapter",
    ),
    stage(
        "script/analyze", ScriptViewSet, "script-analyze", get="analysis", post="generate_analysis"
    ),
    # visual bible
    stage("visual-bible/generate", VisualBibleViewSet, "visual-bible-generate", post="generate"),
    *bible_entries("characters", CharacterViewSet, "character"),
    *bible_entries("locations", LocationViewSet, "location"),
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
        "timeline/shots/{shot_id}/media",
        ShotsViewSet,
        "shot-media",
        UPLOAD,
        post="upload_media",
        delete="remove_media",
    ),
    stage(
        "timeline/render",
        RenderViewSet,
        "render",
        get="render_status",
        post="generate_render",
    ),
    stage("thumbnail", RenderViewSet, "thumbnail", get="thumbnail_status"),
    stage(
        "thumbnail/generate",
        RenderViewSet,
        "thumbnail-generate",
        get="thumbnail_status",
        post="generate_thumbnail",
    ),
    stage(
        "publish-context",
        PublishContextViewSet,
        "publish-context",
        get="publish_context",
        patch="edit_publish_context",
    ),
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
    re_path(r"^icons/?$", IconsViewSet.as_view({"get": "list"}), name="icons"),
    re_path(
        r"^icons/(?P<name>[a-z0-9-]{1,80})\.svg$",
        IconsViewSet.as_view({"get": "svg"}),
        name="icon-svg",
    ),
    re_path(
        r"^voices/(?P<voice_id>[A-Za-z0-9_.:-]{1,100})/sample/?$",
        VoicesViewSet.as_view({"get": "sample"}),
        name="voice-sample",
    ),
    stage("publish-suggest", PublishingViewSet, "publish-suggest", post="suggest"),
    stage("publish-youtube", PublishingViewSet, "publish-youtube", post="youtube"),
    stage(
        r"script\.fountain",
        ScriptFountainViewSet,
        "script-fountain",
        get="export",
        put="import_file",
    ),
    # quick mode
    stage("make", ProjectMakeViewSet, "project-make", post="make"),
    re_path(r"^make/?$", MakeViewSet.as_view({"post": "create"}), name="make"),
    re_path(r"^make/quote/?$", MakeViewSet.as_view({"get": "quote"}), name="make-quote"),
]
