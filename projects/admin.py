"""Staff views of projects, shots and runs.

State fields are shown but never edited here: a state only changes through its machine (the
services), so admin edits cannot skip a step or lose an event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from billing.admin import ReadOnlyAdmin, ledger_table
from billing.models import EntryKind, LedgerEntry
from billing.services import credits_refund_all
from vidflow.admin_actions import action_with_reason

from . import services
from .models import (
    BibleEntry,
    Channel,
    Chapter,
    Event,
    Music,
    OutlierVideo,
    Project,
    Publication,
    Render,
    Run,
    Shot,
    Thumbnail,
    TitleIdea,
    Variation,
    Voiceover,
)


def _hide(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.project_hide(project_id=project.pk, actor=request.user, reason=data["reason"])  # type: ignore[arg-type]
    return f"hid {project.title!r}"


def _refund(request: HttpRequest, run: Run, data: dict[str, Any]) -> str:
    refunded = credits_refund_all(reference=run.pk, actor=request.user, reason=data["reason"])  # type: ignore[arg-type]
    return f"run {run.pk} of {run.owner}: {refunded} credits refunded"


def _describe_run(run: Run) -> str:
    """Who, which run and how much, on the refund form."""
    refundable = -sum(
        LedgerEntry.objects.filter(
            reference=run.pk, kind=EntryKind.CHARGE, reversed_by__isnull=True
        ).values_list("amount", flat=True)
    )
    project = f" ({run.project})" if run.project_id else ""
    return (
        f"run {run.pk}: {run.kind}{project} of {run.owner}, {run.credits_charged} credits "
        f"charged, {run.credits_refunded} refunded: {refundable} credits would be refunded"
    )


class ChapterInline(admin.TabularInline):
    model = Chapter
    fields = ("position", "title", "narration_stale")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "status", "hidden", "aspect_ratio", "created_at")
    list_filter = ("status", "aspect_ratio", "resolution", "created_at")
    search_fields = ("title", "idea", "owner__username", "owner__email", "id")
    list_select_related = ("owner",)
    readonly_fields = (
        "id",
        "status",
        "owner",
        "hidden_at",
        "hidden_reason",
        "created_at",
        "updated_at",
    )
    fields = (
        "id",
        "owner",
        "status",
        "title",
        "idea",
        "selected_title",
        "channel",
        "video_style",
        "voice_id",
        "aspect_ratio",
        "resolution",
        "target_seconds",
        "hidden_at",
        "hidden_reason",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("channel",)
    inlines = [ChapterInline]
    actions = [action_with_reason(description="Hide projects…", perform=_hide), "unhide"]

    @admin.display(boolean=True)
    def hidden(self, project: Project) -> bool:
        return project.hidden_at is not None

    @admin.action(description="Unhide projects")
    def unhide(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        for project in queryset:
            services.project_unhide(project_id=project.pk, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} projects unhidden.")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "niche", "language", "youtube_connected_at", "created_at")
    list_filter = ("language",)
    search_fields = ("name", "niche", "owner__username")
    list_select_related = ("owner",)
    readonly_fields = ("id", "owner", "youtube_channel_id", "youtube_connected_at", "created_at")


@admin.register(Shot)
class ShotAdmin(admin.ModelAdmin):
    list_display = ("__str__", "project", "position", "kind", "state", "stale", "run")
    list_filter = ("state", "kind", "stale")
    search_fields = ("project__title", "id")
    list_select_related = ("project",)
    readonly_fields = (
        "id",
        "project",
        "state",
        "image",
        "animated",
        "video",
        "line_audio",
        "error",
        "run",
        "created_at",
        "updated_at",
    )
    exclude = ("characters",)
    raw_id_fields = ("location",)


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "status",
        "owner",
        "project",
        "progress",
        "credits_charged",
        "credits_refunded",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind", "created_at")
    search_fields = ("id", "owner__username", "project__title", "kind")
    list_select_related = ("owner", "project")
    date_hierarchy = "created_at"
    actions = [
        "cancel",
        action_with_reason(description="Refund runs…", perform=_refund, describe=_describe_run),
    ]
    readonly_fields = ("credits_total", "charges_and_refunds")

    @admin.display(description="credits: charged, refunded, net")
    def credits_total(self, run: Run) -> str:
        entries = list(LedgerEntry.objects.filter(reference=run.pk).values_list("kind", "amount"))
        charged = -sum(a for k, a in entries if k == EntryKind.CHARGE)
        refunded = sum(a for k, a in entries if k == EntryKind.REFUND)
        return f"{charged} charged, {refunded} refunded: {charged - refunded} net"

    @admin.display(description="charges and refunds")
    def charges_and_refunds(self, run: Run) -> str:
        return ledger_table(LedgerEntry.objects.filter(reference=run.pk).order_by("id"))

    @admin.display(description="progress")
    def progress(self, run: Run) -> str:
        return f"{run.progress_done}/{run.progress_total}"

    @admin.action(description="Cancel runs (refunds unused credit)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Run]) -> None:
        active = [run for run in queryset if run.is_active]
        for run in active:
            services.run_cancel(run_id=run.pk, actor=request.user, reason="cancelled by staff")  # type: ignore[arg-type]
        self.message_user(request, f"{len(active)} runs cancelled.")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject_type", "subject_id", "name", "source", "target", "actor")
    list_filter = ("subject_type", "name")
    search_fields = ("subject_id", "project__title")
    list_select_related = ("actor",)


class ArtifactAdmin(admin.ModelAdmin):
    """Generated artifacts: viewable, searchable by project; made and changed by the pipeline."""

    search_fields = ("project__title", "project__id")
    list_select_related = ("project",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TitleIdea)
class TitleIdeaAdmin(ArtifactAdmin):
    list_display = ("text", "project", "source", "score", "created_at")
    list_filter = ("source",)


@admin.register(OutlierVideo)
class OutlierVideoAdmin(ArtifactAdmin):
    list_display = ("title", "project", "views", "outlier_score", "source")
    list_filter = ("source",)


@admin.register(Chapter)
class ChapterAdmin(ArtifactAdmin):
    list_display = ("title", "project", "position", "narration_stale", "updated_at")
    list_filter = ("narration_stale",)


@admin.register(BibleEntry)
class BibleEntryAdmin(ArtifactAdmin):
    list_display = ("name", "kind", "project", "selected_variation", "stale")
    list_filter = ("kind", "stale")
    raw_id_fields = ("selected_variation",)


@admin.register(Variation)
class VariationAdmin(admin.ModelAdmin):
    list_display = ("id", "entry", "seed", "created_at")
    search_fields = ("entry__name", "entry__project__title")
    list_select_related = ("entry",)
    readonly_fields = ("entry", "image", "run")


@admin.register(Voiceover)
class VoiceoverAdmin(ArtifactAdmin):
    list_display = ("project", "voice_id", "duration", "timing_source", "stale", "updated_at")
    readonly_fields = ("audio", "words", "chapter_spans", "run")


@admin.register(Music)
class MusicAdmin(ArtifactAdmin):
    list_display = ("project", "mood", "tempo", "duration", "stale")
    readonly_fields = ("audio", "run")


@admin.register(Render)
class RenderAdmin(ArtifactAdmin):
    list_display = ("project", "duration", "width", "height", "stale", "created_at")
    readonly_fields = ("video", "srt", "vtt", "quality", "run")


@admin.register(Thumbnail)
class ThumbnailAdmin(ArtifactAdmin):
    list_display = ("project", "title", "stale", "created_at")
    readonly_fields = ("image", "run")


@admin.register(Publication)
class PublicationAdmin(ArtifactAdmin):
    list_display = ("project", "youtube_video_id", "privacy", "publish_at", "created_at")
    readonly_fields = ("run",)
