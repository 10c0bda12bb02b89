"""Script: the outline (chapters with beats), the hook, chapter narration, and the analysis."""

from __future__ import annotations

import math
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.services import ChargePart, price
from projects.models import Chapter, Project, Run, Script, Stage
from projects.pipeline import run_kind
from projects.services import run_succeed
from projects.staleness import after_hook_edit, after_narration_edit, after_outline_change
from vendors import registry
from vendors.base import ChapterOutline, ProviderError
from vidflow.api.exceptions import InvalidTransition, NotFound

from . import (
    landed,
    lock_project,
    locked_active_run,
    narration_pace,
    run_project,
    start_run,
    story_context,
)

MAX_CHAPTERS = 12
HOOK_WORDS_ESTIMATE = 25  # before a hook exists
_WORD = re.compile(r"[\w'\u2019-]+")


def chapters_for(target_seconds: int) -> int:
    """About one chapter per half minute, at least two."""
    return max(2, min(MAX_CHAPTERS, round(target_seconds / 30)))


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def outline_of(project: Project) -> tuple[ChapterOutline, ...]:
    return tuple(
        ChapterOutline(title=c.title, beats=tuple(c.beats)) for c in project.chapters.all()
    )


# --- request side ---------------------------------------------------------------------------


def outline_generate(
    *, project_id: Any, actor: User, chapters: int | None = None, replace: bool = False
) -> Run:
    """Write a new outline. Narrated chapters are the user's work: replacing them needs
    ``replace=True``, else 409 saying so."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.SCRIPT)
        if not replace and project.chapters.exclude(narration="").exists():
            raise InvalidTransition(
                "The outline has narrated chapters; send replace: true to replace them."
            )
        count = chapters or chapters_for(project.target_seconds)
        return start_run(
            project=project,
            actor=actor,
            kind="script.outline",
            parts=[ChargePart("outline", price("script.outline"))],
            params={"chapters": count},
        )


def hook_generate(*, project_id: Any, actor: User) -> Run:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.SCRIPT)
        if not project.chapters.exists():
            raise InvalidTransition("The hook needs an outline: generate the outline first.")
        return start_run(
            project=project,
            actor=actor,
            kind="script.hook",
            parts=[ChargePart("hook", price("script.hook"))],
        )


def chapters_generate(*, project_id: Any, actor: User, chapter_id: Any = None) -> Run:
    """Narrate every chapter, or one (``chapter_id``): regenerating one keeps the others."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.SCRIPT)
        chapters = list(project.chapters.all())
        if not chapters:
            raise InvalidTransition("Narration needs an outline: generate the outline first.")
        if chapter_id is not None:
            if not any(str(c.pk) == str(chapter_id) for c in chapters):
                raise NotFound("Chapter not found.")
            ids, cost = [str(chapter_id)], price("script.chapter")
        else:
            ids, cost = [str(c.pk) for c in chapters], price("script.chapters")
        return start_run(
            project=project,
            actor=actor,
            kind="script.chapters",
            parts=[ChargePart("narration", cost)],
            params={"chapters": ids},
            total=len(ids),
        )


def analysis_generate(*, project_id: Any, actor: User) -> Run:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.SCRIPT)
        if not project.chapters.exclude(narration="").exists():
            raise InvalidTransition("The analysis needs narration: narrate the chapters first.")
        return start_run(
            project=project,
            actor=actor,
            kind="script.analyze",
            parts=[ChargePart("analysis", price("script.analyze"))],
        )


