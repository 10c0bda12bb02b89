"""The shared HTTP layer: bounded retries with backoff, no repeated submits, safe downloads."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.vendors.conftest import Waits
from vendors.base import CallbackTarget, ImageRequest, ProviderError
from vendors.http.client import (
    SubmitUncertainError,
    VendorClient,
    VendorHTTPError,
    parse_retry_after,
)
from vendors.http.kie import KieImages
from vendors.simulator import Simulator

TARGET = CallbackTarget(url="http://testserver/api/kie/callback?job=j&token=t", secret="t")


def aai_client(sim: Simulator, waits: Waits, **options: Any) -> VendorClient:
    return VendorClient(
        vendor="assemblyai",
        base_url=sim.vendor_url("assemblyai"),
        headers={"authorization": sim.keys["assemblyai"]},
        sleep=waits,
        **options,
    )


def upload(client: VendorClient) -> Any:
    return client.json("POST", "/v2/upload", content=b"RIFF....WAVEfmt ")


def test_429_is_retried_after_the_vendors_retry_after(sim: Simulator, waits: Waits) -> None:
    sim.fail_next("assemblyai", 2, status=429, retry_after=1.5)

    with aai_client(sim, waits) as client:
        answer = upload(client)

    assert answer["upload_url"].startswith("https://cdn.assemblyai.com/upload/")
    assert waits == [1.5, 1.5]
    assert len(sim.requests("assemblyai", "/v2/upload")) == 3


def test_5xx_waits_are_jittered_within_a_growing_window(sim: Simulator, waits: Waits) -> None:
    sim.fail_next("assemblyai", 3, status=503)

    with aai_client(sim, waits, base_delay=0.5, max_delay=5.0) as client:
        upload(client)

    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert 0 <= wait <= 0.5 * 2**attempt


def test_exhausted_retries_raise_a_retryable_provider_error(sim: Simulator, waits: Waits) -> None:
    sim.fail_next("assemblyai", 10, status=502)

    with aai_client(sim, waits, max_retries=3) as client, pytest.raises(VendorHTTPError) as error:
        upload(client)

    assert error.value.retryable is True
    assert error.value.vendor == "assemblyai"
    assert error.value.status == 502
    assert len(sim.requests("assemblyai", "/v2/upload")) == 4  # the first try and 3 retries


def test_a_retry_after_longer_than_we_wait_ends_the_attempts(sim: Simulator, waits: Waits) -> None:
    sim.fail_next("assemblyai", 1, status=429, retry_after=120)

    with aai_client(sim, waits, max_delay=5.0) as client, pytest.raises(VendorHTTPError) as error:
        upload(client)

    assert error.value.retryable is True
    assert error.value.retry_after == 120
    assert waits == []  # the task retries later instead of holding a worker for two minutes


def test_a_4xx_is_not_retried_and_carries_the_vendors_message(sim: Simulator, waits: Waits) -> None:
    client = VendorClient(
        vendor="assemblyai",
        base_url=sim.vendor_url("assemblyai"),
        headers={"authorization": "not-the-key"},
        sleep=waits,
    )

    with client, pytest.raises(ProviderError) as error:
        upload(client)

    assert error.value.retryable is False
    assert "API token missing/invalid" in str(error.value)
    assert len(sim.requests("assemblyai")) == 1


def test_an_unreachable_vendor_is_retried_then_reported_retryable(waits: Waits) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    client = VendorClient(vendor="kie", base_url=f"http://127.0.0.1:{port}", sleep=waits)

    with client, pytest.raises(ProviderError) as error:
        client.request("GET", "/anything")

    assert error.value.retryable is True
    assert len(waits) == client.max_retries


def test_a_submit_refused_with_429_in_kies_envelope_is_sent_again(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    sim.fail_next("kie", 2, status=429)  # HTTP 200 with {"code": 429} in the body, as KIE does

    pending = KieImages(sleep=waits).generate(
        ImageRequest(prompt="a probe", width=1280, height=720), workdir=tmp_path, callback=TARGET
    )

    assert len(sim.requests("kie", "/api/v1/jobs/createTask")) == 3
    assert list(sim.jobs) == [pending.external_id]
    assert len(waits) == 2


def test_a_submit_is_not_repeated_after_a_read_timeout(
    sim: Simulator, settings: Any, waits: Waits, tmp_path: Path
) -> None:
    settings.VENDOR_TIMEOUT = 0.5
    sim.stall_next("kie", 2.0)  # KIE accepts the task but answers too late

    with pytest.raises(SubmitUncertainError) as error:
        KieImages(sleep=waits).generate(
            ImageRequest(prompt="a probe", width=1280, height=720),
            workdir=tmp_path,
            callback=TARGET,
        )

    assert error.value.retryable is False
    assert len(sim.requests("kie", "/api/v1/jobs/createTask")) == 1
    assert len(sim.jobs) == 1  # the vendor has it; its callback still names our job
    assert waits == []


def test_a_poll_is_repeated_after_a_read_timeout(
    sim: Simulator, settings: Any, waits: Waits, tmp_path: Path
) -> None:
    pending = KieImages(sleep=waits).generate(
        ImageRequest(prompt="a probe", width=1280, height=720), workdir=tmp_path, callback=TARGET
    )
    settings.VENDOR_TIMEOUT = 0.5
    sim.stall_next("kie", 1.5)

    outcome = KieImages(sleep=waits).poll(pending.external_id)

    assert outcome is not None
    assert outcome.succeeded
    assert len(sim.requests("kie", "/api/v1/jobs/recordInfo")) == 2


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)

    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(later, now=now.timestamp()) == pytest.approx(30.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- downloads ---


def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "served.png"
    Image.new("RGB", (64, 36), "navy").save(path)
    return path


def test_a_download_refuses_a_file_over_the_size_cap(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    url = sim.file_url(png_file(tmp_path), "image/png")

    with aai_client(sim, waits) as client, pytest.raises(ProviderError) as error:
        client.download(url, tmp_path / "out" / "result", max_bytes=100, content_types=("image/",))

    assert "limit" in str(error.value)
    assert not list((tmp_path / "out").iterdir())  # no partial file left behind


def test_a_download_refuses_a_page_labelled_as_an_image(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    page = tmp_path / "error.html"
    page.write_text("<html><body>Access denied</body></html>")
    url = sim.file_url(page, "image/png")

    with aai_client(sim, waits) as client, pytest.raises(ProviderError):
        client.download(url, tmp_path / "result", content_types=("image/",))


def test_a_download_takes_its_type_from_the_bytes_when_the_cdn_says_octet_stream(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    url = sim.file_url(png_file(tmp_path), "application/octet-stream")

    with aai_client(sim, waits) as client:
        path, content_type = client.download(url, tmp_path / "result", content_types=("image/",))

    assert content_type == "image/png"
    assert path.suffix == ".png"
    assert Image.open(path).size == (64, 36)


def test_a_download_from_another_host_does_not_carry_our_api_key(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    url = sim.file_url(png_file(tmp_path), "image/png").replace("127.0.0.1", "localhost")

    with aai_client(sim, waits) as client:
        client.download(url, tmp_path / "result", content_types=("image/",))

    (fetched,) = sim.requests("files")
    assert "authorization" not in fetched.headers
