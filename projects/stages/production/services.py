"""Production: the shot plan (shots aligned to the narration's word timings), shot edits, and
generating shots (one, or all that need it)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import User
from projects.models import (
    BibleEntry,
    Run,
    RunKind,
    Shot,
    ShotState,
    Stage,
)
from projects.services import shots_generate
from projects.stages.base import (
    lock_project,
    run_launch,
)
from projects.staleness import stale_render, stale_shots
from vendors.offline.pictures import icon_index
from vendors.text import word_key, word_keys
from vidflow.errors import InvalidTransition, NotFound, ValidationFailed

TARGET_SHOT_SECONDS = 5.0


MIN_SHOT_SECONDS = 2.0


MAX_SHOT_SECONDS = 8.0


MAX_SHOTS = 400


_SENTENCE_END = (".", "!", "?", "\u2026", ":", ";")


_CLAUSE_END = (",", "\u2014", "\u2013")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    chapter_index: int


def segment_narration(
    words: Sequence[dict[str, Any]],
    *,
    duration: float,
    chapter_starts: Sequence[float] = (),
    target: float = TARGET_SHOT_SECONDS,
) -> list[Segment]:
    """Cut the narration into shots of about ``target`` seconds, at sentence ends where possible
    (else clause ends, else hard at the maximum length), never across a chapter boundary. The
    shots tile the whole voiceover: each starts where the previous ended, the first at 0 and the
    last ends at ``duration``."""
    if not words:
        return [Segment(0.0, max(duration, MIN_SHOT_SECONDS), "", 0)] if duration > 0 else []
    chapter_of = _chapter_index(chapter_starts)
    groups = [
        group
        for span in _split_by(words, chapter_of)
        for group in _group_words(span, target=target)
    ]
    return _tile(groups, duration=duration, chapter_of=chapter_of)[:MAX_SHOTS]


def _chapter_index(chapter_starts: Sequence[float]) -> Callable[[float], int]:
    boundaries = sorted(s for s in chapter_starts if s > 0)

    def chapter_of(t: float) -> int:
        return sum(1 for b in boundaries if b <= t + 1e-6)

    return chapter_of


def _split_by(
    words: Sequence[dict[str, Any]], chapter_of: Callable[[float], int]
) -> list[list[dict[str, Any]]]:
    """Consecutive words grouped by the chapter they are spoken in."""
    runs: list[list[dict[str, Any]]] = []
    for word in words:
        if not runs or chapter_of(float(word["start"])) != chapter_of(float(runs[-1][0]["start"])):
            runs.append([])
        runs[-1].append(word)
    return runs


def _group_words(
    words: Sequence[dict[str, Any]], *, target: float = TARGET_SHOT_SECONDS
) -> list[list[dict[str, Any]]]:
    """One chapter's words (or a stretch of them) cut into shots: at a sentence end once a shot
    is ``target`` long, at a clause end a little later, hard at the maximum; a too-short tail is
    folded into the shot before it."""
    groups: list[list[dict[str, Any]]] = [[]]
    for i, word in enumerate(words):
        current = groups[-1]
        current.append(word)
        length = float(word["end"]) - float(current[0]["start"])
        text = str(word["word"]).strip()
        if i == len(words) - 1:
            break
        if (
            (length >= target and text.endswith(_SENTENCE_END))
            or (length >= target * 1.3 and text.endswith(_CLAUSE_END))
            or length >= MAX_SHOT_SECONDS
        ):
            groups.append([])
    merged: list[list[dict[str, Any]]] = []
    for group in (g for g in groups if g):
        if merged and float(group[-1]["end"]) - float(group[0]["start"]) < MIN_SHOT_SECONDS:
            merged[-1].extend(group)
        else:
            merged.append(group)
    return merged


def _tile(
    groups: Sequence[Sequence[dict[str, Any]]],
    *,
    duration: float,
    chapter_of: Callable[[float], int],
) -> list[Segment]:
    """Groups of words as segments that tile the voiceover: each from its first word to the
    next one's first word, the first from 0, the last to ``duration``."""
    segments = []
    for i, group in enumerate(groups):
        start = 0.0 if i == 0 else float(group[0]["start"])
        end = duration if i == len(groups) - 1 else float(groups[i + 1][0]["start"])
        segments.append(
            Segment(
                start=round(start, 3),
                end=round(max(end, start + 0.5), 3),
                text=_line(group),
                chapter_index=chapter_of(float(group[0]["start"])),
            )
        )
    return segments


def _line(words: Iterable[dict[str, Any]]) -> str:
    return " ".join(str(w["word"]).strip() for w in words)


# --- re-timing: a new voiceover moves the shots whose words it still speaks ------------------


@dataclass(frozen=True)
class Slot:
    """A shot of the re-timed plan: ``shot_id`` is the existing shot it goes to (None: a new
    one); ``kept`` says that shot's words are unchanged, so only its timing moves."""

    segment: Segment
    shot_id: Any
    kept: bool