def chapter_edit(
    *, project_id: Any, actor: User, chapter_id: Any, changes: dict[str, Any]
) -> Chapter:
    """A user's edit of a chapter's title, beats or narration; what was made from it goes stale."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        chapter = Chapter.objects.select_for_update().filter(pk=chapter_id, project=project).first()
        if chapter is None:
            raise NotFound("Chapter not found.")
        changed = [
            k
            for k in ("title", "beats", "narration")
            if k in changes and getattr(chapter, k) != changes[k]
        ]
        for name in changed:
            setattr(chapter, name, changes[name])
        if "narration" in changed:
            chapter.narration_stale = False
        elif {"title", "beats"} & set(changed) and chapter.narration:
            chapter.narration_stale = True  # the narration no longer follows its outline
        if changed:
            chapter.save(update_fields=[*changed, "narration_stale", "updated_at"])
            if "narration" in changed:
                after_narration_edit(project=project, chapter=chapter)
            else:
                after_outline_change(project=project, structural=False)
        return chapter


def hook_edit(*, project_id: Any, actor: User, hook: str) -> Script:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        script, _ = Script.objects.select_for_update().get_or_create(project=project)
        if script.hook != hook:
            script.hook = hook
            script.hook_stale = False
            script.save(update_fields=["hook", "hook_stale", "updated_at"])
            after_hook_edit(project=project)
        return script


# --- worker side ----------------------------------------------------------------------------


def _checked_outline(outline: list[ChapterOutline], wanted: int) -> list[ChapterOutline]:
    cleaned = [
        ChapterOutline(
            title=o.title.strip()[:200],
            beats=tuple(b.strip()[:300] for b in o.beats if b and b.strip())[:8],
        )
        for o in outline
        if o.title and o.title.strip()
    ]
    if not cleaned:
        raise ProviderError("the text provider wrote an empty outline")
    return cleaned[: max(wanted, 1) + 2]


@run_kind("script.outline")
def _outline(run: Run) -> None:
    project = run_project(run, "channel")
    wanted = int(run.params.get("chapters") or chapters_for(project.target_seconds))
    outline = _checked_outline(
        registry.provider("text").outline(story_context(project), chapters=wanted), wanted
    )
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        Chapter.objects.filter(project=locked).delete()
        Chapter.objects.bulk_create(
            Chapter(project=locked, position=i, title=o.title, beats=list(o.beats))
            for i, o in enumerate(outline)
        )
        Script.objects.update_or_create(
            project=locked, defaults={"outline_generated_at": timezone.now()}
        )
        after_outline_change(project=locked, structural=True)
        landed(run, "outline")
        run_succeed(run_id=run.pk, result={"chapters": len(outline)})


@run_kind("script.hook")
def _hook(run: Run) -> None:
    project = run_project(run, "channel")
    hook = registry.provider("text").hook(story_context(project), outline=outline_of(project))
    hook = " ".join(hook.split())[:1000]
    if not hook:
        raise ProviderError("the text provider wrote an empty hook")
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        script, _ = Script.objects.select_for_update().get_or_create(project=locked)
        script.hook = hook
        script.hook_stale = False
        script.save(update_fields=["hook", "hook_stale", "updated_at"])
        after_hook_edit(project=locked)
        landed(run, "hook")
        run_succeed(run_id=run.pk, result={"hook": hook})


@run_kind("script.chapters")
def _chapters(run: Run) -> None:
    """Narrate chapters one by one, landing each as it is written (progress shows it)."""
    from projects.services import run_progress

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
        narration = " ".join(
            text.narration(ctx, outline=outline, index=chapter.position, words=words).split()
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
            row.narration_stale = False
            row.save(update_fields=["narration", "narration_stale", "updated_at"])
            after_narration_edit(project=locked, chapter=row)
        run_progress(run_id=run.pk, done=done)
    with transaction.atomic():
        if locked_active_run(run) is None:
            return
        landed(run, "narration")
        run_succeed(run_id=run.pk, result={"chapters": len(ids)})


@run_kind("script.analyze")
def _analyze(run: Run) -> None:
    project = run_project(run, "channel", "script")
    chapters = list(project.chapters.all())
    script = getattr(project, "script", None)
    hook = script.hook if script else ""
    notes = registry.provider("text").notes(
        story_context(project), hook=hook, chapters=tuple(c.narration for c in chapters)
    )
    analysis = analyze(project=project, chapters=chapters, hook=hook, notes_risks=notes.risks)
    analysis["hookStrength"] = round(max(0.0, min(1.0, notes.hook_strength)), 2)
    for row, note in zip(analysis["chapters"], notes.pacing, strict=False):
        row["note"] = note
    with transaction.atomic():
        locked = locked_active_run(run)
        if locked is None:
            return
        Script.objects.update_or_create(
            project=locked, defaults={"analysis": analysis, "analysis_stale": False}
        )
        landed(run, "analysis")
        run_succeed(run_id=run.pk, result={"wordCount": analysis["wordCount"]})


def analyze(
    *, project: Project, chapters: list[Chapter], hook: str, notes_risks: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The measured part of the analysis: words, estimated duration at the voice's pace, pacing
    per chapter, and risks that follow from the numbers."""
    wpm = narration_pace()
    rows: list[dict[str, Any]] = []
    for chapter in chapters:
        words = word_count(chapter.narration)
        rows.append(
            {
                "chapterId": str(chapter.pk),
                "title": chapter.title,
                "words": words,
                "seconds": round(words / wpm * 60, 1),
            }
        )
    total_words = word_count(hook) + sum(r["words"] for r in rows)
    seconds = round(total_words / wpm * 60, 1)
    risks = list(notes_risks)
    target = project.target_seconds
    if seconds > target * 1.2:
        risks.append(f"Runs about {math.ceil(seconds)} s against a {target} s target: trim it.")
    elif seconds < target * 0.8:
        risks.append(f"Runs about {math.floor(seconds)} s against a {target} s target: expand it.")
    for row in rows:
        if row["words"] == 0:
            risks.append(f"Chapter {row['title']!r} has no narration yet.")
    return {
        "wordCount": total_words,
        "estimatedSeconds": seconds,
        "wordsPerMinute": wpm,
        "targetSeconds": target,
        "chapters": rows,
        "hookStrength": 0.0,
        "risks": risks,
    }
