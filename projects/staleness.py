"""What becomes stale when something it was made from changes.

One place for the dependency graph between artifacts, so that every edit marks exactly what must
be regenerated and nothing else:

    title/idea ─▶ outline ─▶ chapter narration ─▶ voiceover ─▶ shots covering it ─▶ render
                                   │                  └────▶ music length
    bible entry reference ─▶ shots showing it ─▶ render          selected title ─▶ thumbnail
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Project, Render, Shot, Thumbnail, Voiceover


def stale_render(*, project: Project) -> None:
    Render.objects.filter(project=project).update(stale=True)


def stale_shots(*, project: Project, shot_ids: Iterable[object] | None = None) -> None:
    shots = Shot.objects.filter(project=project)
    if shot_ids is not None:
        shots = shots.filter(pk__in=list(shot_ids))
    if shots.filter(stale=False).update(stale=True):
        stale_render(project=project)


def stale_after_project_change(*, project: Project, fields: set[str]) -> None:
    """Project settings feed later artifacts: mark those that a changed field invalidates."""
    if "voice_id" in fields:
        Voiceover.objects.filter(project=project).update(stale=True)
    if fields & {"aspect_ratio", "resolution", "video_style"}:
        stale_shots(project=project)
        stale_render(project=project)
        Thumbnail.objects.filter(project=project).update(stale=True)
    if "selected_title" in fields:
        Thumbnail.objects.filter(project=project).update(stale=True)
