"""The shot cards in a browser: what a picture shows, choosing its subjects with the icon
search, and the creator's own picture through the file picker (and back)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from projects.models import Shot, ShotState, Stage
from tests.browser.conftest import Browsing
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_creator_sees_the_subjects_swaps_them_and_uploads_a_picture(
    browsing: Browsing, tmp_path: Path
) -> None:
    user = UserFactory()
    project = ProjectFactory(owner=user, title="Hearts", status=Stage.PRODUCTION)
    shot = Shot.objects.create(
        project=project,
        position=0,
        start=0,
        end=3,
        prompt="an octopus in the sea",
        subjects=[{"icon": "octopus", "label": "Octopus"}],
    )
    Shot.objects.filter(pk=shot.pk).update(state=ShotState.READY)
    picture = tmp_path / "pier.png"
    Image.new("RGB", (320, 200), (230, 40, 40)).save(picture)
    browsing.log_in(user)
    browsing.goto(f"/projects/{project.pk}")
    page = browsing.page
    card = page.locator(f'[data-shot-id="{shot.pk}"]')

    expect(card.get_by_text("Shows: Octopus.")).to_be_visible()
    card.get_by_label("Find an icon to draw in shot 1").fill("whale")
    card.get_by_role("button", name="Find icons for shot 1").click()
    card.get_by_role("button", name="Draw whale", exact=True).click()
    expect(card.get_by_text("Next time: whale (your choice).")).to_be_visible()
    assert Shot.objects.get(pk=shot.pk).chosen_subjects == ["whale"]
    page.screenshot(path=str(tmp_path / "shot-card-subjects.png"), full_page=False)

    card.get_by_label("Use my own picture or clip").set_input_files(str(picture))
    expect(card.get_by_text("Your upload.")).to_be_visible()
    expect(card.get_by_role("button", name="Remove the upload of shot 1")).to_be_visible()
    assert Shot.objects.get(pk=shot.pk).source == "upload"
    assert browsing.unlabelled_controls() == []
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "shot-card-upload.png"))

    card.get_by_role("button", name="Remove the upload of shot 1").click()
    expect(card.get_by_label("Use my own picture or clip")).to_be_visible()
    assert Shot.objects.get(pk=shot.pk).source == "generated"
