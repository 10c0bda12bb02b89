"""Render, thumbnail and publish context on the request side: what is refused and why (with
nothing charged), thumbnails a user downloads, and YouTube's chapter rules."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import pytest
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount
from projects.models import (
    BibleEntry,
    BibleKind,
    Chapter,
    Project,
    Render,
    Run,
    Shot,
    Stage,
    Thumbnail,
    Voiceover,
)
from projects.stages.render.services import youtube_chapters
from tests.factories import ChapterFactory, ProjectFactory, UserFactory
from tests.media import SampleMedia
from tests.vidflow.test_envelope import assert_error

from .bible_helpers import open_image, perform, post_run
from .render_helpers import staged_drawn_project, staged_planned_project

pytestmark = pytest.mark.django_db


def _url(project: Project, path: str) -> str:
    return f"/api/projects/{project.pk}/{path}"


# --- render requests --------------------------------------------------------------------------


def test_before_the_shot_plan_a_render_is_refused(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="The Keeper")

    error = assert_error(
        api.post(_url(project, "timeline/render"), {}, format="json"), 409, "INVALID_TRANSITION"
    )

    assert "plan the shots" in error["message"]
    assert not Run.objects.exists()


def test_shots_with_nothing_to_show_are_named_and_nothing_is_charged(
    api: APIClient, user: User, sample_media: SampleMedia
) -> None:
    project = staged_planned_project(api, sample_media, user, music=False)
    shots = list(Shot.objects.filter(project=project).order_by("position"))
    balance = CreditAccount.objects.get(user=user).balance

    response = api.post(_url(project, "timeline/render"), {}, format="json")

    error = assert_error(response, 409, "INVALID_TRANSITION")
    numbers = ", ".join(str(s.position + 1) for s in shots)
    assert f"{numbers} need" in error["message"]
    assert "generating first" in error["message"]
    assert error["details"]["shotIds"] == [str(s.pk) for s in shots]
    assert CreditAccount.objects.get(user=user).balance == balance
    assert not Run.objects.filter(kind="render.final").exists()


@pytest.fixture
def drawn(api: APIClient, user: User, sample_media: SampleMedia) -> Any:
    """``drawn(**project_fields)``: a planned project whose shots have their images."""
    return lambda **fields: staged_drawn_project(api, sample_media, user, music=False, **fields)


def test_out_of_credits_is_402_and_records_nothing(api: APIClient, user: User, drawn: Any) -> None:
    project, _ = drawn()
    CreditAccount.objects.filter(user=user).update(balance=2)

    response = api.post(_url(project, "timeline/render"), {}, format="json")

    error = assert_error(response, 402, "INSUFFICIENT_CREDITS")
    assert error["details"] == {"required": 3, "balance": 2}
    assert not Run.objects.filter(kind="render.final").exists()


def test_a_second_render_while_one_is_queued_is_refused(api: APIClient, drawn: Any) -> None:
    project, _ = drawn()
    first = api.post(_url(project, "timeline/render"), {}, format="json")
    assert first.status_code == 200
    assert first.json()["data"]["run"]["kind"] == "render.final"
    narration = Voiceover.objects.get(project=project).duration
    assert first.json()["data"]["run"]["progress"]["total"] == math.ceil(narration)  # seconds
    assert first.json()["data"]["run"]["progress"]["unit"] == "s"  # "24 of 66 s"

    again = api.post(_url(project, "timeline/render"), {}, format="json")

    assert "already running" in assert_error(again, 409, "INVALID_TRANSITION")["message"]
    assert Run.objects.filter(kind="render.final").count() == 1


def test_render_options_are_validated(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        _url(project, "timeline/render"),
        {"resolution": "4k", "captions": "loud", "fps": 60},
        format="json",
    )

    assert set(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == {
        "resolution",
        "captions",
        "fps",
    }


def test_another_users_render_routes_are_404(api: APIClient) -> None:
    project = ProjectFactory(owner=UserFactory())

    for path in ("timeline/render", "thumbnail", "publish-context"):
        assert_error(api.get(_url(project, path)), 404, "NOT_FOUND")
    for path in ("timeline/render", "thumbnail/generate"):
        assert_error(api.post(_url(project, path), {}, format="json"), 404, "NOT_FOUND")


def test_nothing_rendered_yet_reads_as_nulls(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    assert api.get(_url(project, "timeline/render")).json()["data"] == {"render": None, "run": None}
    assert api.get(_url(project, "thumbnail")).json()["data"] == {"thumbnail": None, "run": None}
    context = api.get(_url(project, "publish-context")).json()["data"]
    assert context["videoUrl"] is None
    assert context["chapters"] == []
    assert context["title"] == project.title


# --- thumbnails ---------------------------------------------------------------------------------


def _jpeg(api: APIClient, url: str) -> tuple[Image.Image, int]:
    response = api.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, len(data)


def test_a_thumbnail_is_the_key_shot_with_the_selected_title(api: APIClient, drawn: Any) -> None:
    project, shots = drawn(aspect_ratio="9:16")
    mara = BibleEntry.objects.create(project=project, kind=BibleKind.CHARACTER, name="Mara")
    shots[-1].characters.add(mara)  # a face: the key shot

    run = perform(post_run(api, _url(project, "thumbnail/generate")))

    assert run.status == "succeeded", run.error
    assert run.credits_charged == 1
    shown = api.get(_url(project, "thumbnail")).json()["data"]
    assert shown["run"]["id"] == str(run.pk)
    thumbnail = shown["thumbnail"]
    assert (thumbnail["title"], thumbnail["shotId"], thumbnail["stale"]) == (
        "The Keeper",
        str(shots[-1].pk),
        False,
    )
    image, size = _jpeg(api, thumbnail["imageUrl"])
    assert (image.format, image.size, image.mode) == ("JPEG", (1280, 720), "RGB")
    assert size < 2 * 1024 * 1024
    # large light type on a darkened bottom: the title's white is there
    bottom = np.asarray(image.crop((0, 400, 1280, 720)).convert("L"))
    assert (bottom > 240).sum() > 5000
    assert api.get(_url(project, "publish-context")).json()["data"]["thumbnailUrl"]


def test_a_thumbnail_from_a_chosen_shot_with_a_long_title(api: APIClient, drawn: Any) -> None:
    project, (shot, *_) = drawn()
    title = "The night the lighthouse went dark and the whole village " * 3

    run = perform(
        post_run(api, _url(project, "thumbnail/generate"), {"shotId": str(shot.pk), "title": title})
    )

    assert run.status == "succeeded", run.error
    current = Thumbnail.objects.get(project=project)
    assert (current.shot_id, current.title) == (shot.pk, " ".join(title.split()))
    image = open_image(
        api, api.get(_url(project, "thumbnail")).json()["data"]["thumbnail"]["imageUrl"]
    )
    assert image.size == (1280, 720)


def test_a_thumbnail_needs_a_shot_with_an_image(
    api: APIClient, user: User, sample_media: SampleMedia
) -> None:
    project = staged_planned_project(api, sample_media, user, music=False)
    shot = Shot.objects.filter(project=project).first()
    assert shot is not None

    plain = api.post(_url(project, "thumbnail/generate"), {}, format="json")
    chosen = api.post(_url(project, "thumbnail/generate"), {"shotId": str(shot.pk)}, format="json")
    unknown = api.post(
        _url(project, "thumbnail/generate"),
        {"shotId": "00000000-0000-4000-8000-000000000000"},
        format="json",
    )

    assert "generate shots" in assert_error(plain, 409, "INVALID_TRANSITION")["message"]
    assert "has no image" in assert_error(chosen, 409, "INVALID_TRANSITION")["message"]
    assert_error(unknown, 404, "NOT_FOUND")
    assert not Run.objects.filter(kind="thumbnail.generate").exists()


def test_a_thumbnail_out_of_credits_is_402(api: APIClient, user: User, drawn: Any) -> None:
    project, _ = drawn()
    CreditAccount.objects.filter(user=user).update(balance=0)

    response = api.post(_url(project, "thumbnail/generate"), {}, format="json")

    assert assert_error(response, 402, "INSUFFICIENT_CREDITS")["details"]["required"] == 1
    assert not Run.objects.filter(kind="thumbnail.generate").exists()


# --- publish context and chapters ---------------------------------------------------------------


def _spans(*starts: float) -> list[dict[str, Any]]:
    keys = ["hook"] + [f"c{i}" for i in range(1, len(starts))]
    return [{"chapterId": k, "start": s, "end": s + 1} for k, s in zip(keys, starts, strict=True)]


TITLES = {f"c{i}": f"Chapter {i}" for i in range(1, 9)}


def test_chapters_start_at_zero_and_a_short_hook_joins_the_first() -> None:
    chapters = youtube_chapters(_spans(0, 6.2, 40.5, 75.0), TITLES, duration=120)

    assert chapters == [
        {"seconds": 0, "time": "00:00", "title": "Chapter 1"},
        {"seconds": 40, "time": "00:40", "title": "Chapter 2"},
        {"seconds": 75, "time": "01:15", "title": "Chapter 3"},
    ]


def test_a_long_hook_is_an_intro_chapter() -> None:
    chapters = youtube_chapters(_spans(0, 12.0, 40.0, 75.0), TITLES, duration=90)

    assert [c["title"] for c in chapters] == ["Intro", "Chapter 1", "Chapter 2", "Chapter 3"]


def test_every_chapter_lasts_ten_seconds_or_there_are_none() -> None:
    spans = _spans(0, 20, 26, 31, 60, 64, 95)
    chapters = youtube_chapters(spans, TITLES, duration=100)

    ends = [c["seconds"] for c in chapters[1:]] + [100]
    assert chapters[0]["time"] == "00:00"
    assert all(end - c["seconds"] >= 10 for c, end in zip(chapters, ends, strict=True))
    assert len(chapters) >= 3
    assert youtube_chapters(_spans(0, 8, 20), TITLES, duration=35) == []  # only two parts left
    assert youtube_chapters(_spans(0, 12, 25), TITLES, duration=30) == []  # the last one is short


def test_an_hour_long_video_has_hour_timestamps() -> None:
    chapters = youtube_chapters(_spans(0, 1200, 2400, 3700), TITLES, duration=3900)

    assert [c["time"] for c in chapters] == ["0:00:00", "0:20:00", "0:40:00", "1:01:40"]


def test_the_publish_context_carries_copy_chapters_and_links(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="The Keeper", title="Working title")
    chapters = [
        ChapterFactory(project=project, position=i, title=f"Part {i + 1}") for i in range(3)
    ]
    Voiceover.objects.create(
        project=project,
        voice_id="joe",
        duration=95.0,
        words=[{"word": "Hello", "start": 0.1, "end": 0.5}],
        chapter_spans=[
            {"chapterId": "hook", "start": 0.0, "end": 5.0},
            *(
                {"chapterId": str(c.pk), "start": 5.45 + 30 * i, "end": 30 + 30 * i}
                for i, c in enumerate(chapters)
            ),
        ],
    )
    Render.objects.create(
        project=project,
        duration=95.0,
        publish_copy={"description": "A keeper and her light.", "tags": ["lighthouse", "keeper"]},
    )

    context = api.get(_url(project, "publish-context")).json()["data"]

    assert context["title"] == "The Keeper"
    assert context["tags"] == ["lighthouse", "keeper"]
    assert [c["time"] for c in context["chapters"]] == ["00:00", "00:35", "01:05"]
    assert context["description"] == (
        "A keeper and her light.\n\n00:00 Part 1\n00:35 Part 2\n01:05 Part 3"
    )
    assert Chapter.objects.filter(project=project).count() == 3
    assert context["stale"] == {"render": False, "thumbnail": False}
    assert Project.objects.get(pk=project.pk).status == Stage.IDEATION
