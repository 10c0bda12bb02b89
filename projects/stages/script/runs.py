"""The script stage's work on a worker: its run kinds and vendor-job handlers."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from projects.models import Chapter, Run, RunKind, Script
from projects.pipeline import run_kind
from projects.services import run_progress, run_succeed
from projects.stages.base import (
    locked_active_run,
    mark_delivered,
    narration_pace,
    run_project,
    story_context,
)
from projects.stages.writing import (
    USER,
    checked_facts,
    checked_narration,
    checked_outline,
    clip,
    facts_as_rows,
    writer_of,
)
from projects.staleness import after_hook_edit, after_narration_edit, after_outline_change
from vendors import registry
from vendors.base import ProviderError
from vendors.text import word_count

from .services import HOOK_WORDS_ESTIMATE, analyze, chapters_for, outline_of


@run_kind(RunKind.SCRIPT_OUTLINE)
def _outline(run: Run) -> None:
    """The facts to check first (kept when the creator wrote them), then the outline from them."""
    project = run_project(run, "channel")
    wanted = int(run.params.get("chapters") or chapters_for(project.target_seconds))
    text = registry.provider("text")
    writer = writer_of(text)
    ctx = story_context(project)
    script = Script.objects.filter(project=project).first()
    keep_facts = bool(script and script.facts_by == USER and script.facts)
    if keep_facts:
        facts, facts_by = list(ctx.facts), USER
    else:
        facts, facts_by = checked_facts(text.facts(ctx), ctx), writer
    outline = checked_outline(
        text.outline(replace(ctx, facts=tuple(facts)), chapters=wanted), wanted
    )
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        Chapter.objects.filter(project=locked).delete()
        Chapter.objects.bulk_create(
            Chapter(
                project=locked, position=i, title=o.title, beats=list(o.beats), outline_by=writer
            )
            for i, o in enumerate(outline)
        )
        Script.objects.update_or_create(
            project=locked,
            defaults={
                "outline_generated_at": timezone.now(),
                "facts": facts_as_rows(facts),
                "facts_by": facts_by,
            },
        )
        after_outline_change(project=locked, structural=True)
        mark_delivered(run, "outline")
        run_succeed(run_id=run.pk, result={"chapters": len(outline), "facts": len(facts)})


@run_kind(RunKind.SCRIPT_HOOK)
def _hook(run: Run) -> None:
    project = run_project(run, "channel")
    text = registry.provider("text")
    hook = text.hook(story_context(project), outline=outline_of(project))
    hook = clip(hook, 1000)
    if not hook:
        raise ProviderError("the text provider wrote an empty hook")
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        script, _ = Script.objects.select_for_update().get_or_create(project=locked)
        script.hook = hook
        script.hook_by = writer_of(text)
        script.hook_stale = False
        script.save(update_fields=["hook", "hook_by", "hook_stale", "updated_at"])
        after_hook_edit(project=locked)
        mark_delivered(run, "hook")
        run_succeed(run_id=run.pk, result={"hook": hook})


@run_kind(RunKind.SCRIPT_CHAPTERS)
def _chapters(run: Run) -> None:
    """Narrate chapters one by one, landing each as it is written (progress shows it)."""

    project = run_project(run, "channel")
    ctx = story_context(project)
    outline = outline_of(project)
    chapters = {str(c.pk): c for c in project.chapters.all()}
    ids = [cid for cid in run.params.get("chapters", []) if cid in chapters]
    # The hook is spoken first: the chapters share what is left of the length's word budget.
    script = Script.objects.filter(project=project).first()
    hook_words = word_count(script.hook) if script and script.hook else HOOK_WORDS_ESTIMATE
    budget = project.target_seconds * narration_pace() / 60 - hook_words
    words = max(30, round(budget / max(1, len(outline))))
    text = registry.provider("text")
    for done, chapter_id in enumerate(ids, start=1):
        chapter = chapters[chapter_id]
        narration = checked_narration(
            text.narration(ctx, outline=outline, index=chapter.position, words=words), words
        )
        if not narration:
            raise ProviderError(
                f"the text provider wrote nothing for chapter {chapter.position + 1}"
            )
        with transaction.atomic():
            locked = locked_active_run(run)
            if locked is None:
                return
            row = Chapter.objects.select_for_update().filter(pk=chapter_id).first()
            if row is None:
                continue  # the outline was replaced meanwhile
            row.narration = narration
            row.narration_by = writer_of(text)
            row.narration_stale = False
            row.save(update_fields=["narration", "narration_by", "narration_stale", "updated_at"])
            after_narration_edit(project=locked, chapter=row)
        run_progress(run_id=run.pk, done=done)
    with transaction.atomic():
        if locked_active_run(run) is None:
            return
        mark_delivered(run, "narration")
        run_succeed(run_id=run.pk, result={"chapters": len(ids)})


@run_kind(RunKind.SCRIPT_ANALYZE)
def _analyze(run: Run) -> None:
    project = run_project(run, "channel", "script")
    chapters = list(project.chapters.all())
    script = getattr(project, "script", None)
    hook = script.hook if script else ""
    text = registry.provider("text")
    notes = text.notes(
        story_context(project), hook=hook, chapters=tuple(c.narration for c in chapters)
    )
    analysis = analyze(project=project, chapters=chapters, hook=hook, notes_risks=notes.risks)
    # None: not judged (the offline placeholder cannot tell a strong hook from a weak one).
    strength = notes.hook_strength
    analysis["hookStrength"] = None if strength is None else round(max(0.0, min(1.0, strength)), 2)
    for row, note in zip(analysis["chapters"], notes.pacing, strict=False):
        row["note"] = note
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        Script.objects.update_or_create(
            project=locked,
            defaults={
                "analysis": analysis,
                "analysis_by": writer_of(text),
                "analysis_stale": False,
            },
        )
        mark_delivered(run, "analysis")
        run_succeed(run_id=run.pk, result={"wordCount": analysis["wordCount"]})
