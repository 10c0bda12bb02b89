"""The stage, shot and run machines: legal moves recorded as events, illegal ones explained."""

from __future__ import annotations

import pytest

from accounts.models import User
from projects.models import (
    BibleEntry,
    BibleKind,
    Event,
    Project,
    Script,
    ShotState,
    Stage,
    Voiceover,
)
from projects.services import (
    project_advance,
    run_create,
    run_fail,
    run_mark_running,
    run_succeed,
    transition_apply,
)
from tests.factories import ChapterFactory, ProjectFactory, ShotFactory
from vidflow.errors import InvalidTransition

pytestmark = pytest.mark.django_db


def test_state_fields_cannot_be_assigned_directly(user: User) -> None:
    project = ProjectFactory(owner=user)

    with pytest.raises(AttributeError):
        project.status = Stage.PUBLISH


def test_script_needs_a_selected_title(user: User) -> None:
    project = ProjectFactory(owner=user)

    with pytest.raises(InvalidTransition, match="selected title"):
        project_advance(project_id=project.pk, to=Stage.SCRIPT, actor=user)

    assert Project.objects.get(pk=project.pk).status == Stage.IDEATION
    assert not Event.objects.filter(subject_id=project.pk, name="begin_script").exists()


def test_advancing_records_one_event_per_transition(user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)
    Script.objects.create(project=project, hook="What if?")

    advanced = project_advance(project_id=project.pk, to=Stage.VOICEOVER, actor=user)

    assert advanced.status == Stage.VOICEOVER
    events = list(
        Event.objects.filter(subject_id=project.pk)
        .exclude(name="create")
        .values_list("name", "source", "target")
    )
    assert events == [
        ("begin_script", "ideation", "script"),
        ("begin_voiceover", "script", "voiceover"),
    ]


def test_voiceover_needs_every_chapter_narrated(user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)
    ChapterFactory(project=project, position=1, narration="")

    with pytest.raises(InvalidTransition, match="every chapter"):
        project_advance(project_id=project.pk, to=Stage.VOICEOVER, actor=user)

    # the step that was possible happened; the one that was not did not
    assert Project.objects.get(pk=project.pk).status == Stage.IDEATION


def test_voiceover_needs_bible_references_selected(user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)
    BibleEntry.objects.create(project=project, kind=BibleKind.CHARACTER, name="Carl")

    with pytest.raises(InvalidTransition, match="selected reference variation"):
        project_advance(project_id=project.pk, to=Stage.VOICEOVER, actor=user)


def test_production_needs_a_timed_voiceover(user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)
    project_advance(project_id=project.pk, to=Stage.VOICEOVER, actor=user)
    Voiceover.objects.create(project=project, voice_id="joe", words=[])

    with pytest.raises(InvalidTransition, match="voiceover with word timings"):
        project_advance(project_id=project.pk, to=Stage.PRODUCTION, actor=user)


def test_shot_machine_follows_the_product_path(user: User) -> None:
    shot = ShotFactory(project=ProjectFactory(owner=user))

    transition_apply(instance=shot, name="start_image")
    transition_apply(instance=shot, name="image_done")

    with pytest.raises(InvalidTransition, match="needs the shot's image"):
        transition_apply(instance=shot, name="start_video")

    assert shot.state == ShotState.IMAGE_READY
    assert list(Event.objects.filter(subject_id=shot.pk).values_list("name", flat=True)) == [
        "start_image",
        "image_done",
    ]


def test_shot_regenerate_is_refused_while_generating(user: User) -> None:
    shot = ShotFactory(project=ProjectFactory(owner=user))
    transition_apply(instance=shot, name="start_image")

    with pytest.raises(InvalidTransition, match="generating_image"):
        transition_apply(instance=shot, name="regenerate")


def test_run_lifecycle_and_idempotent_steps(user: User) -> None:
    run = run_create(owner=user, kind="render", total=3)

    assert run_mark_running(run_id=run.pk) is not None
    assert (
        run_mark_running(run_id=run.pk) is not None
    )  # a redelivered task finds it running: carry on
    finished = run_succeed(run_id=run.pk, result={"ok": True})
    assert finished is not None
    assert finished.status == "succeeded"
    assert finished.progress_done == 3
    assert run_succeed(run_id=run.pk) is None  # already finished: nothing changes
    assert run_fail(run_id=run.pk, code="X", message="late") is None
    assert run_mark_running(run_id=run.pk) is None
    names = list(Event.objects.filter(subject_id=run.pk).values_list("name", flat=True))
    assert names == ["create", "start", "succeed"]
