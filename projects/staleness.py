"""What becomes stale when something it was made from changes.

One place for the dependency graph between artifacts, so that every edit marks exactly what must
be regenerated and nothing else:

    outline ─▶ chapter narration ─▶ voiceover ─▶ shots whose words changed ─▶ render
       │              │    hook ──┘      └─▶ music (length)
       └─▶ hook       └─▶ analysis

A new voiceover re-times the shots by their words (``production.runs.retime_apply``): a shot
whose line it still speaks keeps its picture and only moves; the others are planned again and
go stale. An edit marks, ahead of it, the shots whose line the new text no longer speaks.
    bible entry reference ─▶ shots showing it ─▶ render        selected title ─▶ thumbnail
    (an entry's selected variation, description or traits)
    channel visual style ─▶ shots, render, thumbnail           channel default voice ─▶ voiceover
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from vendors.text import speaks_line

from .models import (
    BibleEntry,
    Channel,
    Chapter,
    Music,
    Project,
    Render,
    Script,
    Shot,
    Thumbnail,
    Voiceover,
)


def stale_render(*, project: Project) -> None:
    Render.objects.filter(project=project).update(stale=True)


def stale_shots(*, project: Project, shot_ids: Iterable[object] | None = None) -> None:
    """Mark shots stale (only ones that were generated: a planned shot has nothing to redo)."""
    # The creator's own media is not drawn from anything that changes: it never goes stale.
    shots = Shot.objects.filter(project=project).exclude(state="planned").exclude(source="upload")
    if shot_ids is not None:
        shots = shots.filter(pk__in=list(shot_ids))
    if shots.filter(stale=False).update(stale=True):
        stale_render(project=project)


def _stale_analysis(project: Project) -> None:
    Script.objects.filter(project=project).update(analysis_stale=True)


def _stale_voiceover(project: Project) -> None:
    if Voiceover.objects.filter(project=project, stale=False).update(stale=True):
        stale_render(project=project)


def _shots_covering(project: Project, span_key: str) -> list[Shot]:
    """The shots that speak a chapter's (or the hook's) words: those starting within its span of
    the voiceover (a shot never crosses a chapter, and starts at its first word)."""
    voiceover = Voiceover.objects.filter(project=project).first()
    if voiceover is None:
        return []
    spans = sorted(voiceover.chapter_spans, key=lambda s: float(s["start"]))
    keys = [str(s.get("chapterId")) for s in spans]
    if span_key not in keys:
        return []
    i = keys.index(span_key)
    shots = Shot.objects.filter(project=project)
    if i > 0:
        shots = shots.filter(start__gte=float(spans[i]["start"]) - _EDGE)
    if i + 1 < len(spans):
        shots = shots.filter(start__lt=float(spans[i + 1]["start"]) - _EDGE)
    return list(shots)


_EDGE = 0.01  # seconds: a shot starts at its first word, a hair after its span's start


def _stale_changed_lines(project: Project, span_key: str, text: str) -> None:
    """The shots of a chapter (or the hook) whose line the new text no longer speaks go stale;
    the others will be re-timed, pictures kept, by the next voiceover."""
    changed = [s.pk for s in _shots_covering(project, span_key) if not speaks_line(text, s.line)]
    stale_shots(project=project, shot_ids=changed)


def after_outline_change(*, project: Project, structural: bool) -> None:
    """A new outline replaces the chapters (structural), or a chapter's title/beats changed."""
    _stale_analysis(project)
    if structural:
        Script.objects.filter(project=project).exclude(hook="").update(hook_stale=True)
        _stale_voiceover(project)
        BibleEntry.objects.filter(project=project).update(stale=True)
        stale_shots(project=project)


def after_facts_edit(*, project: Project) -> None:
    """The facts to check changed: the hook and narration written from the old list (any
    provider's) state what may no longer hold, so they are marked stale, and the analysis of
    them. What was made from the narration stays as it is until the narration itself changes."""
    Chapter.objects.filter(project=project).exclude(narration="").update(narration_stale=True)
    Script.objects.filter(project=project).exclude(hook="").update(hook_stale=True)
    _stale_analysis(project)


def after_narration_edit(*, project: Project, chapter: Chapter) -> None:
    """Chapter narration changed: its voiceover is out of date, and so are the shots of the
    chapter whose words it no longer speaks."""
    _stale_analysis(project)
    _stale_voiceover(project)
    _stale_changed_lines(project, str(chapter.pk), chapter.narration)


def after_hook_edit(*, project: Project) -> None:
    _stale_analysis(project)
    _stale_voiceover(project)
    script = Script.objects.filter(project=project).first()
    _stale_changed_lines(project, "hook", script.hook if script else "")


def after_voiceover(*, project: Project, duration_changed: bool) -> None:
    """A new voiceover: the render is out of date, and the music's length when the narration's
    changed. The shots are re-timed by the voiceover run itself (``production.runs.retime_apply``:
    kept where their words are unchanged, planned again and stale where not)."""
    stale_render(project=project)
    if duration_changed:
        Music.objects.filter(project=project).update(stale=True)


def after_reference_change(*, project: Project, entry: BibleEntry) -> None:
    """A character's or location's look changed (another selected variation, an edited
    description or traits, the entry deleted): the shots showing it look wrong now."""
    showing = Shot.objects.filter(project=project).filter(Q(characters=entry) | Q(location=entry))
    stale_shots(project=project, shot_ids=showing.values_list("pk", flat=True))


def _stale_pictures(project: Project) -> None:
    stale_shots(project=project)
    stale_render(project=project)
    Thumbnail.objects.filter(project=project).update(stale=True)


def after_channel_change(*, channel: Channel, fields: set[str]) -> None:
    """The channel's setup feeds every project on it: its visual style is the style of their
    pictures, its default voice speaks the projects that did not choose their own."""
    if not fields & {"visual_style", "default_voice"}:
        return
    for project in Project.objects.filter(channel=channel):
        if "visual_style" in fields:
            _stale_pictures(project)
        if "default_voice" in fields and not project.voice_id:
            _stale_voiceover(project)


def after_project_change(*, project: Project, fields: set[str]) -> None:
    """Project settings feed later artifacts: mark those that a changed field invalidates."""
    if "voice_id" in fields:
        _stale_voiceover(project)
    if fields & {"aspect_ratio", "resolution", "video_style"}:
        _stale_pictures(project)
    if "selected_title" in fields:
        Thumbnail.objects.filter(project=project).update(stale=True)
    if fields & {"title", "idea", "target_seconds"}:
        _stale_analysis(project)
