"""The visual bible drawn by an image vendor (KIE through the simulator): each entry's picture is
a vendor job; its callback lands the variation and settles the run, with the credits that
follow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from projects.models import BibleEntry, Run, Variation
from projects.pipeline.jobs import job_continue
from projects.pipeline.models import JobStatus, VendorJob
from vendors.simulator import Simulator

from .bible_helpers import (
    SCRIPT_CREDITS,
    bible,
    narrated_project,
    open_image,
    perform,
    post_run,
    result_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kie(sim: Simulator, settings: Any) -> Simulator:
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "image": "kie"}
    return sim


def _callbacks_arrive(
    run: Run,
    kie: Simulator,
    deliver: Callable[..., Any],
    total: int,
) -> None:
    """The vendor calls back for each job (``total``: callbacks sent since the test began); the
    pipeline continues each job, as the task the callback enqueues would."""
    for delivery in kie.wait_for_callbacks(total):
        assert deliver(delivery).status_code == 200
    for job in VendorJob.objects.filter(run=run).order_by("created_at"):
        job_continue(job_id=job.pk)


def test_each_entry_is_a_vendor_job_and_lands_from_its_callback(
    api: APIClient,
    user: User,
    kie: Simulator,
    deliver: Callable[..., Any],
) -> None:
    project = narrated_project(api, user)

    run = perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate"))

    assert run.status == "running"  # waiting on the vendor
    jobs = VendorJob.objects.filter(run=run)
    assert (
        sorted(jobs.values_list("purpose", "status"))
        == [("variation.image", JobStatus.PENDING)] * 2
    )
    assert len(kie.requests("kie", "/api/v1/jobs/createTask")) == 2
    assert not Variation.objects.exists()

    _callbacks_arrive(run, kie, deliver, 2)

    run.refresh_from_db()
    assert (run.status, run.credits_charged, run.credits_refunded) == ("succeeded", 7, 5)
    entries = bible(api, project)
    assert [e["name"] for e in entries["characters"]] == ["Mara Quinn"]
    assert [e["name"] for e in entries["locations"]] == ["Stormy island"]
    for entry in entries["characters"] + entries["locations"]:
        (variation,) = entry["variations"]
        assert entry["selectedVariationId"] == variation["id"]
        picture = open_image(api, variation["imageUrl"])
        assert picture.width > picture.height  # the vendor drew it landscape, like the project
    assert CreditAccount.objects.get(user=user).balance == 50 - SCRIPT_CREDITS - 2


def test_a_redelivered_task_submits_nothing_twice(
    api: APIClient,
    user: User,
    kie: Simulator,
    deliver: Callable[..., Any],
) -> None:
    project = narrated_project(api, user)
    run = perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate"))

    perform(run)  # the worker died after submitting; the task is delivered again

    assert len(kie.requests("kie", "/api/v1/jobs/createTask")) == 2
    assert BibleEntry.objects.filter(project=project).count() == 2
    _callbacks_arrive(run, kie, deliver, 2)
    assert Variation.objects.count() == 2
    job_continue(job_id=VendorJob.objects.filter(run=run).first().pk)  # a duplicate outcome
    assert Variation.objects.count() == 2
    run.refresh_from_db()
    assert (run.status, run.credits_refunded) == ("succeeded", 5)


def test_a_failed_drawing_refunds_its_slot_and_keeps_the_others(
    api: APIClient,
    user: User,
    kie: Simulator,
    deliver: Callable[..., Any],
) -> None:
    project = narrated_project(api, user)
    kie.behave("kie", next_only=True, outcome="fail", error="content policy")
    run = perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate"))

    _callbacks_arrive(run, kie, deliver, 2)

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == {
        "code": "VENDOR_ERROR",
        "message": "1 of 2 drawings failed; their credit is refunded.",
    }
    assert (run.credits_charged, run.credits_refunded) == (7, 6)
    kept = LedgerEntry.objects.filter(
        reference=run.pk, kind=EntryKind.CHARGE, reversed_by__isnull=True
    )
    assert list(kept.values_list("part", flat=True)) == ["location:1"]
    entries = bible(api, project)
    assert entries["characters"][0]["variations"] == []  # Mara can be drawn again
    assert entries["locations"][0]["selectedVariationId"] is not None
    assert "content policy" in next(iter(result_of(run)["failed"].values()))


def test_a_single_variation_from_the_vendor_is_not_selected_over_the_reference(
    api: APIClient,
    user: User,
    kie: Simulator,
    deliver: Callable[..., Any],
) -> None:
    project = narrated_project(api, user)
    bible_run = perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate"))
    _callbacks_arrive(bible_run, kie, deliver, 2)
    mara = BibleEntry.objects.get(project=project, name="Mara Quinn")
    reference = mara.selected_variation_id
    url = f"/api/projects/{project.pk}/visual-bible/characters/{mara.pk}/variations/generate"

    run = perform(post_run(api, url))
    _callbacks_arrive(run, kie, deliver, 3)

    run.refresh_from_db()
    assert (run.status, run.credits_charged, run.credits_refunded) == ("succeeded", 1, 0)
    mara.refresh_from_db()
    assert mara.variations.count() == 2
    assert mara.selected_variation_id == reference
    assert result_of(run)["entries"][0]["variationId"] != str(reference)
