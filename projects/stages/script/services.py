"""Script: the outline (chapters with beats), the hook, chapter narration, and the analysis."""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction

from accounts.models import User
from billing.services import ChargePart, price
from projects.models import Chapter, Project, Run, RunKind, Script, Stage
from projects.stages.base import (
    lock_project,
    narration_pace,
    run_launch,
)
from projects.stages.writing import FACT_LIMIT, USER, clip, facts_as_rows
from projects.staleness import (
    after_facts_edit,
    after_hook_edit,
    after_narration_edit,
    after_outline_change,
)
from vendors.base import ChapterOutline, Fact
from vendors.text import word_count
from vidflow.errors import InvalidTransition, NotFound

MAX_CHAPTERS = 12
MAX_FACTS = 20  # the creator may list more than a writer is asked for


HOOK_WORDS_ESTIMATE = 25  # before a hook exists


def chapters_for(target_seconds: int) -> int:
    """About one chapter per half minute, at least two."""
    return max(2, min(MAX_CHAPTERS, round(target_seconds / 30)))


def outline_of(project: Project) -> tuple[ChapterOutline, ...]:
    return tuple(
        ChapterOutline(title=c.title, beats=tuple(c.beats)) for c in project.chapters.all()
    )


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
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.SCRIPT_OUTLINE,
            parts=[ChargePart("outline", price("script.outline"))],
            params={"chapters": count},
        )


def hook_generate(*, project_id: Any, actor: User) -> Run:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.SCRIPT)
        if not project.chapters.exists():
            raise InvalidTransition("The hook needs an outline: generate the outline first.")
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.SCRIPT_HOOK,
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
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.SCRIPT_CHAPTERS,
            parts=[ChargePart("narration", cost)],
            params={"chapters": ids},
            total=len(ids),
        )


def analysis_generate(*, project_id: Any, actor: User) -> Run:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.SCRIPT)
        if not project.chapters.exclude(narration="").exists():
            raise InvalidTransition("The analysis needs narration: narrate the chapters first.")
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.SCRIPT_ANALYZE,
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
        written = []
        if "narration" in changed:
            chapter.narration_stale = False
            chapter.narration_by = USER
            written.append("narration_by")
        elif {"title", "beats"} & set(changed) and chapter.narration:
            chapter.narration_stale = True  # the narration no longer follows its outline
        if {"title", "beats"} & set(changed):
            chapter.outline_by = USER
            written.append("outline_by")
        if changed:
            chapter.save(update_fields=[*changed, *written, "narration_stale", "updated_at"])
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
            script.hook_by = USER
            script.hook_stale = False
            script.save(update_fields=["hook", "hook_by", "hook_stale", "updated_at"])
            after_hook_edit(project=project)
        return script


def facts_edit(*, project_id: Any, actor: User, facts: list[dict[str, Any]]) -> Script:
    """The creator's list of facts to check (replacing the writer's). When it differs from the
    stored one, the hook and narration written from the old list are marked stale; the next
    narration (any provider's) is written from this list."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        script, _ = Script.objects.select_for_update().get_or_create(project=project)
        new = facts_as_rows(
            [
                Fact(text=clip(str(f["text"]), FACT_LIMIT), uncertain=bool(f.get("uncertain")))
                for f in facts
                if str(f["text"]).strip()
            ]
        )
        if new != script.facts:
            script.facts = new
            script.facts_by = USER
            script.save(update_fields=["facts", "facts_by", "updated_at"])
            after_facts_edit(project=project)
        return script


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
