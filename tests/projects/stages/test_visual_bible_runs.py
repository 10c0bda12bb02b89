"""Visual bible runs that end before anything is drawn: every credit held for them comes back."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount
from projects.models import BibleEntry, BibleKind, Variation
from tests.factories import ProjectFactory
from vendors.simulator import Simulator

from .bible_helpers import SCRIPT_CREDITS, narrated_project, perform, post_run

pytestmark = pytest.mark.django_db


def test_a_cancelled_bible_run_creates_nothing_and_is_refunded(api: APIClient, user: User) -> None:
    project = narrated_project(api, user)
    run = post_run(api, f"/api/projects/{project.pk}/visual-bible/generate")
    api.post(f"/api/runs/{run.pk}/cancel")

    run = perform(run)

    assert (run.status, run.credits_charged, run.credits_refunded) == ("cancelled", 7, 7)
    assert not BibleEntry.objects.exists()
    assert CreditAccount.objects.get(user=user).balance == 50 - SCRIPT_CREDITS


def test_when_the_writer_fails_the_whole_bound_is_refunded(
    api: APIClient,
    user: User,
    sim: Simulator,
    settings: Any,
) -> None:
    project = narrated_project(api, user)  # written offline
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "text": "openai"}
    sim.behave("openai", outcome="truncated")

    run = perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate"))

    assert run.status == "failed"
    assert run.error is not None
    assert run.error["code"] == "VENDOR_ERROR"
    assert "cut off" in run.error["message"]
    assert (run.credits_charged, run.credits_refunded) == (7, 7)
    assert not BibleEntry.objects.exists()
    assert CreditAccount.objects.get(user=user).balance == 50 - SCRIPT_CREDITS


def test_an_entry_deleted_before_its_variation_is_drawn_is_refunded(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user)
    jpl = BibleEntry.objects.create(project=project, kind=BibleKind.LOCATION, name="JPL")
    url = f"/api/projects/{project.pk}/visual-bible/locations/{jpl.pk}"
    run = post_run(api, f"{url}/variations/generate")
    api.delete(url)

    run = perform(run)

    assert run.status == "failed"
    assert run.error == {
        "code": "NOT_FOUND",
        "message": "Nothing was drawn: the entries were deleted meanwhile. Refunded.",
    }
    assert (run.credits_charged, run.credits_refunded) == (1, 1)
    assert not Variation.objects.exists()
    assert CreditAccount.objects.get(user=user).balance == 50


def test_without_an_image_provider_the_run_fails_unavailable_and_refunds_every_slot(
    api: APIClient, user: User, settings: Any
) -> None:
    project = narrated_project(api, user)
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "image": "none-configured"}

    run = perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate"))

    assert run.status == "failed"
    assert run.error is not None
    assert run.error["code"] == "PROVIDER_UNAVAILABLE"
    assert (run.credits_charged, run.credits_refunded) == (7, 7)
    # What the writer found stays, ready to be drawn once an image provider is set up.
    assert sorted(BibleEntry.objects.values_list("name", flat=True)) == [
        "Mara Quinn",
        "Stormy island",
    ]
    assert not Variation.objects.exists()