@dataclass(frozen=True)
class Retiming:
    slots: list[Slot]
    dropped: list[Any]  # existing shots the new narration has no place for

    @property
    def replanned(self) -> list[int]:
        return [i for i, slot in enumerate(self.slots) if not slot.kept]


def retime_plan(
    shots: Sequence[tuple[Any, str]],
    words: Sequence[dict[str, Any]],
    *,
    duration: float,
    chapter_starts: Sequence[float] = (),
    target: float = TARGET_SHOT_SECONDS,
) -> Retiming:
    """The existing shots (``(id, line)`` in order) re-timed to a new voiceover's words.

    A shot whose line the new narration still speaks word for word, in one piece and within one
    chapter (or the hook), is kept: it moves to where those words are spoken now. The words no
    kept shot covers are cut into new segments the way a plan cuts them; a stretch too short for
    a shot of its own takes in a kept neighbour of its chapter, which is planned again with it.
    Existing shots that are not kept are reused, in order, for the new segments between the same
    kept shots (they are planned again: new line, prompt and timing); the rest are dropped.
    Without words this is a plan from scratch (every existing shot planned again or dropped).
    """
    if not words:
        fresh = segment_narration(words, duration=duration, chapter_starts=chapter_starts)
        ids = [shot_id for shot_id, _ in shots]
        slots = [Slot(seg, ids[i] if i < len(ids) else None, False) for i, seg in enumerate(fresh)]
        return Retiming(slots, ids[len(fresh) :])
    chapter_of = _chapter_index(chapter_starts)
    new_tokens = [word_key(str(w["word"])) for w in words]
    chapters = [chapter_of(float(w["start"])) for w in words]
    old_tokens: list[str] = []
    ranges: list[tuple[int, int]] = []
    for _, line in shots:
        tokens = word_keys(line)
        ranges.append((len(old_tokens), len(old_tokens) + len(tokens)))
        old_tokens += tokens
    blocks = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_matching_blocks()
    # Each kept shot: (index among the shots, first word, word after the last) in the new words.
    kept: list[tuple[int, int, int]] = []
    for index, (a0, a1) in enumerate(ranges):
        if a0 == a1:
            continue
        block = next((b for b in blocks if b.a <= a0 and a1 <= b.a + b.size), None)
        if block is None:
            continue
        b0, b1 = block.b + a0 - block.a, block.b + a1 - block.a
        if len(set(chapters[b0:b1])) == 1:
            kept.append((index, b0, b1))
    items = _cover(kept, chapters)
    items = _fold_short_gaps(items, words, chapters)
    return _assign(items, shots, words, duration=duration, chapter_of=chapter_of, target=target)


# An item of the re-timed plan: a kept shot's index, or None for a stretch to plan anew, with its
# word range [first, stop) in the new words.
_Item = tuple[int | None, int, int]


def _cover(kept: list[tuple[int, int, int]], chapters: Sequence[int]) -> list[_Item]:
    """The new words as a sequence of kept shots and the gaps between them; a gap never
    crosses a chapter."""
    items: list[_Item] = []
    position = 0

    def gap(first: int, stop: int) -> None:
        while first < stop:
            end = first
            while end < stop and chapters[end] == chapters[first]:
                end += 1
            items.append((None, first, end))
            first = end

    for index, b0, b1 in kept:
        gap(position, b0)
        items.append((index, b0, b1))
        position = b1
    gap(position, len(chapters))
    return items


def _fold_short_gaps(
    items: list[_Item], words: Sequence[dict[str, Any]], chapters: Sequence[int]
) -> list[_Item]:
    """A gap too short to be a shot of its own is planned together with a kept neighbour in
    its chapter (the one before it, else the one after)."""

    def seconds(item: _Item) -> float:
        return float(words[item[2] - 1]["end"]) - float(words[item[1]]["start"])

    changed = True
    while changed:
        changed = False
        for i, (shot, first, _) in enumerate(items):
            if shot is not None or seconds(items[i]) >= MIN_SHOT_SECONDS:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(items) and chapters[items[j][1]] == chapters[first]:
                    a, b = sorted((i, j))
                    items[a : b + 1] = [(None, items[a][1], items[b][2])]
                    changed = True
                    break
            if changed:
                break
        # two gaps side by side in one chapter are one gap
        for i in range(len(items) - 1):
            left, right = items[i], items[i + 1]
            if left[0] is None and right[0] is None and chapters[left[1]] == chapters[right[1]]:
                items[i : i + 2] = [(None, left[1], right[2])]
                changed = True
                break
    return items


