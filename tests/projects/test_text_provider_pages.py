"""The web app says which text provider is writing, marks placeholder text, and links to how to
connect a language model (the README's own section)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

MARK = "placeholder text — connect a language model for real scripts"


@pytest.fixture
def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_workspace_says_the_offline_placeholder_is_writing_and_links_to_the_help(
    browser: Client, user: User
) -> None:
    project = ProjectFactory(owner=user)

    page = browser.get(f"/projects/{project.pk}").content.decode()

    assert "the offline placeholder" in page
    assert MARK in page
    assert 'href="/help/real-scripts"' in page
    assert "Facts to check" in page


def test_the_workspace_names_the_language_model_that_writes(
    browser: Client, user: User, settings: Any
) -> None:
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "text": "openai"}
    settings.OPENAI_MODEL = "qwen2.5:7b"
    project = ProjectFactory(owner=user)

    page = browser.get(f"/projects/{project.pk}").content.decode()

    assert "<strong>openai:qwen2.5:7b</strong>" in page
    assert MARK not in page.split('id="text-provider"', 1)[1].split("</p>", 1)[0]


def test_the_help_page_is_the_readmes_real_scripts_section(client: Client) -> None:
    page = client.get("/help/real-scripts")

    assert page.status_code == 200
    text = page.content.decode()
    assert "PROVIDER_TEXT=openai OPENAI_BASE_URL=http://127.0.0.1:8080/v1" in text
    assert "python -m vendors.local_llm" in text
    assert "Writing now:" in text
