"""The script as a Fountain file (https://fountain.io), out and back in.

Out: a title page, the hook and one scene per chapter (``.CHAPTER 2: Title #2#``), the narration
as the NARRATOR's lines, and the chapter's shots as forced action lines with their prompts. In:
the same layout parsed with ``fountain-parser``; a chapter whose title or narration changed is
edited through the script stage's own service (so what was made from it goes stale, and nothing
else), the hook likewise. Shots are written for the reader and not read back: they are planned
from the narration. A file that cannot be read is a 400 naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from fountain_parser import Character, Dialogue, Scene, parse

from accounts.models import User
from projects.models import Chapter, Project, Script, Voiceover
from vidflow.errors import ValidationFailed

from .services import chapter_edit, hook_edit

NARRATOR = "NARRATOR"
MAX_BYTES = 1_000_000
_CHAPTER = re.compile(r"^CHAPTER\s+(\d+)\s*:?\s*(.*)$", re.IGNORECASE)


def _lines(text: str) -> str:
    """Narration as dialogue: one line per paragraph (a blank line would end the speech)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def script_to_fountain(project: Project) -> str:
    script = Script.objects.filter(project=project).first()
    chapters = list(project.chapters.order_by("position"))
    shots = list(project.shots.order_by("position"))
    voiceover = Voiceover.objects.filter(project=project).first()
    spans = {str(s.get("chapterId")): s for s in (voiceover.chapter_spans if voiceover else [])}
    title = project.selected_title or project.title
    out = [
        f"Title: {title}",
        "Credit: Written by",
        f"Author: {project.owner.get_username()}",
        f"Draft date: {date.today().isoformat()}",
        "",
        "",
        ".HOOK",
        "",
    ]
    if script and script.hook.strip():
        out += [NARRATOR, _lines(script.hook), ""]
    placed: set[Any] = set()
    for chapter in chapters:
        number = chapter.position + 1
        out += [f".CHAPTER {number}: {chapter.title} #{number}#", ""]
        if chapter.narration.strip():
            out += [NARRATOR, _lines(chapter.narration), ""]
        span = spans.get(str(chapter.pk))
        if span is not None:
            start, end = float(span.get("start", 0)), float(span.get("end", 0))
            for shot in shots:
                if shot.pk not in placed and start <= shot.start < end:
                    placed.add(shot.pk)
                    out += [_shot_line(shot), ""]
    rest = [shot for shot in shots if shot.pk not in placed]
    if rest:
        out += [".SHOTS", ""]
        out += [line for shot in rest for line in (_shot_line(shot), "")]
    return "\n".join(out).rstrip() + "\n"


def _shot_line(shot: Any) -> str:
    prompt = " ".join((shot.prompt or shot.line or "").split())
    return f"!SHOT {shot.position + 1} ({_clock(shot.start)}-{_clock(shot.end)}): {prompt}"


@dataclass
class FountainImport:
    chapters_changed: list[str] = field(default_factory=list)
    hook_changed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"chaptersChanged": self.chapters_changed, "hookChanged": self.hook_changed}


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def _narration(scene: Scene) -> str | None:
    """The narrator's lines of a scene, or None when the narrator does not speak in it."""
    speaking = False
    lines: list[str] = []
    for element in scene.elements:
        if isinstance(element, Character):
            speaking = element.name.strip().upper() == NARRATOR
        elif isinstance(element, Dialogue) and speaking:
            lines.append(element.text)
    return "\n".join(lines) if lines else None


def _invalid(text: str, needle: str, message: str) -> ValidationFailed:
    line = _line_of(text, needle)
    return ValidationFailed(f"Line {line}: {message}", details={"line": line, "file": [message]})


def script_from_fountain(*, project_id: Any, actor: User, data: bytes) -> FountainImport:
    """Read an edited Fountain file back: chapters and hook replaced where they changed."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed("The Fountain file is larger than 1 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The Fountain file is not UTF-8 text.") from exc
    if "\x00" in text:
        raise ValidationFailed("The Fountain file is not text.")
    screenplay = parse(text.replace("\r\n", "\n"))
    project = Project.objects.get(pk=project_id, owner=actor)
    chapters = {c.position + 1: c for c in Chapter.objects.filter(project=project)}
    hook: str | None = None
    edits: dict[int, dict[str, str]] = {}
    seen_heading = False
    for scene in screenplay.scenes:
        if scene.heading is None:
            continue
        seen_heading = True
        heading = scene.heading.text.strip()
        if heading.upper() in ("HOOK", "SHOTS"):
            if heading.upper() == "HOOK":
                hook = _narration(scene)
            continue
        match = _CHAPTER.match(heading)
        if match is None:
            raise _invalid(
                text,
                heading,
                f'"{heading}" is not a scene this script has: use ".HOOK" or ".CHAPTER n: Title".',
            )
        number, title = int(match.group(1)), match.group(2).strip()
        chapter = chapters.get(number)
        if chapter is None:
            raise _invalid(
                text,
                heading,
                f"Chapter {number} does not exist (the script has {len(chapters)}); "
                "add chapters in the studio, not in the file.",
            )
        if number in edits:
            raise _invalid(text, heading, f"Chapter {number} appears twice.")
        change: dict[str, str] = {}
        if title and title != chapter.title:
            if len(title) > 200:
                raise _invalid(text, heading, "A chapter title has at most 200 characters.")
            change["title"] = title
        narration = _narration(scene)
        if narration is not None and not _same(narration, chapter.narration):
            change["narration"] = narration
        edits[number] = change
    if not seen_heading:
        raise ValidationFailed(
            "Line 1: no scene headings found; this does not look like this project's script.",
            details={"line": 1, "file": ["no scene headings"]},
        )
    result = FountainImport()
    with transaction.atomic():  # the whole file or nothing
        for number, change in sorted(edits.items()):
            if change:
                chapter_edit(
                    project_id=project.pk,
                    actor=actor,
                    chapter_id=chapters[number].pk,
                    changes=change,
                )
                result.chapters_changed.append(str(chapters[number].pk))
        script = Script.objects.filter(project=project).first()
        if hook is not None and not _same(hook, script.hook if script else ""):
            hook_edit(project_id=project.pk, actor=actor, hook=hook)
            result.hook_changed = True
    return result
