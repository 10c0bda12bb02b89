"""The script as a Fountain file: exported, edited in the text, imported back; only what changed
goes stale, and a file that cannot be read is a 400 naming the line with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Chapter, Project, Script, Shot, Voiceover
from tests.factories import ChapterFactory, ProjectFactory, ShotFactory

pytestmark = pytest.mark.django_db

NARRATIONS = [
    "An octopus has three hearts.\nTwo pump blood through the gills.",
    "The third heart sends blood to the body.",
    "Their blood is blue, made with copper.",
]


@pytest.fixture
def project(user: User) -> Project:
    project = ProjectFactory(owner=user, title="Octopus hearts", selected_title="Octopus hearts")
    chapters = [
        ChapterFactory(project=project, position=i, title=f"Part {i + 1}", narration=text)
        for i, text in enumerate(NARRATIONS)
    ]
    Script.objects.create(project=project, hook="Why would anyone need three hearts?")
    Voiceover.objects.create(
        project=project,
        duration=30,
        words=[{"word": "An", "start": 0, "end": 0.2}],
        chapter_spans=[
            {"chapterId": str(c.pk), "start": i * 10.0, "end": i * 10.0 + 10}
            for i, c in enumerate(chapters)
        ],
    )
    for i in range(6):
        ShotFactory(
            project=project,
            position=i,
            prompt=f"octopus picture {i}",
            line=f"line {i}",
            state="ready",
        )
    return project


def _export(api: APIClient, project: Project) -> str:
    response = api.get(f"/api/projects/{project.pk}/script.fountain")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert 'filename="octopus-hearts.fountain"' in response["Content-Disposition"]
    return response.content.decode()


def _import(api: APIClient, project: Project, text: str) -> Any:
    return api.put(
        f"/api/projects/{project.pk}/script.fountain", text.encode(), content_type="text/plain"
    )


def test_export_has_the_title_page_hook_chapters_and_shots(
    api: APIClient, project: Project
) -> None:
    text = _export(api, project)

    assert text.startswith("Title: Octopus hearts\n")
    assert ".HOOK\n\nNARRATOR\nWhy would anyone need three hearts?" in text
    assert ".CHAPTER 2: Part 2 #2#\n\nNARRATOR\nThe third heart sends blood to the body." in text
    assert "!SHOT 3 (0:10-0:15): octopus picture 2" in text  # in chapter 2's span


def test_round_trip_of_an_unchanged_file_changes_nothing(api: APIClient, project: Project) -> None:
    response = _import(api, project, _export(api, project))

    assert response.status_code == 200
    assert response.json()["data"] == {"chaptersChanged": [], "hookChanged": False}
    assert not Voiceover.objects.get(project=project).stale
    assert not Shot.objects.filter(project=project, stale=True).exists()


def test_editing_one_chapter_in_the_text_stales_only_what_depends_on_it(
    api: APIClient, project: Project
) -> None:
    text = _export(api, project).replace(
        "Their blood is blue, made with copper.",
        "Their blood is blue: it carries oxygen with copper, not iron.",
    )

    response = _import(api, project, text)

    assert response.status_code == 200
    last = Chapter.objects.get(project=project, position=2)
    assert response.json()["data"]["chaptersChanged"] == [str(last.pk)]
    assert last.narration == "Their blood is blue: it carries oxygen with copper, not iron."
    first = Chapter.objects.get(project=project, position=0)
    assert first.narration == NARRATIONS[0]  # untouched, line breaks kept
    assert Voiceover.objects.get(project=project).stale
    stale = set(Shot.objects.filter(project=project, stale=True).values_list("position", flat=True))
    assert stale == {4, 5}  # the shots inside chapter 3's span, and no others


def test_a_multipart_upload_works_like_the_body(api: APIClient, project: Project) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = _export(api, project).replace("Part 1", "Beginnings")
    upload = SimpleUploadedFile("script.fountain", text.encode(), content_type="text/plain")

    response = api.put(
        f"/api/projects/{project.pk}/script.fountain", {"file": upload}, format="multipart"
    )

    assert response.status_code == 200
    assert Chapter.objects.get(project=project, position=0).title == "Beginnings"


@pytest.mark.parametrize(
    ("broken", "line_has"),
    [
        (lambda t: t.replace(".CHAPTER 3: Part 3 #3#", ".CHAPTER 9: Part 9 #9#"), "CHAPTER 9"),
        (lambda t: t.replace(".CHAPTER 2: Part 2 #2#", ".INTERLUDE"), "INTERLUDE"),
        (
            lambda t: t.replace(".CHAPTER 3: Part 3 #3#", ".CHAPTER 2: Again #2#"),
            "CHAPTER 2: Again",
        ),
    ],
)
def test_a_file_it_cannot_read_is_a_400_naming_the_line_and_changes_nothing(
    api: APIClient, project: Project, broken: Any, line_has: str
) -> None:
    original = _export(api, project)
    text = broken(original.replace("Part 1", "Changed title"))

    response = _import(api, project, text)

    assert response.status_code == 400
    error = response.json()["error"]
    line = error["details"]["line"]
    assert line_has in text.splitlines()[line - 1]
    assert error["message"].startswith(f"Line {line}:")
    assert Chapter.objects.get(project=project, position=0).title == "Part 1"


def test_binary_or_empty_files_are_refused(api: APIClient, project: Project) -> None:
    assert _import(api, project, "").status_code == 400
    binary = api.put(
        f"/api/projects/{project.pk}/script.fountain",
        b"\xff\xfe\x00\x01",
        content_type="text/plain",
    )
    assert binary.status_code == 400
    no_scenes = _import(api, project, "just some words\n")
    assert no_scenes.status_code == 400


def test_another_users_script_is_404(client_for: Any, other_user: User, project: Project) -> None:
    other = client_for(other_user)
    assert other.get(f"/api/projects/{project.pk}/script.fountain").status_code == 404
    assert (
        other.put(
            f"/api/projects/{project.pk}/script.fountain", b".HOOK\n", content_type="text/plain"
        ).status_code
        == 404
    )
