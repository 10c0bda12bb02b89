"""One project from an idea to a rendered final.mp4, through the HTTP API only: a live server,
a bearer token from the device flow, real Celery workers on Redis — once with the offline
providers, once with every vendor adapter against the vendor simulator (issue 7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from tests.live import Api, open_video
from tests.workers import Worker
from vendors.simulator import Simulator, start_simulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PRICES = django_settings.CREDIT_PRICES


@pytest.fixture
def api(live_api: Api) -> Api:
    return live_api


def _make_a_video(api: Api, *, shot_kinds: Callable[[Api, str], None] | None = None) -> dict:
    """Drive every stage; returns what a user would look at afterwards."""
    project = api.call(
        "POST",
        "/api/projects",
        {
            "title": "Voyager",
            "idea": "How the Voyager probes left the solar system",
            "targetSeconds": 30,
        },
    )
    base = f"/api/projects/{project['id']}"
    ideas = api.call("POST", f"{base}/titles", {"count": 3})
    api.call("POST", f"{base}/titles/{ideas[0]['id']}/select", {})
    runs = {
        "outline": api.run(f"{base}/script/outline"),
        "hook": api.run(f"{base}/script/hook"),
        "chapters": api.run(f"{base}/script/chapters"),
        "bible": api.run(f"{base}/visual-bible/generate"),
        "voiceover": api.run(f"{base}/voiceover/generate"),
        "music": api.run(f"{base}/music/generate", {"mood": "inspiring", "tempo": 96}),
        "plan": api.run(f"{base}/timeline/shots/plan"),
    }
    if shot_kinds is not None:
        shot_kinds(api, base)
    runs["shots"] = api.run(f"{base}/timeline/shots/generate-all", timeout=400)
    runs["render"] = api.run(f"{base}/timeline/render", timeout=400)
    return {
        "base": base,
        "runs": runs,
        "project": api.get(base),
        "shots": api.get(f"{base}/timeline/shots"),
        "render": api.get(f"{base}/timeline/render"),
        "voiceover": api.get(f"{base}/voiceover"),
        "entries": api.get(f"{base}/visual-bible/characters")
        + api.get(f"{base}/visual-bible/locations"),
        "balance": api.get("/api/billing/balance")["balance"],
        "ledger": api.get("/api/billing/transactions?pageSize=100")["results"],
    }


def _shot_price(shot: dict[str, Any]) -> int:
    video = "shot.talking_head" if shot["kind"] == "talking_head" else "shot.video"
    return PRICES["shot.image"] + PRICES[video]


def _check_the_film(api: Api, made: dict[str, Any]) -> dict[str, Any]:
    render = made["render"]["render"]
    assert render is not None
    film = open_video(api.download(render["videoUrl"]))
    narration = made["voiceover"]["duration"]
    assert abs(film["duration"] - narration) <= 0.5
    assert film["video"] == ("h264", 1280, 720)
    assert film["profile"] == "High"
    assert film["audio"] == ("aac", 48000)
    captions = api.download(render["srtUrl"]).decode()
    first_word = made["voiceover"]["words"][0]["word"].strip(".,?!")
    assert first_word in captions.split("\n\n")[0]
    assert made["project"]["status"] == "publish"
    assert {"ideation", "script", "voiceover"} <= set(made["project"]["completedStages"])
    return film


def test_an_idea_becomes_a_video_with_the_offline_providers(
    api: Api, start_worker: Callable[..., Worker]
) -> None:
    start_worker()

    made = _make_a_video(api)

    assert {name: run["status"] for name, run in made["runs"].items()} == dict.fromkeys(
        made["runs"], "succeeded"
    )
    film = _check_the_film(api, made)
    # the script was written to the voice's pace: the film is about as long as asked for
    assert 0.8 * 30 <= film["duration"] <= 1.25 * 30
    assert all(shot["state"] == "ready" for shot in made["shots"])
    assert all(entry["selectedVariationId"] for entry in made["entries"])
    # What was spent is what the price table says for what was made.
    minutes = made["runs"]["voiceover"]["creditsCharged"] // PRICES["voiceover.minute"]
    expected = (
        PRICES["script.outline"]
        + PRICES["script.hook"]
        + PRICES["script.chapters"]
        + PRICES["visual_bible.variation"] * len(made["entries"])
        + PRICES["voiceover.minute"] * minutes
        + PRICES["music"]
        + sum(_shot_price(shot) for shot in made["shots"])
        + PRICES["render"]
    )
    assert minutes == 1
    assert made["project"]["creditsSpent"] == expected
    assert made["balance"] == 50 - expected
    assert sum(row["amount"] for row in made["ledger"]) == made["balance"]


@pytest.fixture(scope="module")
def simulator() -> Iterator[Simulator]:
    sim = start_simulator(deliver="http")
    yield sim
    sim.stop()


def test_an_idea_becomes_a_video_through_the_vendors(
    api: Api,
    live_server: Any,
    start_worker: Callable[..., Worker],
    simulator: Simulator,
    settings: Any,
) -> None:
    simulator.reset()
    vendors = {
        "PUBLIC_BASE_URL": live_server.url,
        "OPENAI_BASE_URL": f"{simulator.url}/openai/v1",
        "OPENAI_API_KEY": simulator.keys["openai"],
        "KIE_BASE_URL": simulator.vendor_url("kie"),
        "KIE_API_KEY": simulator.keys["kie"],
        "KIE_WEBHOOK_HMAC_KEY": simulator.kie_hmac_key,
        "WAVESPEED_BASE_URL": simulator.vendor_url("wavespeed"),
        "WAVESPEED_API_KEY": simulator.keys["wavespeed"],
        "WAVESPEED_WEBHOOK_SECRET": simulator.wavespeed_secret,
        "ASSEMBLYAI_BASE_URL": simulator.vendor_url("assemblyai"),
        "ASSEMBLYAI_API_KEY": simulator.keys["assemblyai"],
    }
    providers = {
        "text": "openai",
        "image": "kie",
        "video": "kie",
        "talking_head": "wavespeed",
        "speech": "openai",
        "timings": "assemblyai",
        "music": "kie",
    }
    for name, value in vendors.items():
        setattr(settings, name, value)
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, **providers}
    start_worker(
        **vendors,
        **{f"PROVIDER_{capability.upper()}": name for capability, name in providers.items()},
    )
    simulator.behave("kie", kind="video", next_only=True, outcome="fail")

    def one_of_each(api: Api, base: str) -> None:
        """The first shot a (KIE) video, the second a (WaveSpeed) talking head, the rest stills."""
        shots = api.get(f"{base}/timeline/shots")
        assert len(shots) >= 3
        for i, shot in enumerate(shots):
            kind = {0: "video", 1: "talking_head"}.get(i, "image")
            if kind != shot["kind"]:
                api.call("PATCH", f"{base}/timeline/shots/{shot['id']}", {"kind": kind})

    made = _make_a_video(api, shot_kinds=one_of_each)

    statuses = {name: run["status"] for name, run in made["runs"].items()}
    assert statuses == {**dict.fromkeys(made["runs"], "succeeded"), "shots": "failed"}
    assert made["runs"]["shots"]["error"]["code"] == "VENDOR_ERROR"
    failed = made["shots"][0]
    assert failed["kind"] == "video"
    assert failed["state"] == "failed"
    assert failed["imageUrl"]
    assert failed["animatedUrl"]
    assert not failed["videoUrl"]
    assert all(shot["state"] == "ready" for shot in made["shots"][1:])
    # The failed shot's image step stays charged; its video step is refunded, once.
    refunds = [row for row in made["ledger"] if row["kind"] == "refund"]
    shot_refunds = [r for r in refunds if r["shotId"] == failed["id"]]
    assert [(r["part"], r["amount"]) for r in shot_refunds] == [("video", PRICES["shot.video"])]
    assert made["runs"]["shots"]["creditsRefunded"] == PRICES["shot.video"]
    # The render used the failed shot's animated still: the film is whole.
    _check_the_film(api, made)
    assert made["voiceover"]["timingSource"] == "assemblyai"
    for vendor in ("openai", "kie", "wavespeed", "assemblyai"):
        assert simulator.requests(vendor), f"{vendor} was never called"