def _assign(
    items: list[_Item],
    shots: Sequence[tuple[Any, str]],
    words: Sequence[dict[str, Any]],
    *,
    duration: float,
    chapter_of: Callable[[float], int],
    target: float,
) -> Retiming:
    groups: list[list[dict[str, Any]]] = []
    owners: list[int | None] = []  # the kept shot's index for each group, None if planned anew
    for shot, first, stop in items:
        if shot is None:
            for group in _group_words(words[first:stop], target=target):
                groups.append(group)
                owners.append(None)
        else:
            groups.append(list(words[first:stop]))
            owners.append(shot)
    segments = _tile(groups, duration=duration, chapter_of=chapter_of)
    kept_at = [i for i in owners if i is not None]
    # Shots not kept are reused in order for the new segments between the same kept shots.
    spare: list[list[Any]] = [[] for _ in range(len(kept_at) + 1)]
    bucket = 0
    kept_set = set(kept_at)
    for index, (shot_id, _) in enumerate(shots):
        if index in kept_set:
            bucket += 1
        else:
            spare[bucket].append(shot_id)
    slots: list[Slot] = []
    bucket = 0
    for segment, owner in zip(segments, owners, strict=True):
        if owner is not None:
            slots.append(Slot(segment, shots[owner][0], True))
            bucket += 1
        else:
            reuse = spare[bucket].pop(0) if spare[bucket] else None
            slots.append(Slot(segment, reuse, False))
    dropped = [shot_id for left in spare for shot_id in left]
    return Retiming(
        slots[:MAX_SHOTS], dropped + [s.shot_id for s in slots[MAX_SHOTS:] if s.shot_id]
    )


def shots_plan(*, project_id: Any, actor: User, replace: bool = False) -> Run:
    """Plan shots from the voiceover's word timings (free: no vendor is paid for a plan).
    Replacing shots that were already generated throws paid work away, so it needs ``replace``."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.PRODUCTION)
        generated = project.shots.exclude(state=ShotState.PLANNED).count()
        if generated and not replace:
            raise InvalidTransition(
                f"{generated} shot(s) were already generated; send replace: true to plan anew."
            )
        if project.shots.filter(
            state__in=(ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO)
        ).exists():
            raise InvalidTransition("Shots are generating; wait for them or cancel their run.")
        return run_launch(project=project, actor=actor, kind=RunKind.SHOTS_PLAN)


def shot_edit(*, project_id: Any, actor: User, shot_id: Any, changes: dict[str, Any]) -> Shot:
    """A user's edit of a shot's plan. A generated shot whose look changes goes stale."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        shot = Shot.objects.select_for_update().filter(pk=shot_id, project=project).first()
        if shot is None:
            raise NotFound("Shot not found.")
        if shot.state in (ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO):
            raise InvalidTransition("This shot is generating; edit it when it is done.")
        entries = {str(e.pk): e for e in BibleEntry.objects.filter(project=project)}
        characters = changes.pop("characters", None)
        if characters is not None:
            unknown = [str(c) for c in characters if str(c) not in entries]
            if unknown:
                raise ValidationFailed(
                    "Unknown characters.", details={"characterIds": [f"No character {unknown[0]}."]}
                )
        if "location" in changes and changes["location"] is not None:
            location = entries.get(str(changes["location"]))
            if location is None or location.kind != "location":
                raise ValidationFailed(
                    "Unknown location.", details={"locationId": ["No such location."]}
                )
            changes["location"] = location
        chosen = changes.get("chosen_subjects")
        if chosen is not None:
            known = icon_index().icons
            unknown = [name for name in chosen if name not in known]
            if unknown:
                raise ValidationFailed(
                    f"No icon {unknown[0]!r}.",
                    details={"subjects": [f"No icon {unknown[0]!r}; search GET /api/icons?q=."]},
                )
            changes["chosen_subjects"] = list(dict.fromkeys(chosen))
        elif "prompt" in changes and changes["prompt"] != shot.prompt:
            changes["chosen_subjects"] = []  # a new prompt says what to draw
        changed = [k for k, v in changes.items() if getattr(shot, k) != v]
        for name in changed:
            setattr(shot, name, changes[name])
        if changed:
            shot.save(update_fields=[*changed, "updated_at"])
        if characters is not None and {str(c.pk) for c in shot.characters.all()} != {
            str(c) for c in characters
        }:
            shot.characters.set([entries[str(c)] for c in characters])
            changed.append("characters")
        if set(changed) & {"prompt", "kind", "characters", "location", "chosen_subjects"}:
            stale_shots(project=project, shot_ids=[shot.pk])
        elif "transition_in" in changed:
            stale_render(project=project)
        return Shot.objects.get(pk=shot.pk)


def shot_generate(*, project_id: Any, actor: User, shot_id: Any) -> Run:
    return shots_generate(project_id=project_id, actor=actor, shot_ids=[shot_id])


def wait_for_run(run: Run, *, timeout: float | None = None) -> tuple[Run, bool]:
    """``asyncVideo: false``: hold the request until the run finishes, bounded. Returns the run
    as it is then and whether it finished."""
    limit = settings.SHOT_SYNC_WAIT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + limit
    while True:
        run = Run.objects.get(pk=run.pk)  # re-read: no shared state touched in a request
        if not run.is_active:
            return run, True
        if time.monotonic() >= deadline:
            return run, False
        time.sleep(0.5)
