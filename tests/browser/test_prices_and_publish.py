"""Issue 14 in the browser: prices on the billable buttons and the quote line; the voiceover's
players labelled; the publish copy edited, suggested and saved, with the chapters explained."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from projects.models import Chapter, Render, Voiceover
from projects.quote import project_quote
from tests.browser.conftest import Browsing
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_billable_buttons_show_their_price_and_the_quote_line_the_way_to_final_mp4(
    browsing: Browsing,
) -> None:
    user = UserFactory()
    project = ProjectFactory(owner=user, title="Octopus hearts", selected_title="Octopus hearts")
    quote = project_quote(project=project)
    shots = sum(s["credits"] for s in quote["steps"] if s["step"] == "shots")
    browsing.log_in(user)
    browsing.goto(f"/projects/{project.pk}")
    page = browsing.page

    expect(page.locator("#generate-outline")).to_have_attribute("data-cost", "1 cr")
    expect(page.locator("#generate-narration")).to_have_attribute("data-cost", "2 cr")
    expect(page.locator("#render-video")).to_have_attribute("data-cost", "3 cr")
    expect(page.locator("#generate-all-shots")).to_have_attribute("data-cost", f"{shots} cr")
    line = page.locator("#quote-line")
    expect(line).to_contain_text(
        f"From here to a finished final.mp4 costs about {quote['total']} credits"
    )
    expect(line).to_contain_text("your balance (50) covers it")
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#generate-outline'), '::after').content"
    )
    assert label == '" · 1 cr"'


def _rendered(user: object) -> object:
    project = ProjectFactory(owner=user, title="Octopus hearts", selected_title="Octopus hearts")
    chapters = [
        Chapter.objects.create(project=project, position=n, title=f"Part {n + 1}", narration="x")
        for n in range(2)
    ]
    spans = [
        {"chapterId": "hook", "start": 0, "end": 5},
        {"chapterId": str(chapters[0].pk), "start": 5, "end": 15},
        {"chapterId": str(chapters[1].pk), "start": 15, "end": 25},
    ]
    voiceover = Voiceover.objects.create(
        project=project, voice_id="", duration=25.0, chapter_spans=spans,
        words=[{"word": "x", "start": 0, "end": 1}],
    )  # fmt: skip
    voiceover.audio.save("v.wav", ContentFile(b"RIFF"), save=True)
    render = Render.objects.create(
        project=project, duration=25.0, width=1280, height=720,
        publish_copy={"description": "A draft.", "tags": ["sea"]},
    )  # fmt: skip
    render.video.save("a.mp4", ContentFile(b"not a film"), save=True)
    return project


def test_the_publish_copy_is_edited_suggested_and_saved(browsing: Browsing) -> None:
    user = UserFactory()
    project = _rendered(user)
    browsing.log_in(user)
    browsing.goto(f"/projects/{project.pk}")
    page = browsing.page
    publish = page.locator("#publish")

    title = publish.get_by_label("Title (at most 100 characters)")
    expect(title).to_have_value("Octopus hearts")
    expect(publish.locator("#chapters-note")).to_contain_text(
        "No chapters: YouTube shows chapters only when there are at least 3"
    )
    publish.get_by_role("button", name="Suggest a description and tags").click()
    expect(
        publish.get_by_label("Tags, separated by commas (500 characters in all)")
    ).not_to_have_value("sea")
    title.fill("Three hearts and blue blood")
    publish.get_by_role("button", name="Save title, description and tags").click()
    expect(publish.get_by_text("Saved: Three hearts and blue blood.")).to_be_visible()

    copy = Render.objects.get(project=project).publish_copy
    assert copy["title"] == "Three hearts and blue blood"
    assert copy["edited"] is True
    assert copy["tags"] != ["sea"]
    # The stale banner says what the update costs.
    Render.objects.filter(project=project).update(stale=True)
    page.reload()
    quote = project_quote(project=project)
    expect(page.locator("#stale-summary")).to_contain_text(
        f"Updating costs about {quote['total']} credits."
    )
    # Every control and player on the page has a name a screen reader can read.
    narration = page.locator("#voiceover-player-label")
    expect(narration).to_have_text("Narration: the hook and every chapter, 0:25, the default voice")
    assert browsing.unlabelled_controls() == []
