"""Words: the facts to check, narration written from them, stale marks after a fact edit, who
wrote what, and the rules every text provider's output obeys — through the stages, against the
offline placeholder and the OpenAI-compatible provider (on the simulator) alike."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project, Run
from projects.pipeline.runner import execute_run
from projects.stages.writing import (
    checked_facts,
    checked_narration,
    checked_publish_copy,
    checked_shot_ideas,
    checked_titles,
    keeps_subject,
    subject_of,
)
from tests.factories import ProjectFactory
from vendors.base import Fact, PublishCopy, ShotIdea, ShotSegment, StoryContext, TitleSuggestion
from vendors.simulator import Simulator

pytestmark = pytest.mark.django_db

OCTOPUS = "Why octopuses have three hearts"


def _run(api: APIClient, url: str, body: dict[str, object] | None = None) -> Run:
    response = api.post(url, body or {}, format="json")
    assert response.status_code == 200, response.content
    run_id = response.json()["data"]["runId"]
    execute_run(run_id=run_id)
    return Run.objects.get(pk=run_id)


@pytest.fixture(params=["offline", "openai"])
def provider(request: pytest.FixtureRequest, sim: Simulator, settings: Any) -> str:
    """Each test of the rules runs with both text providers."""
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "text": request.param}
    return str(request.param)


def _writer(provider: str) -> str:
    return "offline" if provider == "offline" else "openai:gpt-4o-mini"


# --- the rules, one by one --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("idea", "subject"),
    [
        (OCTOPUS, "octopuses"),
        ("The lighthouse keeper who never left", "lighthouse keeper"),
        ("How the Voyager probes left the solar system", "Voyager probes"),
        ("Octopuses", "Octopuses"),
        ("", ""),
    ],
)
def test_the_subject_of_an_idea(idea: str, subject: str) -> None:
    assert subject_of(idea) == subject


def test_a_title_that_drops_the_subject_is_led_by_it() -> None:
    ctx = StoryContext(idea=OCTOPUS)
    titles = checked_titles(
        [
            TitleSuggestion("5 Things Nobody Tells You About Three Hearts"),
            TitleSuggestion("The Octopus and Its Three Hearts"),
            TitleSuggestion("x" * 60 + " " + "y" * 60),
        ],
        ctx,
    )

    assert titles[0].text == "Octopuses: 5 Things Nobody Tells You About Three Hearts"
    assert titles[1].text == "The Octopus and Its Three Hearts"  # singular counts
    assert all(len(t.text) <= 100 for t in titles)
    assert all(keeps_subject(t.text, "octopuses") for t in titles)


def test_a_figure_the_creator_did_not_give_is_marked_uncertain() -> None:
    ctx = StoryContext(idea="Why the Eiffel Tower grows in summer", title="Paris, 1889")
    facts = checked_facts(
        [
            Fact("Iron expands when it warms."),
            Fact("The tower grows by up to 15 cm on hot days."),
            Fact("It opened in 1889."),
            Fact("Iron expands when it warms."),
        ],
        ctx,
    )

    assert [(f.text, f.uncertain) for f in facts] == [
        ("Iron expands when it warms.", False),
        ("The tower grows by up to 15 cm on hot days.", True),
        ("It opened in 1889.", False),
    ]


def test_narration_past_its_budget_is_cut_at_a_sentence_end() -> None:
    text = " ".join(["One two three four five six seven eight nine ten."] * 10)

    clipped = checked_narration(text, 40)

    assert len(clipped.split()) <= 52
    assert clipped.endswith(".")
    assert checked_narration("Short and sweet.", 40) == "Short and sweet."


def test_crossfades_fall_at_chapter_starts_and_expensive_shots_stay_within_a_third() -> None:
    segments = tuple(
        ShotSegment(index=i, text=f"line {i}", start=i * 5.0, end=i * 5.0 + 5, chapter_index=i // 3)
        for i in range(9)
    )
    ideas = [ShotIdea(kind="video", prompt=f"p{i}", transition="crossfade") for i in range(8)]

    shots = checked_shot_ideas(ideas, segments)

    assert len(shots) == 9  # a missing idea becomes a still of its line
    assert shots[8].prompt == "line 8"
    starts = [i for i, s in enumerate(shots) if s.transition == "crossfade"]
    assert starts == [3, 6]
    assert [s.kind for s in shots].count("video") == 3
    assert [s.kind for s in shots][:3] == ["video"] * 3


def test_publish_copy_is_held_to_youtubes_limits() -> None:
    copy = checked_publish_copy(
        PublishCopy(
            description="<b>Bold</b>\n" + "word " * 1100 + "\nend",
            tags=(*(f"tag number {i} " + "long" * 10 for i in range(40)), "Tag number 0"),
        )
    )

    assert len(copy.description) <= 5000
    assert "<" not in copy.description
    assert len(copy.tags) <= 15
    assert all(len(t) <= 30 for t in copy.tags)
    assert sum(len(t) + 2 * (" " in t) for t in copy.tags) + len(copy.tags) - 1 <= 500


# --- through the stages, with both providers ------------------------------------------------


def _project(user: User, **fields: Any) -> Project:
    defaults = {"idea": OCTOPUS, "selected_title": "Three Hearts", "target_seconds": 60}
    return ProjectFactory(owner=user, **{**defaults, **fields})


def test_title_ideas_keep_the_subject_and_say_who_wrote_them(
    api: APIClient, user: User, provider: str
) -> None:
    project = _project(user)

    response = api.post(f"/api/projects/{project.pk}/titles", {"count": 3}, format="json")

    assert response.status_code == 201, response.content
    titles = response.json()["data"]["results"]
    assert titles
    assert all(keeps_subject(t["text"], "octopuses") for t in titles)
    assert all(len(t["text"]) <= 100 for t in titles)
    assert {t["writtenBy"] for t in titles} == {_writer(provider)}


def test_the_outline_run_writes_the_facts_first_and_keeps_them_with_the_outline(
    api: APIClient, user: User, provider: str, sim: Simulator
) -> None:
    project = _project(user)
    base = f"/api/projects/{project.pk}/script"

    assert _run(api, f"{base}/outline").status == "succeeded"

    facts = api.get(f"{base}/facts").json()["data"]
    chapters = api.get(f"{base}/chapters").json()["data"]["results"]
    assert facts["writtenBy"] == _writer(provider)
    assert {c["outlineBy"] for c in chapters} == {_writer(provider)}
    if provider == "openai":
        names = [r.json()["response_format"]["json_schema"]["name"] for r in sim.requests("openai")]
        assert names == ["facts", "outline"]  # the facts first
        assert facts["facts"]
        assert all(set(f) == {"text", "uncertain"} for f in facts["facts"])
    else:
        assert facts["facts"] == []  # the placeholder knows none


def test_narration_is_written_from_the_edited_facts_and_an_edit_marks_it_stale(
    api: APIClient, user: User, provider: str, sim: Simulator
) -> None:
    project = _project(user)
    base = f"/api/projects/{project.pk}/script"
    _run(api, f"{base}/outline")
    _run(api, f"{base}/hook")
    _run(api, f"{base}/chapters")
    mine = [
        {"text": "An octopus has three hearts.", "uncertain": False},
        {"text": "The main heart stops while it swims.", "uncertain": True},
    ]

    edited = api.patch(f"{base}/facts", {"facts": mine}, format="json")

    assert edited.status_code == 200, edited.content
    assert edited.json()["data"] == {"facts": mine, "writtenBy": "user"}
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    chapter_ids = [c["id"] for c in api.get(f"{base}/chapters").json()["data"]["results"]]
    assert payload["stale"]["chapters"] == chapter_ids  # every narrated chapter
    assert payload["stale"]["hook"] is True
    assert payload["counts"]["facts"] == 2
    again = api.patch(f"{base}/facts", {"facts": mine}, format="json")
    assert again.status_code == 200  # the same list: nothing changes

    sim.reset()
    _run(api, f"{base}/chapters")

    chapters = api.get(f"{base}/chapters").json()["data"]["results"]
    assert not any(c["narrationStale"] for c in chapters)
    assert {c["narrationBy"] for c in chapters} == {_writer(provider)}
    if provider == "openai":
        for sent in sim.requests("openai"):
            task = sent.json()["messages"][1]["content"]
            assert "- An octopus has three hearts." in task
            assert "- The main heart stops while it swims. (uncertain)" in task
    else:
        script = " ".join(c["narration"] for c in chapters)
        assert "An octopus has three hearts." in script
        assert "It is thought that the main heart stops while it swims." in script


def test_a_new_outline_keeps_the_facts_the_creator_wrote(
    api: APIClient, user: User, provider: str
) -> None:
    project = _project(user)
    base = f"/api/projects/{project.pk}/script"
    mine = [{"text": "An octopus has blue blood.", "uncertain": False}]
    api.patch(f"{base}/facts", {"facts": mine}, format="json")

    _run(api, f"{base}/outline")

    assert api.get(f"{base}/facts").json()["data"] == {"facts": mine, "writtenBy": "user"}


@pytest.mark.parametrize(
    "body",
    [
        # ({} is a PATCH that changes nothing: 200, tests/vidflow/test_contract.py)
        {"facts": "An octopus has three hearts."},
        {"facts": [{"text": ""}]},
        {"facts": [{"text": "x" * 301}]},
        {"facts": [{"text": "ok", "source": "me"}]},
        {"facts": [{"text": "ok"}] * 21},
    ],
)
def test_a_bad_fact_list_is_refused_and_changes_nothing(
    api: APIClient, user: User, body: dict[str, Any]
) -> None:
    project = _project(user)

    response = api.patch(f"/api/projects/{project.pk}/script/facts", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert api.get(f"/api/projects/{project.pk}/script/facts").json()["data"]["facts"] == []


def test_the_payload_names_the_text_provider_and_what_is_placeholder_text(
    api: APIClient, user: User, provider: str
) -> None:
    project = _project(user)
    base = f"/api/projects/{project.pk}/script"
    _run(api, f"{base}/outline")
    _run(api, f"{base}/hook")
    api.patch(f"{base}/hook", {"hook": "Three hearts, one octopus: why?"}, format="json")

    payload = api.get(f"/api/projects/{project.pk}").json()["data"]

    assert payload["textProvider"]["name"] == provider
    assert payload["textProvider"]["placeholder"] is (provider == "offline")
    assert payload["textProvider"]["writer"] == _writer(provider)
    # The edited hook is the creator's; the outline is the writer's.
    assert payload["placeholderText"] == (["outline"] if provider == "offline" else [])
    hook = api.get(f"{base}/hook").json()["data"]
    assert hook["writtenBy"] == "user"


def test_publish_suggestions_obey_the_limits_and_say_who_wrote_them(
    api: APIClient, user: User, provider: str
) -> None:
    project = _project(user, idea="word " * 300)

    response = api.post(f"/api/projects/{project.pk}/publish-suggest", {}, format="json")

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert len(data["description"]) <= 5000
    assert all(len(t) <= 30 for t in data["tags"])
    assert data["writtenBy"] == _writer(provider)


def test_a_server_that_refuses_json_schema_still_writes_the_script(
    api: APIClient, user: User, sim: Simulator, settings: Any
) -> None:
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "text": "openai"}
    sim.behave("openai", formats=["json_object", "text"])  # llama-cpp-python's server
    project = _project(user)

    run = _run(api, f"/api/projects/{project.pk}/script/outline")

    assert run.status == "succeeded", run.error
    kinds = [r.json().get("response_format", {}).get("type") for r in sim.requests("openai")]
    assert kinds == ["json_schema", "json_object", "json_object"]


def test_a_fact_patch_without_the_field_changes_nothing(api: APIClient, user: User) -> None:
    project = _project(user)
    url = f"/api/projects/{project.pk}/script/facts"
    mine = [{"text": "An octopus has three hearts."}]
    assert api.patch(url, {"facts": mine}, format="json").status_code == 200

    response = api.patch(url, {}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["facts"] == api.get(url).json()["data"]["facts"]
    assert [f["text"] for f in api.get(url).json()["data"]["facts"]] == [mine[0]["text"]]
