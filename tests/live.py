"""A headless client of the live API (a live server, a device-flow bearer token), for the
end-to-end tests."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import av
import httpx
import pytest

from accounts.models import User

ALL_SCOPES = "projects:read projects:write generate publish billing:read"


class Api:
    """A headless client of the VidFlow API, as a script would write one."""

    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, path, json=body)
        envelope = response.json()
        assert envelope["success"], (method, path, response.status_code, envelope)
        return envelope["data"]

    def get(self, path: str) -> Any:
        """The data; for a list (``{results, next, previous}``), every item, pages followed."""
        data = self.call("GET", path)
        if isinstance(data, dict) and set(data) == {"results", "next", "previous"}:
            items = list(data["results"])
            while data["next"]:
                data = self.call("GET", str(httpx.URL(data["next"]).raw_path, "ascii"))
                items += data["results"]
            return items
        return data

    def run(self, path: str, body: dict[str, Any] | None = None, timeout: float = 240) -> Any:
        """POST an asynchronous action and wait for its run to end; returns the run."""
        run_id = self.call("POST", path, body or {})["runId"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.get(f"/api/runs/{run_id}")
            if run["status"] not in ("queued", "running"):
                return run
            time.sleep(0.3)
        pytest.fail(f"run {run_id} for {path} did not finish in {timeout}s")

    def download(self, url: str) -> bytes:
        response = self.http.get(url)
        assert response.status_code == 200, url
        return response.content


@pytest.fixture
def live_api(live_server: Any, user: User, issue_tokens: Any, settings: Any) -> Iterator[Api]:
    settings.VIDFLOW_RATE_TIERS = dict.fromkeys(settings.VIDFLOW_RATE_TIERS, "100000/m")
    settings.PUBLIC_BASE_URL = live_server.url
    client = Api(live_server.url, issue_tokens(user, ALL_SCOPES)["access_token"])
    yield client
    client.http.close()


def open_video(data: bytes) -> dict[str, Any]:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        return {
            "duration": float(container.duration or 0) / 1_000_000,
            "video": (video.codec_context.name, video.width, video.height),
            "profile": video.codec_context.profile,
            "audio": (audio.codec_context.name, audio.sample_rate),
        }
