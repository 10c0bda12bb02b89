"""A new voiceover re-times the shots by their words: a shot whose line is still spoken keeps its
picture and footage and only moves; the others are planned again and go stale; a chapter that
needs more or fewer shots gets them. Free, as part of the voiceover run."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import LedgerEntry
from projects.models import Project, Run, Script, Shot, ShotState, Voiceover
from projects.stages.production import runs as production_runs
from projects.stages.production.services import retime_plan, segment_narration
from tests.factories import ChapterFactory, ProjectFactory

from .bible_helpers import perform, post_run

# --- the plan, on word timings made up here ---------------------------------------------------


def _spoken(
    *parts: str, pace: float = 0.4, pause: float = 0.45
) -> tuple[list[Any], list[float], float]:
    """Words timed as a speech engine would: one part (hook, chapters) after another."""
    words: list[dict[str, Any]] = []
    starts = []
    t = 0.0
    for text in parts:
        starts.append(t)
        for word in text.split():
            words.append({"word": word, "start": round(t, 3), "end": round(t + pace * 0.8, 3)})
            t += pace
        t += pause
    return words, starts, round(t, 3)


HOOK = "What if a machine outlived us all? It might."
ONE = " ".join(f"Sentence {n} of the first chapter has words." for n in range(5))
TWO = " ".join(f"Line {n} in the second chapter is here too." for n in range(5))
THREE = " ".join(f"Final {n} words of the last chapter are these." for n in range(5))


def _planned(*parts: str) -> list[tuple[str, Any]]:
    """The shots a plan made from ``parts``: (id, segment)."""
    words, starts, duration = _spoken(*parts)
    segments = segment_narration(words, duration=duration, chapter_starts=starts)
    return [(f"shot-{i}", segment) for i, segment in enumerate(segments)]


def _retime(shots: list[tuple[str, Any]], *parts: str) -> Any:
    words, starts, duration = _spoken(*parts)
    return retime_plan(
        [(pk, s.text) for pk, s in shots], words, duration=duration, chapter_starts=starts
    )


def test_the_same_narration_keeps_every_shot_where_it_was() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)

    plan = _retime(shots, HOOK, ONE, TWO, THREE)

    assert [(s.shot_id, s.kept) for s in plan.slots] == [(pk, True) for pk, _ in shots]
    assert [s.segment for s in plan.slots] == [segment for _, segment in shots]
    assert plan.dropped == []


def test_a_rewritten_last_chapter_is_planned_again_and_nothing_else_moves() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)
    last = [pk for pk, s in shots if s.chapter_index == 3]
    longer = " ".join(f"Brand new {n} sentence for the ending now." for n in range(8))

    plan = _retime(shots, HOOK, ONE, TWO, longer)

    before = [(pk, s) for pk, s in shots if s.chapter_index < 3]
    assert [(s.shot_id, s.kept, s.segment) for s in plan.slots[: len(before)]] == [
        (pk, True, s) for pk, s in before
    ]
    rest = plan.slots[len(before) :]
    assert not any(s.kept for s in rest)
    # the chapter's old shots are reused in order, and it needs more of them now
    assert [s.shot_id for s in rest[: len(last)]] == last
    assert len(rest) > len(last)
    assert all(s.shot_id is None for s in rest[len(last) :])
    # the same cuts as a plan from scratch would make
    words, starts, duration = _spoken(HOOK, ONE, TWO, longer)
    assert [s.segment for s in plan.slots] == segment_narration(
        words, duration=duration, chapter_starts=starts
    )


def test_a_longer_hook_moves_every_later_shot_by_its_length() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)
    hook = "A different hook entirely, longer than before, with many more words in it."

    plan = _retime(shots, hook, ONE, TWO, THREE)

    assert (plan.slots[0].shot_id, plan.slots[0].kept) == (shots[0][0], False)
    shift = (len(hook.split()) - len(HOOK.split())) * 0.4
    for slot, (pk, old) in zip(plan.slots[1:], shots[1:], strict=True):
        assert (slot.shot_id, slot.kept, slot.segment.text) == (pk, True, old.text)
        assert slot.segment.start == pytest.approx(old.start + shift, abs=0.01)
        assert slot.segment.end == pytest.approx(old.end + shift, abs=0.01)
    for before, after in itertools.pairwise(plan.slots):
        assert before.segment.end == after.segment.start


def test_one_changed_word_replans_only_the_shot_that_speaks_it() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)
    changed = ONE.replace("Sentence 2 of", "Sentence 2 really of")

    plan = _retime(shots, HOOK, changed, TWO, THREE)

    replanned = [s.shot_id for s in plan.slots if not s.kept]
    speaking = [pk for pk, s in shots if "Sentence 2 of" in s.text]
    assert replanned == speaking
    assert [s.shot_id for s in plan.slots] == [pk for pk, _ in shots]


def test_punctuation_and_case_do_not_change_a_line() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)

    plan = _retime(shots, HOOK, ONE.replace("words.", "words!").upper(), TWO, THREE)

    assert all(s.kept for s in plan.slots)


def test_a_shorter_chapter_drops_the_shots_it_no_longer_needs() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)
    second = [pk for pk, s in shots if s.chapter_index == 2]

    plan = _retime(shots, HOOK, ONE, "Only this is left of it now.", THREE)

    assert len(second) > 1
    assert plan.dropped == second[1:]
    assert [s.shot_id for s in plan.slots if not s.kept] == second[:1]


def test_a_word_too_short_for_a_shot_is_planned_with_its_neighbour() -> None:
    shots = _planned(HOOK, ONE, TWO, THREE)

    plan = _retime(shots, HOOK, ONE + " Indeed.", TWO, THREE)

    first_chapter = [pk for pk, s in shots if s.chapter_index == 1]
    replanned = [s for s in plan.slots if not s.kept]
    assert [s.shot_id for s in replanned] == first_chapter[-1:]
    assert replanned[0].segment.text.endswith("Indeed.")
    assert len(plan.slots) == len(shots)


# --- through the API, with Piper and the offline pictures (slow: they speak and draw for real) --

PARTS = (
    "The lamp went dark one winter night.",
    "Mara climbed the tower with a candle. The glass was cold and cracked.",
    "She found a note pressed into the frame. It named a ship lost long ago.",
    "At dawn the boats came home. Nobody asked her why she smiled.",
)
NEW_ENDING = (
    "At dawn she rowed out alone to the reef. A mast rose from the water, green with weed. "
    "She read the name aloud and the gulls fell silent."
)


def _made(
    api: APIClient, user: User, monkeypatch: pytest.MonkeyPatch, *, generate: bool = True
) -> Project:
    """A hook and three chapters, spoken, planned and (``generate``) every shot generated."""
    monkeypatch.setattr(
        production_runs.shot_task,
        "delay",
        lambda run_id, shot_id: production_runs.advance_shot(run_id=run_id, shot_id=shot_id),
    )  # generate-all's tasks, performed here instead of on a worker
    project = ProjectFactory(owner=user, selected_title="The Keeper", target_seconds=30)
    Script.objects.create(project=project, hook=PARTS[0])
    for position, text in enumerate(PARTS[1:]):
        ChapterFactory(project=project, position=position, title=f"Part {position}", narration=text)
    base = f"/api/projects/{project.pk}"
    paths = ["voiceover/generate", "timeline/shots/plan"]
    paths += ["timeline/shots/generate-all"] if generate else []
    for path in paths:
        assert perform(post_run(api, f"{base}/{path}")).status == "succeeded", path
    return project


def _last_chapter_start(project: Project) -> float:
    return float(Voiceover.objects.get(project=project).chapter_spans[-1]["start"])


def _shots(project: Project) -> list[Shot]:
    return list(Shot.objects.filter(project=project).order_by("position"))


@pytest.mark.slow
@pytest.mark.django_db
def test_a_new_last_chapter_keeps_every_other_picture_and_restales_only_its_shots(
    api: APIClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _made(api, user, monkeypatch)
    base = f"/api/projects/{project.pk}"
    boundary = _last_chapter_start(project)
    before = _shots(project)
    untouched = [s for s in before if s.start < boundary - 0.01]
    ending = [s for s in before if s.start >= boundary - 0.01]
    assert untouched
    assert ending
    assert all(s.state == ShotState.READY for s in before)
    last = project.chapters.order_by("position").last()
    assert last is not None

    edited = api.patch(
        f"{base}/script/chapters/{last.pk}", {"narration": NEW_ENDING}, format="json"
    )
    assert edited.status_code == 200
    # the edit marks only the shots whose words it changed
    assert sorted(api.get(base).json()["data"]["stale"]["shots"]) == sorted(
        str(s.pk) for s in ending
    )

    spent = LedgerEntry.objects.filter(account__user=user).count()
    run = perform(post_run(api, f"{base}/voiceover/generate"))

    assert run.status == "succeeded", run.error
    assert run.result["shots"]["kept"] == len(untouched)
    assert run.credits_charged == 2  # the voiceover; the re-timing is free
    assert LedgerEntry.objects.filter(account__user=user).count() == spent + 1
    after = {str(s.pk): s for s in _shots(project)}
    word_starts = {w["start"] for w in Voiceover.objects.get(project=project).words}
    for old in untouched:
        kept = after[str(old.pk)]
        assert (kept.image.name, kept.animated.name) == (old.image.name, old.animated.name)
        assert default_storage.exists(kept.image.name)
        # moved to where the new voiceover speaks its words (Piper's timing varies a little
        # from one reading to the next, and the drift adds up along the narration: 0.31 s at
        # 7.4 s was seen)
        assert kept.line == old.line
        assert kept.start == pytest.approx(old.start, rel=0.06, abs=0.3)
        assert kept.position == 0 or kept.start in word_starts
        assert (kept.state, kept.stale) == (ShotState.READY, False)
    # (not by time: a voice's timing varies a little from one reading to the next, so the
    # chapter may start a hair earlier than it did)
    kept_ids = {str(s.pk) for s in untouched}
    new = [s for pk, s in after.items() if pk not in kept_ids]
    assert " ".join(s.line for s in sorted(new, key=lambda s: s.position)) == NEW_ENDING
    assert all(s.stale or s.state == ShotState.PLANNED for s in new)
    payload = api.get(base).json()["data"]
    assert sorted(payload["stale"]["shots"]) == sorted(
        str(s.pk) for s in new if s.state != ShotState.PLANNED
    )

    again = perform(post_run(api, f"{base}/timeline/shots/generate-all"))

    assert again.status == "succeeded", again.error
    assert sorted(again.params["shots"]) == sorted(str(s.pk) for s in new)
    redrawn = {str(s.pk): s for s in _shots(project)}
    for old in untouched:
        assert redrawn[str(old.pk)].image.name == old.image.name
    for shot in new:
        assert redrawn[str(shot.pk)].state == ShotState.READY
        assert redrawn[str(shot.pk)].image.name not in {s.image.name for s in before}


@pytest.mark.slow
@pytest.mark.django_db
def test_a_new_hook_moves_the_chapters_shots_and_keeps_their_pictures(
    api: APIClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _made(api, user, monkeypatch)
    base = f"/api/projects/{project.pk}"
    before = _shots(project)
    hook = "Nobody expected the old lamp to fail that winter, least of all its keeper."

    assert api.patch(f"{base}/script/hook", {"hook": hook}, format="json").status_code == 200
    run = perform(post_run(api, f"{base}/voiceover/generate"))

    assert run.status == "succeeded", run.error
    after = _shots(project)
    assert [s.pk for s in after] == [s.pk for s in before]
    first, *rest = zip(before, after, strict=True)
    assert first[1].stale
    assert first[1].line == hook
    shift = rest[0][1].start - rest[0][0].start
    assert shift > 1.0  # the new hook is longer
    word_starts = {w["start"] for w in Voiceover.objects.get(project=project).words}
    for old, new in rest:
        assert new.image.name == old.image.name
        assert not new.stale
        assert new.line == old.line
        assert new.start == pytest.approx(old.start + shift, rel=0.06, abs=0.3)
        assert new.start in word_starts
    assert api.get(base).json()["data"]["stale"]["shots"] == [str(first[1].pk)]


@pytest.mark.slow
@pytest.mark.django_db
def test_a_voiceover_refuses_to_replan_a_shot_that_is_generating(
    api: APIClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _made(api, user, monkeypatch, generate=False)  # a planned shot is enough
    base = f"/api/projects/{project.pk}"
    last = project.chapters.order_by("position").last()
    assert last is not None
    ending = _shots(project)[-1]
    api.patch(f"{base}/script/chapters/{last.pk}", {"narration": NEW_ENDING}, format="json")
    Shot.objects.filter(pk=ending.pk).update(state=ShotState.GENERATING_IMAGE)
    lines = [s.line for s in _shots(project)]

    run = perform(post_run(api, f"{base}/voiceover/generate"))

    assert run.status == "failed"
    assert run.error["code"] == "INVALID_TRANSITION"
    assert "generating" in run.error["message"]
    assert run.credits_refunded == run.credits_charged
    assert [s.line for s in _shots(project)] == lines
    assert Run.objects.filter(project=project, kind="voiceover.generate").count() == 2
