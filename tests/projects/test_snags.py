"""Issue 14 §4: small snags a creator meets on the way, each held by a test."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project, Render, Run, Thumbnail, TitleIdea
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


# --- the typed title is the selected title ------------------------------------------------------


def test_the_title_typed_at_creation_is_selected_and_the_script_can_start(
    api: APIClient, user: User
) -> None:
    created = api.post("/api/projects", {"title": "Octopus hearts"}, format="json")
    project_id = created.json()["data"]["id"]

    outline = api.post(f"/api/projects/{project_id}/script/outline", {}, format="json")

    assert created.json()["data"]["selectedTitle"] == "Octopus hearts"
    assert outline.status_code == 200, outline.content  # no "needs a selected title"
    assert Run.objects.filter(project_id=project_id, kind="script.outline").exists()


def test_the_typed_title_follows_edits_until_another_is_chosen(api: APIClient) -> None:
    project_id = api.post("/api/projects", {"title": "Octopus"}, format="json").json()["data"]["id"]
    base = f"/api/projects/{project_id}"

    renamed = api.patch(base, {"title": "Octopus hearts"}, format="json").json()["data"]
    idea = TitleIdea.objects.create(project_id=project_id, text="Three hearts, blue blood")
    api.post(f"{base}/titles/{idea.pk}/select")
    renamed_again = api.patch(base, {"title": "Octopuses"}, format="json").json()["data"]

    assert renamed["selectedTitle"] == "Octopus hearts"
    assert renamed_again["title"] == "Octopuses"
    assert renamed_again["selectedTitle"] == "Three hearts, blue blood"  # chosen: it stays


# --- downloads carry readable names -------------------------------------------------------------


def test_downloads_carry_readable_file_names(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, title="x", selected_title="Octopus Hearts!")
    render = Render.objects.create(project=project, duration=3)
    render.video.save("a.mp4", ContentFile(b"video"), save=False)
    render.srt.save("a.srt", ContentFile(b"1\n"), save=False)
    render.vtt.save("a.vtt", ContentFile(b"WEBVTT\n"), save=False)
    render.save()
    thumbnail = Thumbnail.objects.create(project=project, title="t")
    thumbnail.image.save("t.jpg", ContentFile(b"jpg"), save=True)

    selected = api.get(f"/api/projects/{project.pk}").json()["data"]["selected"]
    context = api.get(f"/api/projects/{project.pk}/publish-context").json()["data"]
    links = {
        "octopus-hearts-final.mp4": selected["render"]["videoUrl"],
        "octopus-hearts-final.srt": selected["render"]["srtUrl"],
        "octopus-hearts-final.vtt": context["vttUrl"],
        "octopus-hearts-thumbnail.jpg": selected["thumbnail"]["imageUrl"],
    }

    for name, url in links.items():
        path = urlsplit(url).path
        shown = api.get(path)
        saved = api.get(path, {"download": "1"})
        assert shown.status_code == 200
        assert shown["Content-Disposition"] == f'inline; filename="{name}"'
        assert saved["Content-Disposition"] == f'attachment; filename="{name}"'
        b"".join(shown.streaming_content)
        b"".join(saved.streaming_content)
    assert Project.objects.get(pk=project.pk).title == "x"


# --- publish: editable copy, chapters and YouTube's rules ----------------------------------------


def _rendered(user: User, spans: list[dict[str, object]], duration: float) -> Project:
    from projects.models import Chapter, Voiceover

    project = ProjectFactory(owner=user, selected_title="Octopus hearts")
    chapters = [
        Chapter.objects.create(project=project, position=n, title=f"Part {n + 1}", narration="x")
        for n in range(len(spans) - 1)
    ]
    keyed = [{**span, "chapterId": "hook" if i == 0 else str(chapters[i - 1].pk)}
             for i, span in enumerate(spans)]  # fmt: skip
    words = [{"word": "x", "start": 0, "end": 1}]
    Voiceover.objects.create(
        project=project, voice_id="v", duration=duration, chapter_spans=keyed, words=words
    )
    copy = {"description": "Drafted.", "tags": ["sea"]}
    render = Render.objects.create(project=project, duration=duration, publish_copy=copy)
    render.video.save("a.mp4", ContentFile(b"video"), save=True)
    return project


def test_the_publish_copy_is_edited_and_saved_with_the_chapters_appended(
    api: APIClient, user: User
) -> None:
    spans = [{"start": 0, "end": 4}, {"start": 4, "end": 30}, {"start": 30, "end": 50},
             {"start": 50, "end": 70}]  # fmt: skip
    project = _rendered(user, spans, 70.0)
    url = f"/api/projects/{project.pk}/publish-context"

    saved = api.patch(
        url,
        {"title": "Three hearts", "description": "My words.", "tags": ["octopus", " blue  blood "]},
        format="json",
    )
    again = api.get(url).json()["data"]

    assert saved.status_code == 200, saved.content
    assert again["title"] == "Three hearts"
    assert again["draft"] == "My words."
    assert again["tags"] == ["octopus", "blue blood"]
    assert again["edited"] is True
    assert again["description"] == "My words.\n\n00:00 Part 1\n00:30 Part 2\n00:50 Part 3"
    assert again["chaptersNote"] == ""
    assert "at least 3" in again["chapterRules"]


def test_when_youtubes_rules_rule_the_chapters_out_it_says_why(api: APIClient, user: User) -> None:
    project = _rendered(user, [{"start": 0, "end": 5}, {"start": 5, "end": 20}], 20.0)

    context = api.get(f"/api/projects/{project.pk}/publish-context").json()["data"]

    assert context["chapters"] == []
    assert context["chaptersNote"].startswith("No chapters: YouTube shows chapters only when")
    assert "each at least 10 s" in context["chaptersNote"]


def test_publish_copy_edits_are_checked_and_need_a_render(api: APIClient, user: User) -> None:
    project = _rendered(user, [{"start": 0, "end": 20}], 20.0)
    url = f"/api/projects/{project.pk}/publish-context"
    bare = ProjectFactory(owner=user)

    too_many = api.patch(url, {"tags": ["x" * 100] * 6}, format="json")
    unknown = api.patch(url, {"privacy": "public"}, format="json")
    early = api.patch(f"/api/projects/{bare.pk}/publish-context", {"title": "x"}, format="json")

    assert too_many.status_code == 400
    assert unknown.status_code == 400
    assert early.status_code == 409
    assert Render.objects.get(project=project).publish_copy == {
        "description": "Drafted.",
        "tags": ["sea"],
    }


# --- a suspended account ------------------------------------------------------------------------


def test_a_suspended_account_sees_a_banner_and_disabled_controls_on_every_page(
    user: User,
) -> None:
    from django.test import Client

    from accounts.services import user_suspend

    project = ProjectFactory(owner=user, title="Octopus hearts")
    staff = User.objects.create_superuser("boss", "boss@example.com", "boss password 1")
    user_suspend(user=user, actor=staff, reason="unpaid invoice")
    browser = Client()
    browser.force_login(user)

    for url in ("/", f"/projects/{project.pk}", "/runs", "/billing"):
        page = browser.get(url).content.decode()
        assert "Your account is suspended</strong>: unpaid invoice." in page, url
        assert "Your projects, videos and credits are all kept" in page, url
        assert '<fieldset class="suspended-lock" disabled>' in page, url
    dashboard = browser.get("/").content.decode()
    assert "Octopus hearts" in dashboard  # the work is still listed
    refused = browser.post("/", {"title": "New", "aspect_ratio": "16:9", "target_seconds": 60})
    assert refused.status_code == 302
    assert Project.objects.filter(owner=user).count() == 1


# --- render progress names its unit -------------------------------------------------------------


def test_render_progress_names_its_unit(api: APIClient, user: User) -> None:
    from django.test import Client

    from projects.models import RunStatus

    project = ProjectFactory(owner=user)
    run = Run.objects.create(
        owner=user, project=project, kind="render.final", progress_done=24, progress_total=66
    )
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    browser = Client()
    browser.force_login(user)

    progress = api.get(f"/api/runs/{run.pk}").json()["data"]["progress"]
    page = browser.get("/runs").content.decode()

    assert progress == {"done": 24, "total": 66, "unit": "s", "stage": None}
    assert "24 of 66 s" in page
