"""A project ready to render, two ways.

``voiced_project``, ``planned_project``, ``ready_project``: made through the API with the offline
providers and the runs performed in-process — Piper narration with its word timings, a music bed,
a shot plan and every shot generated (an image and its animated still). For the tests that check
the media those runs make (renders, the end-to-end flow): slow.

``staged_voiced_project``, ``staged_planned_project``, ``staged_drawn_project``: the same rows
with small session-made files (tests/media.py) in place of speech, music and pictures — the
voiceover's words timed at a steady pace, the WAV as long as they are — and the shot plan made by
the real plan route. For the tests about what a request accepts, refuses and charges.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Music, Project, Script, Shot, Voiceover
from projects.pipeline.artifacts import store
from tests.factories import ChapterFactory, ProjectFactory
from tests.media import SampleMedia
from vendors.base import MediaFile

from .bible_helpers import perform, post_run

NARRATION = (
    "The keeper climbed the tower at dusk. The lamp was cold, and the glass was cracked.",
    "She lit the wick with shaking hands. Far below, the fishing boats turned for home.",
)


def voiced_project(api: APIClient, user: User, *, music: bool = True, **fields: Any) -> Project:
    """Two narrated chapters (about 11 s spoken), their voiceover and (optionally) music."""
    project = ProjectFactory(owner=user, selected_title="The Keeper", **fields)
    for position, text in enumerate(NARRATION):
        ChapterFactory(
            project=project, position=position, title=f"Part {position + 1}", narration=text
        )
    base = f"/api/projects/{project.pk}"
    assert perform(post_run(api, f"{base}/voiceover/generate")).status == "succeeded"
    if music:
        body = {"mood": "inspiring", "tempo": 100}
        assert perform(post_run(api, f"{base}/music/generate", body)).status == "succeeded"
    return project


def planned_project(api: APIClient, user: User, **fields: Any) -> Project:
    project = voiced_project(api, user, **fields)
    plan = perform(post_run(api, f"/api/projects/{project.pk}/timeline/shots/plan"))
    assert plan.status == "succeeded"
    return project


def generate_shots(api: APIClient, project: Project) -> list[Shot]:
    """Every shot generated, one run each (the single-shot route runs in-process)."""
    for shot in Shot.objects.filter(project=project):
        url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/generate"
        assert perform(post_run(api, url)).status == "succeeded"
    return list(Shot.objects.filter(project=project).order_by("position"))


def ready_project(api: APIClient, user: User, **fields: Any) -> Project:
    project = planned_project(api, user, **fields)
    generate_shots(api, project)
    return project


def download(api: APIClient, url: str, into: Path, name: str) -> Path:
    """Fetch a signed artifact link as the owner would, into a file."""
    response = api.get(url)
    assert response.status_code == 200, url
    path = into / name
    buffer = io.BytesIO(b"".join(response.streaming_content))
    path.write_bytes(buffer.getvalue())
    return path


# --- staged: the same rows from small session-made files ---------------------------------------

WORD_SECONDS = 0.4  # a steady narration pace (about 150 words a minute)
PAUSE_BETWEEN_PARTS = 0.45  # as the voiceover run leaves between the hook and each chapter


def staged_voiceover(project: Project, media: SampleMedia) -> Voiceover:
    """The voiceover row a run would leave for the project's hook and chapters, without speaking
    them: each word at WORD_SECONDS, the parts apart by PAUSE_BETWEEN_PARTS, the audio a WAV
    exactly as long."""
    script = Script.objects.filter(project=project).first()
    parts = [("hook", script.hook)] if script and script.hook.strip() else []
    parts += [(str(c.pk), c.narration) for c in project.chapters.all() if c.narration.strip()]
    words: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    t = 0.0
    for key, text in parts:
        if spans:
            t += PAUSE_BETWEEN_PARTS
        start = t
        for word in text.split():
            words.append(
                {"word": word, "start": round(t, 3), "end": round(t + 0.8 * WORD_SECONDS, 3)}
            )
            t += WORD_SECONDS
        spans.append({"chapterId": key, "start": round(start, 3), "end": round(t, 3)})
    duration = round(t, 3)
    voiceover = Voiceover(
        project=project,
        voice_id="piper:en_US-joe-medium",
        duration=duration,
        words=words,
        chapter_spans=spans,
        timing_source="offline-engine",
    )
    store(voiceover.audio, MediaFile(media.wav(duration), "audio/wav", duration=duration))
    voiceover.save()
    return voiceover


def staged_voiced_project(
    media: SampleMedia, user: User, *, music: bool = True, **fields: Any
) -> Project:
    """``voiced_project``'s rows: the two chapters, their voiceover and (optionally) music."""
    project = ProjectFactory(owner=user, selected_title="The Keeper", **fields)
    for position, text in enumerate(NARRATION):
        ChapterFactory(
            project=project, position=position, title=f"Part {position + 1}", narration=text
        )
    voiceover = staged_voiceover(project, media)
    if music:
        bed = Music(project=project, mood="inspiring", tempo=100, duration=voiceover.duration + 2)
        store(bed.audio, MediaFile(media.wav(bed.duration), "audio/wav", duration=bed.duration))
        bed.save()
    return project


def staged_planned_project(
    api: APIClient, media: SampleMedia, user: User, **fields: Any
) -> Project:
    """A staged voiced project whose shots the real plan route planned (free, no media)."""
    project = staged_voiced_project(media, user, **fields)
    plan = perform(post_run(api, f"/api/projects/{project.pk}/timeline/shots/plan"))
    assert plan.status == "succeeded", plan.error
    assert Shot.objects.filter(project=project).count() > 1
    return project


def staged_drawn_project(
    api: APIClient, media: SampleMedia, user: User, **fields: Any
) -> tuple[Project, list[Shot]]:
    """A staged planned project whose shots have their images, as their image steps would leave
    them (a render shows each as a Ken Burns move)."""
    project = staged_planned_project(api, media, user, **fields)
    shots = list(Shot.objects.filter(project=project).order_by("position"))
    for shot in shots:
        store(shot.image, MediaFile(media.png(), "image/png"))
        shot.save(update_fields=["image"])
    return project, shots
