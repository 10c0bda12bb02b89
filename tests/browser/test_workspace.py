"""The creator's web app in a real browser: sign up, the dashboard, the project workspace driving
the API with the session cookie while a real worker runs the offline writer, and the runs page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from billing.services import credits_adjust
from projects.models import Chapter, Project, Run, RunStatus, Voiceover
from tests.browser.conftest import Browsing
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _sign_up(browsing: Browsing, username: str) -> None:
    page = browsing.page
    browsing.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill("correct horse battery 9")
    page.get_by_label("Password confirmation").fill("correct horse battery 9")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(browsing.url + "/")


def test_from_sign_up_to_an_outline_and_a_stale_voiceover(browsing: Browsing) -> None:
    page = browsing.page
    polled: list[str] = []
    page.on("request", lambda r: polled.append(r.url) if "/api/runs/" in r.url else None)

    # sign up: the dashboard shows the free credits
    _sign_up(browsing, "ada")
    expect(page.get_by_test_id("balance")).to_have_text("50 credits")
    expect(page).to_have_title("Projects · VidFlow")
    expect(page.locator("#credits-badge")).to_have_text("50 credits")

    # a new project opens its workspace
    new = page.get_by_role("region", name="New project")  # (quick mode has an idea box too)
    new.get_by_label("Title").fill("Voyager")
    new.get_by_label("Idea").fill("How two probes left the solar system")
    new.get_by_label("Length").select_option(label="30 seconds")
    new.get_by_role("button", name="Create project").click()
    project = Project.objects.get(owner__username="ada")
    expect(page).to_have_url(f"{browsing.url}/projects/{project.pk}")
    expect(page.get_by_role("heading", name="Voyager", level=1)).to_be_visible()

    # titles: suggest (from the keyboard), then use one
    browsing.wait_ready()
    page.get_by_role("button", name="Suggest titles").focus()
    page.keyboard.press("Enter")
    ideas = page.locator("#title-ideas li")
    expect(ideas).to_have_count(5)
    chosen = ideas.first.locator(".title-text").inner_text()
    ideas.first.get_by_role("button", name=re.compile("^Use this title")).click()
    expect(ideas.first).to_contain_text("✓ Selected")
    expect(page.locator("#selected-title")).to_have_text(chosen)
    expect(page.locator('#stepper [data-stage-mark="ideation"]')).to_have_text("✓ done")

    # the outline: a run on the worker, followed until it ends, then the chapters appear
    page.get_by_role("button", name="Generate outline").click()
    expect(page.locator('[data-runs="script"] .run')).to_have_text(
        "Outline done · 1 credit charged", timeout=60_000
    )
    chapters = page.locator("#chapters li.chapter")
    expect(chapters).to_have_count(2)
    titles = list(Chapter.objects.filter(project=project).values_list("title", flat=True))
    expect(chapters.locator("input[name=title]").first).to_have_value(titles[0])
    run = Run.objects.get(project=project, kind="script.outline")
    # the page followed the run by long-polling its status route
    assert any(urlsplit(url).path == f"/api/runs/{run.pk}" and "wait=" in url for url in polled)
    expect(page.locator("#credits-badge")).to_have_text("49 credits")
    expect(page.locator('#stepper [data-stage-mark="script"]')).to_have_text("current stage")

    assert browsing.unlabelled_controls() == []

    # a voiceover made from this script (as a voiceover run would leave it)
    Voiceover.objects.create(
        project=project, voice_id="piper:en_US-joe-medium", duration=30.0,
        words=[{"word": "Voyager", "start": 0.0, "end": 0.5}],
    )  # fmt: skip

    # edit the first chapter's narration: saved, and the voiceover is flagged to regenerate
    first = chapters.first
    first.get_by_label("Narration").fill("In 1977 two probes left Earth, and they never came back.")
    first.get_by_role("button", name="Save chapter").click()
    expect(first.locator(".feedback")).to_have_text("Chapter saved.")
    expect(first).to_contain_text("11 words")
    stale_note = page.locator('#voiceover [data-stale-flag="voiceover"]')
    expect(stale_note).to_be_visible()
    expect(stale_note).to_contain_text("The script changed since this voiceover was made.")
    expect(stale_note.get_by_role("button", name="Regenerate the voiceover")).to_be_visible()
    expect(page.locator("#voiceover-current")).to_contain_text("1 word · 0:30")
    expect(page.locator("#stale-summary")).to_contain_text("the voiceover")
    assert Voiceover.objects.get(project=project).stale is True
    assert Chapter.objects.filter(project=project, narration__startswith="In 1977").count() == 1


def test_a_refused_action_says_why_next_to_its_button(browsing: Browsing) -> None:
    """409 INVALID_TRANSITION and 402 INSUFFICIENT_CREDITS, in plain words where they were asked."""
    browsing.expected_statuses = {402, 409}
    user = UserFactory()
    project = ProjectFactory(owner=user, title="Voyager")
    browsing.log_in(user)
    browsing.goto(f"/projects/{project.pk}")
    page = browsing.page
    script = page.locator("#script")

    script.get_by_role("button", name="Generate hook").click()
    refusal = script.get_by_role("alert")
    expect(refusal).to_have_text("The script needs a selected title: pick one first.")

    Project.objects.filter(pk=project.pk).update(selected_title="Voyager, the long way")
    page.reload()
    script.get_by_role("button", name="Generate hook").click()
    expect(refusal).to_have_text("The hook needs an outline: generate the outline first.")
    assert not Run.objects.filter(project=project).exists()

    staff = UserFactory(is_staff=True)
    credits_adjust(user=user, amount=-50, reason="spent elsewhere", actor=staff)
    script.get_by_role("button", name="Generate outline").click()
    expect(refusal).to_have_text("Not enough credits: this needs 1, your balance is 0.")
    expect(page.locator("#credits-badge")).to_have_text("0 credits")


def test_runs_page_shows_a_run_and_cancels_it(browsing: Browsing) -> None:
    user = UserFactory()
    project = ProjectFactory(owner=user, title="Voyager")
    # Queued and never sent to a worker: it stays active until it is cancelled.
    run = Run.objects.create(owner=user, project=project, kind="script.outline")
    browsing.log_in(user)

    browsing.goto("/")
    browsing.page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").click()
    row = browsing.page.locator(f'tr[data-run-id="{run.pk}"]')
    expect(row).to_contain_text("Outline")
    expect(row).to_contain_text("Queued")
    browsing.wait_ready()
    row.get_by_role("button", name="Cancel").click()

    expect(row.locator('[data-field="status"]')).to_have_text("Cancelled")
    expect(row.get_by_role("button", name="Cancel")).to_have_count(0)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


def test_the_voice_picker_offers_the_channel_languages_voices(browsing: Browsing) -> None:
    """A Spanish channel's project offers Spanish voices, Kokoro's first, each with a sample;
    saving the channel as German offers eSpeak NG's German voices, marked robotic."""
    from vendors.offline.kokoro import kokoro_installed

    if not kokoro_installed():
        pytest.skip("the Kokoro assets are not installed (make install)")
    from tests.factories import ChannelFactory

    user = UserFactory()
    channel = ChannelFactory(owner=user, language="es")
    project = ProjectFactory(owner=user, channel=channel, selected_title="Ballenas")
    browsing.log_in(user)
    browsing.goto(f"/projects/{project.pk}")
    page = browsing.page

    picker = page.get_by_label("Voice", exact=True)
    expect(picker.locator("option").nth(1)).to_have_text("Dora · es · kokoro")
    expect(page.locator("#voice-language")).to_contain_text("the channel's language, es")
    picker.select_option("kokoro:ef_dora")
    expect(page.locator("#voice-sample")).to_have_attribute(
        "src", re.compile(r"/api/voices/kokoro:ef_dora/sample$")
    )
    page.locator("#voiceover").screenshot(path="/tmp/voice-picker-es.png")

    page.locator("#channel-form").get_by_label("Language").fill("de")
    page.get_by_role("button", name="Save channel setup").click()
    expect(picker.locator("option").nth(1)).to_contain_text("· espeak-ng · robotic")
    expect(page.locator("#voice-language")).to_contain_text("robotic")
    page.locator("#voiceover").screenshot(path="/tmp/voice-picker-de.png")
    assert browsing.unexpected_console_errors() == []
