"""YouTube: outlier research, and publishing through the resumable upload protocol."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.vendors.conftest import Waits
from vendors.base import InputFile, ProviderError, PublishRequest
from vendors.http.youtube import YouTubePublisher, YouTubeResearch
from vendors.simulator import YOUTUBE_TOKEN, Simulator

CHUNK = 256 * 1024


def test_outliers_are_ranked_by_views_over_their_channels_median(
    sim: Simulator, waits: Waits
) -> None:
    found = YouTubeResearch(sleep=waits).outliers(query="space probes", limit=5)

    assert [(c.video_id, c.views, c.channel_median_views) for c in found] == [
        ("alpha09", 50000, 1010),
        ("beta05", 150000, 102500),
        ("alpha01", 1200, 1010),
    ]
    assert found[0].outlier_score == pytest.approx(49.5, abs=0.1)
    assert found[0].url == "https://www.youtube.com/watch?v=alpha09"
    search = sim.requests("youtube", "/youtube/v3/search")[0]
    assert search.query["key"] == "sim-yt-key"
    assert search.query["order"] == "viewCount"
    assert search.query["type"] == "video"


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "final.mp4"
    path.write_bytes(os.urandom(CHUNK * 2 + 1234))
    return path


def publish(video: Path, **extra: object) -> PublishRequest:
    return PublishRequest(
        video=InputFile(path=video),
        title="How Voyager left the solar system",
        description="Two probes, one grand tour.",
        tags=("space", "voyager"),
        **extra,
    )


def uploaded(sim: Simulator, video_id: str) -> dict:
    return sim.state["yt_uploaded"][video_id]


def test_a_video_is_uploaded_in_chunks_with_its_metadata_and_thumbnail(
    sim: Simulator, waits: Waits, video: Path, tmp_path: Path, settings: object
) -> None:
    settings.YOUTUBE_UPLOAD_CHUNK_BYTES = CHUNK
    thumb = tmp_path / "thumb.png"
    Image.new("RGB", (1280, 720), "teal").save(thumb)

    result = YouTubePublisher(sleep=waits).upload(
        publish(video, publish_at="2031-01-01T10:00:00Z", thumbnail=InputFile(path=thumb)),
        access_token=YOUTUBE_TOKEN,
    )

    stored = uploaded(sim, result.video_id)
    assert stored["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()
    assert stored["metadata"]["snippet"]["tags"] == ["space", "voyager"]
    assert stored["metadata"]["status"] == {
        "privacyStatus": "private",
        "selfDeclaredMadeForKids": False,
        "publishAt": "2031-01-01T10:00:00Z",
    }
    assert stored["thumbnail_sha256"] == hashlib.sha256(thumb.read_bytes()).hexdigest()
    puts = sim.requests("youtube", "/upload/youtube/v3/videos")[1:]
    assert [p.headers["content-range"] for p in puts] == [
        f"bytes 0-{CHUNK - 1}/{video.stat().st_size}",
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{video.stat().st_size}",
        f"bytes {2 * CHUNK}-{video.stat().st_size - 1}/{video.stat().st_size}",
    ]
    start = sim.requests("youtube", "/upload/youtube/v3/videos")[0]
    assert start.query == {"uploadType": "resumable", "part": "snippet,status"}
    assert start.headers["x-upload-content-length"] == str(video.stat().st_size)
    assert result.url == f"https://www.youtube.com/watch?v={result.video_id}"


def test_a_5xx_mid_upload_asks_where_it_stands_and_resumes(
    sim: Simulator, waits: Waits, video: Path, settings: object
) -> None:
    settings.YOUTUBE_UPLOAD_CHUNK_BYTES = CHUNK
    # The first chunk and the first status query after it fail with 503.
    sim.fail_next("youtube", 2, status=503, method="PUT")

    result = YouTubePublisher(sleep=waits).upload(publish(video), access_token=YOUTUBE_TOKEN)

    assert (
        uploaded(sim, result.video_id)["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()
    )
    ranges = [p.headers["content-range"] for p in sim.requests("youtube", "videos")[1:]]
    total = video.stat().st_size
    assert ranges[:3] == [
        f"bytes 0-{CHUNK - 1}/{total}",  # 503
        f"bytes */{total}",  # 503 again
        f"bytes */{total}",  # 308, nothing stored yet
    ]
    assert ranges[3] == f"bytes 0-{CHUNK - 1}/{total}"  # resumed from where YouTube stands
    assert len(waits) == 2


def test_an_expired_session_starts_the_upload_over(
    sim: Simulator, waits: Waits, video: Path, settings: object
) -> None:
    settings.YOUTUBE_UPLOAD_CHUNK_BYTES = CHUNK
    sim.expire_upload_sessions(1)

    result = YouTubePublisher(sleep=waits).upload(publish(video), access_token=YOUTUBE_TOKEN)

    assert uploaded(sim, result.video_id)["size"] == video.stat().st_size
    starts = [r for r in sim.requests("youtube", "videos") if r.method == "POST"]
    assert len(starts) == 2


def test_a_rejected_access_token_is_not_retried(sim: Simulator, waits: Waits, video: Path) -> None:
    with pytest.raises(ProviderError) as error:
        YouTubePublisher(sleep=waits).upload(publish(video), access_token="expired-token")

    assert error.value.retryable is False
    assert "Invalid Credentials" in str(error.value)
    assert len(sim.requests("youtube")) == 1


def test_a_scheduled_video_must_be_private(sim: Simulator, waits: Waits, video: Path) -> None:
    with pytest.raises(ProviderError):
        YouTubePublisher(sleep=waits).upload(
            publish(video, privacy="public", publish_at="2031-01-01T10:00:00Z"),
            access_token=YOUTUBE_TOKEN,
        )

    assert sim.requests("youtube") == []
