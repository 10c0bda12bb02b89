"""One project from an idea to a rendered final.mp4, through the HTTP API only: a live server,
a bearer token from the device flow, real Celery workers on Redis — once with the offline
providers, once with every vendor adapter against the vendor simulator (issue 7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from projects.models import Shot, Voiceover
from tests.live import Api, open_video
from tests.workers import Worker
from vendors.simulator import Simulator, start_simulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PRICES = django_settings.CREDIT_PRICES


@pytest.fixture
def api(live_api: Api) -> Api:
    return live_api


def _make_a_video(
    api: Api,
    *,
    seconds: int = 30,
    outline: dict[str, Any] | None = None,
    shot_kinds: Callable[[Api, str], None] | None = None,
) -> dict:
    """Drive every stage; returns what a user would look at afterwards."""
    project = api.call(
        "POST",
        "/api/projects",
        {
            "title": "Voyager",
            "idea": "How the Voyager probes left the solar system",
            "targetSeconds": seconds,
        },
    )
    base = f"/api/projects/{project['id']}"
    ideas = api.call("POST", f"{base}/titles", {"count": 3})["results"]
    api.call("POST", f"{base}/titles/{ideas[0]['id']}/select", {})
    runs = {
        "outline": api.run(f"{base}/script/outline", outline or {}),
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
        "ledger": api.get("/api/billing/transactions?pageSize=100"),
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


def test_an_idea_becomes_a_video_with_the_offline_providers_and_a_revision_costs_what_it_changes(
    api: Api, start_worker: Callable[..., Worker]
) -> None:
    """A 45-second video in three chapters, from the idea to final.mp4; then (issue 14) a new
    last chapter brought up to date costs at most 40 % of the first video (one video serves
    both: a make is the suite's dearest step)."""
    start_worker()

    made = _make_a_video(api, seconds=45, outline={"chapters": 3})

    assert {name: run["status"] for name, run in made["runs"].items()} == dict.fromkeys(
        made["runs"], "succeeded"
    )
    film = _check_the_film(api, made)
    # the script was written to the voice's pace: the film is about as long as asked for
    assert 0.8 * 45 <= film["duration"] <= 1.25 * 45
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

    _rewrite_the_last_chapter(api, made["base"], first=made["project"]["creditsSpent"])
    _publish_context(api, made["base"])


def _publish_context(api: Api, base: str) -> None:
    """The last step before the upload: the thumbnail, and the context the upload is made of
    (the selected title, the film, the thumbnail, tags, a description opening on the hook)."""
    thumbnail = api.run(f"{base}/thumbnail/generate")
    assert thumbnail["status"] == "succeeded", thumbnail
    context = api.get(f"{base}/publish-context")
    assert context["title"] == api.get(base)["selectedTitle"]
    assert context["videoUrl"]
    assert context["thumbnailUrl"]
    assert context["tags"]
    hook = api.get(f"{base}/script/hook")["hook"]
    assert context["description"].startswith(hook[:40])
    assert "production" in api.get(base)["completedStages"]


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


REWRITE = (
    "Today both probes still whisper home across more than twenty billion kilometres.",
    "Their radios are weaker than a fridge light, yet the great dishes on Earth still hear them.",
    "Each year the power drops a little, and engineers switch off another heater to save it.",
    "The golden records will keep travelling long after the signals end.",
    "In forty thousand years one of them will pass a distant star.",
    "By then the probes will be the oldest things our species ever made.",
)


def _rewrite(words: int) -> str:
    """New narration of about ``words`` words (a rewrite, not a longer chapter): whole
    sentences while they fit, at least one."""
    chosen: list[str] = []
    for sentence in REWRITE:
        if chosen and len(" ".join([*chosen, sentence]).split()) > words + 5:
            break
        chosen.append(sentence)
    return " ".join(chosen)


def _rewrite_the_last_chapter(api: Api, base: str, *, first: int) -> None:
    """Issue 14: a revision costs what it changes. A new last chapter brought up to date
    (voiceover, generate-all, render) costs at most 40 % of the first video, and every shot of
    the untouched chapters keeps its picture. The new chapter is about as long as the old one
    (a longer chapter needs more shots, and pays for them)."""
    project_id = base.rsplit("/", 1)[-1]
    chapters = api.get(f"{base}/script/chapters")
    assert len(chapters) == 3
    boundary = float(Voiceover.objects.get(project_id=project_id).chapter_spans[-1]["start"])
    untouched = {
        str(s.pk): s.image.name
        for s in Shot.objects.filter(project_id=project_id, start__lt=boundary - 0.01)
    }
    assert untouched

    rewritten = _rewrite(len(chapters[-1]["narration"].split()))
    api.call("PATCH", f"{base}/script/chapters/{chapters[-1]['id']}", {"narration": rewritten})
    runs = {
        path: api.run(f"{base}/{path}", timeout=400)
        for path in ("voiceover/generate", "timeline/shots/generate-all", "timeline/render")
    }

    assert {p: r["status"] for p, r in runs.items()} == dict.fromkeys(runs, "succeeded")
    revision = api.get(base)["creditsSpent"] - first
    assert revision <= 0.40 * first, (revision, first)
    after = {str(s.pk): s.image.name for s in Shot.objects.filter(project_id=project_id)}
    assert {pk: after.get(pk) for pk in untouched} == untouched
    redrawn = runs["timeline/shots/generate-all"]["result"]["shots"]
    assert not set(redrawn) & set(untouched)
    shots = api.get(f"{base}/timeline/shots")
    # (by id, not time: a voice's timing varies a little from one reading to the next)
    assert " ".join(s["line"] for s in shots if s["id"] not in untouched) == rewritten
    assert not any(s["stale"] for s in shots)
    render = api.get(f"{base}/timeline/render")
    assert render["render"]["stale"] is False
    film = open_video(api.download(render["render"]["videoUrl"]))
    assert abs(film["duration"] - api.get(f"{base}/voiceover")["duration"]) <= 0.5
