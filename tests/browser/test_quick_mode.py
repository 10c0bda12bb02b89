"""Quick mode in a real browser: the dashboard's idea box shows its price, makes the video on the
server while the page follows it stage by stage, and lands in the studio with the video playing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from projects.models import Project, Run, RunKind
from tests.browser.conftest import Browsing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_idea_becomes_a_playing_video_in_the_studio(browsing: Browsing, user: User) -> None:
    page = browsing.page
    browsing.log_in(user)
    browsing.goto("/")

    make = page.get_by_role("button", name=re.compile(r"^Make the video · .*\d+ cr$"))
    expect(make).to_be_visible()
    page.locator("#quick-idea").fill("Why octopuses have three hearts")
    page.locator("#quick-length").select_option("15")  # the shortest: least work
    make.click()

    expect(page.locator("#quick-stages li.current")).to_be_visible(timeout=60_000)
    project = Project.objects.get(owner=user)
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}\?play=1$"), timeout=600_000)
    video = page.get_by_label("The rendered video")
    expect(video).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('#render-current video');"
        " return v && !v.paused && v.currentTime > 0; }",
        timeout=30_000,
    )
    assert Run.objects.get(owner=user, kind=RunKind.PROJECT_MAKE).status == "succeeded"
    assert browsing.unexpected_console_errors() == []
    assert browsing.page_errors == []
