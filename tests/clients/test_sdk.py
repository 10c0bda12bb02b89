"""The SDK against the live server: the envelope mapped to typed models and errors, 429 retried
after Retry-After, a POST retried after a lost answer charged once, and the run long poll."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import time_machine
from django.conf import settings as django_settings
from vidflow_client import (
    InvalidTransition,
    NotFound,
    NotSignedIn,
    ProjectDetail,
    RateLimited,
    Run,
    RunFailed,
    ValidationError,
    VidflowClient,
)

from tests.workers import Worker

pytestmark = pytest.mark.django_db(transaction=True)
PRICES = django_settings.CREDIT_PRICES


def _titled_project(vf: VidflowClient) -> ProjectDetail:
    project = vf.create_project("Voyager", idea="How the Voyager probes left the solar system")
    vf.update_project(project.id, selected_title="Voyager: the long way out")
    return project


def test_projects_round_trip_as_typed_models(vf: VidflowClient) -> None:
    created = vf.create_project(
        "Voyager", idea="How two probes left the solar system", target_seconds=45
    )

    fetched = vf.get_project(created.id)
    listed = vf.list_projects().results

    assert isinstance(fetched, ProjectDetail)
    assert fetched.id == created.id
    assert fetched.target_seconds == 45
    assert fetched.status == "ideation"
    assert fetched.video_url is None
    assert fetched.counts.shots.total == 0
    assert fetched.created_at is not None
    assert [p.id for p in listed] == [created.id]
    assert fetched.raw["targetSeconds"] == 45
    renamed = vf.update_project(created.id, title="Voyager 2", aspect_ratio="9:16")
    assert renamed.title == "Voyager 2"
    assert renamed.aspect_ratio == "9:16"


def test_a_missing_project_is_not_found_with_the_api_code(vf: VidflowClient) -> None:
    with pytest.raises(NotFound) as missing:
        vf.get_project(str(uuid.uuid4()))

    assert missing.value.code == "NOT_FOUND"
    assert missing.value.status == 404
    assert missing.value.message


def test_invalid_input_is_a_validation_error_with_field_details(vf: VidflowClient) -> None:
    with pytest.raises(ValidationError) as invalid:
        vf.create_project("", target_seconds=5)

    assert invalid.value.code == "VALIDATION_ERROR"
    assert invalid.value.status == 400
    assert set(invalid.value.details) >= {"title", "targetSeconds"}
    assert "title" in str(invalid.value)


def test_a_stage_out_of_order_is_an_invalid_transition(vf: VidflowClient, idle_queue: str) -> None:
    project = vf.create_project("No script written yet", idea="Tides")

    with pytest.raises(InvalidTransition) as refused:
        vf.plan_shots(project.id)  # planning needs a voiceover, which needs a script

    assert refused.value.status == 409
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.message


def test_without_credentials_the_error_says_how_to_sign_in(server: str) -> None:
    with VidflowClient(server) as anonymous, pytest.raises(NotSignedIn) as refused:
        anonymous.list_projects()

    assert refused.value.status == 401
    assert "vidflow login" in refused.value.message


def test_rate_limited_requests_are_retried_after_retry_after(
    server: str, token: str, settings: Any
) -> None:
    settings.VIDFLOW_RATE_TIERS = {**settings.VIDFLOW_RATE_TIERS, "oauth_bearer": "2/m"}
    with time_machine.travel(time.time(), tick=False) as clock:
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            clock.shift(seconds)

        with VidflowClient(server, token=token, sleep=sleep) as vf:
            vf.list_projects()
            vf.list_projects()
            third = vf.list_projects()  # over the limit: waits Retry-After, then goes through

        assert third.results == []
        assert len(waits) == 1
        assert 0 < waits[0] <= 60

        with VidflowClient(server, token=token, max_rate_limit_retries=0) as impatient:
            impatient.list_projects()
            with pytest.raises(RateLimited) as limited:
                impatient.list_projects()
        assert limited.value.code == "RATE_LIMITED"
        assert limited.value.retry_after is not None
        assert limited.value.retry_after > 0


class LoseFirstAnswer(httpx.BaseTransport):
    """The request reaches the server, but its answer is lost on the way back, once."""

    def __init__(self, path_end: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.path_end = path_end
        self.keys: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith(self.path_end):
            self.keys.append(request.headers.get("Idempotency-Key"))
            if len(self.keys) == 1:
                response.read()
                response.close()
                raise httpx.ReadError("connection reset by peer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_generation_retried_after_a_lost_answer_is_charged_once(
    server: str, token: str, idle_queue: str
) -> None:
    transport = LoseFirstAnswer("/script/outline")
    with VidflowClient(server, token=token, transport=transport, sleep=lambda _: None) as vf:
        project = _titled_project(vf)

        accepted = vf.generate_outline(project.id)

        assert len(transport.keys) == 2
        assert transport.keys[0]
        assert transport.keys[0] == transport.keys[1]
        runs = vf.list_runs(project_id=project.id).results
        assert [r.id for r in runs] == [accepted.run_id]
        assert vf.balance().balance == 50 - PRICES["script.outline"]
        # A new logical call gets a new key: it is a second outline, not a replay.
        vf.cancel_run(accepted.run_id)
        second = vf.generate_outline(project.id, replace=True)
        assert second.run_id != accepted.run_id
        assert transport.keys[2] != transport.keys[0]


def test_wait_for_run_returns_as_soon_as_a_cancel_lands_and_raises_run_failed(
    vf: VidflowClient, server: str, token: str, idle_queue: str
) -> None:
    project = _titled_project(vf)
    accepted = vf.generate_outline(project.id)
    seen: list[Run] = []

    def cancel_soon() -> None:
        time.sleep(1.5)
        with VidflowClient(server, token=token) as other:
            other.cancel_run(accepted.run_id)

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    began = time.monotonic()
    with pytest.raises(RunFailed) as failed:
        vf.wait_for_run(accepted.run_id, timeout=60, on_progress=seen.append)
    elapsed = time.monotonic() - began
    canceller.join()

    assert failed.value.run.status == "cancelled"
    assert failed.value.run.credits_refunded == PRICES["script.outline"]
    assert [r.status for r in seen] == ["queued", "cancelled"]
    assert elapsed < 15  # the long poll answered on the change, not after its 25 s


@pytest.mark.slow
def test_wait_for_run_follows_a_real_run_to_success(
    vf: VidflowClient, start_worker: Callable[..., Worker]
) -> None:
    start_worker()
    project = _titled_project(vf)
    seen: list[str] = []

    run = vf.wait_for_run(
        vf.generate_outline(project.id).run_id,
        timeout=120,
        on_progress=lambda r: seen.append(r.status),
    )

    assert run.status == "succeeded"
    assert run.kind
    assert seen[-1] == "succeeded"
    assert run.finished_at is not None
    outline = vf.get_outline(project.id)
    assert len(outline.chapters) >= 1
    assert all(chapter.title for chapter in outline.chapters)


def test_prices_and_quote_are_typed(vf: VidflowClient) -> None:
    project = vf.create_project("Tides", idea="Why the sea has tides", target_seconds=60)

    prices = {p.action: p for p in vf.list_prices()}
    quote = vf.get_quote(project.id)
    without_music = vf.get_quote(project.id, music=False)

    assert prices["voiceover.minute"].unit == "started minute"
    assert quote.balance == 50
    assert quote.total == sum(step.credits for step in quote.steps)
    assert quote.steps[0].step == "outline"
    assert quote.total - without_music.total == prices["music"].credits
    assert vf.check_quote(project.id).total == quote.total
