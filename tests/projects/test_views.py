"""The web app's pages: who may see them and what the server puts in them (the workspace's
behaviour in a browser is tests/browser/)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client

from accounts.models import User
from projects.models import Project, Run, RunKind, RunStatus, Script
from projects.pipeline import RUN_KINDS
from tests.factories import ChapterFactory, ProjectFactory

pytestmark = pytest.mark.django_db

STAGE_HEADINGS = [
    "1. Ideation",
    "2. Script",
    "3. Visual bible",
    "4. Voiceover",
    "5. Production",
    "Render and thumbnail",
    "6. Publish",
]


@pytest.fixture
def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response: object) -> str:
    return response.content.decode()


# A fixed id: parallel workers must collect the same test names (pytest-xdist).
@pytest.mark.parametrize("path", ["/", "/projects/6f1c2a3e-8d4b-4f7a-9c1e-2b3d4e5f6a7b", "/runs"])
def test_pages_need_a_login(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_dashboard_shows_the_balance_the_projects_and_the_new_project_form(
    browser: Client, user: User
) -> None:
    ProjectFactory(owner=user, title="Voyager")
    ProjectFactory(title="Someone else's")

    html = _html(browser.get("/"))

    assert "50 credits" in html
    assert "Voyager" in html
    assert "Someone else&#x27;s" not in html
    for label in ("Title", "Idea", "Aspect ratio", "Length"):
        assert f">{label}</label>" in html


def test_the_new_project_form_creates_the_project_and_opens_it(browser: Client, user: User) -> None:
    response = browser.post(
        "/",
        {"title": "Voyager", "idea": "Two probes", "aspect_ratio": "9:16", "target_seconds": "120"},
    )

    project = Project.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}"
    assert (project.title, project.aspect_ratio, project.target_seconds) == ("Voyager", "9:16", 120)


def test_the_new_project_form_refuses_a_length_it_does_not_offer(browser: Client) -> None:
    response = browser.post(
        "/", {"title": "Voyager", "aspect_ratio": "16:9", "target_seconds": "7"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in _html(response)
    assert not Project.objects.exists()


def test_project_page_renders_every_stage_for_its_owner(browser: Client, user: User) -> None:
    project = ProjectFactory(owner=user, title="Voyager", selected_title="Voyager, the long way")
    ChapterFactory(project=project, position=0)
    Script.objects.create(project=project, hook="What if?")

    response = browser.get(f"/projects/{project.pk}")

    html = _html(response)
    assert response.status_code == 200
    assert f'data-project-id="{project.pk}"' in html
    positions = [html.index(f">{heading}</h2>") for heading in STAGE_HEADINGS]
    assert positions == sorted(positions)
    assert "Voyager, the long way" in html
    assert "What if?" in html  # the hook, ready to edit
    # what exists completes a stage; the project stays in ideation until a script run starts
    assert '<li data-stage="ideation" class="done current" aria-current="step">' in html
    assert '<li data-stage="script" class="done">' in html  # narrated, with a hook
    assert '<li data-stage="voiceover" class="">' in html


def test_project_page_is_404_for_another_users_project(browser: Client, other_user: User) -> None:
    project = ProjectFactory(owner=other_user, title="Not yours")

    response = browser.get(f"/projects/{project.pk}")

    assert response.status_code == 404
    assert "Not yours" not in _html(response)


def test_project_page_is_404_for_a_project_that_does_not_exist(browser: Client) -> None:
    assert browser.get(f"/projects/{uuid.uuid4()}").status_code == 404


def test_pages_load_scripts_only_from_static_files_and_have_no_inline_handlers(
    browser: Client, user: User
) -> None:
    """Content-Security-Policy friendly: no inline script (a json_script data block is data, never
    run), no on* attributes; the workspace and the runs page load ES modules."""
    project = ProjectFactory(owner=user)
    for path in ("/", f"/projects/{project.pk}", "/runs"):
        html = _html(browser.get(path))
        scripts = re.findall(r"<script[^>]*>", html)
        modules = [s for s in scripts if re.search(r'type="module" src="/static/vidflow/', s)]
        data = [s for s in scripts if 'type="application/json"' in s]
        assert sorted(modules + data) == sorted(scripts), path
        assert all(re.search(r'src="/static/vidflow/[\w/.-]+\.js"', tag) for tag in modules), path
        if path != "/":  # the dashboard needs no script
            assert modules, path
        assert re.search(r"\son[a-z]+=", html) is None, path


def test_project_page_hands_the_run_kinds_and_their_labels_to_its_scripts(
    browser: Client, user: User
) -> None:
    project = ProjectFactory(owner=user)
    html = _html(browser.get(f"/projects/{project.pk}"))

    block = re.search(r'<script id="run-kinds" type="application/json">(.*?)</script>', html)

    assert block is not None
    kinds = json.loads(block.group(1))
    assert kinds["script.outline"] == "Outline"
    assert kinds["publish.youtube"] == "YouTube upload"
    assert set(kinds) == set(RunKind.values)


def test_every_run_kind_the_pipeline_runs_has_a_name_on_the_pages() -> None:
    """The registered handlers and RunKind are one vocabulary: neither has a kind the other
    lacks."""
    assert set(RUN_KINDS) == set(RunKind.values)


def test_pages_refuse_scripts_from_anywhere_but_our_static_files(
    browser: Client, user: User
) -> None:
    project = ProjectFactory(owner=user)
    for path in ("/", f"/projects/{project.pk}", "/runs"):
        policy = browser.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "object-src 'none'" in policy


def test_the_navigation_links_every_page(browser: Client) -> None:
    html = _html(browser.get("/runs"))

    assert 'href="/"' in html
    assert 'href="/runs" aria-current="page"' in html
    assert 'href="/connected-apps"' in html


def test_runs_page_lists_the_users_runs_with_credits_and_a_cancel_for_active_ones(
    browser: Client, user: User, other_user: User
) -> None:
    project = ProjectFactory(owner=user, title="Voyager")
    Run.objects.create(owner=user, project=project, kind="script.outline", credits_charged=1)
    done = Run.objects.create(
        owner=user, project=project, kind="visual_bible.generate", credits_charged=7
    )
    Run.objects.filter(pk=done.pk).update(status=RunStatus.SUCCEEDED, credits_refunded=6)
    Run.objects.create(owner=other_user, kind="script.hook")

    html = _html(browser.get("/runs"))

    assert "Outline" in html
    assert "Visual bible" in html
    assert "Hook" not in html
    assert "7 charged, 6 refunded" in html
    assert html.count("data-cancel") == 1  # only the queued run can be cancelled
    assert 'href="/projects/' in html
