"""The objects the API's examples show (``@extend_schema(examples=...)`` on each route, with
``vidflow.api.schema.examples``): one project about the Voyager probes, seen at its stages.

Values only, in the API's own camelCase and enum values; the envelope is put around them when the
schema is built, and tests/vidflow/test_schema_examples.py checks each against its schema.
"""

from __future__ import annotations

from typing import Any

PROJECT_ID = "0b9f4c3e-5d1a-4e7b-9c2f-6a8d3e1b7f40"
CHANNEL_ID = "5c2e8a71-3f4b-4d9e-8a6c-1b7d2e9f0a35"
RUN_ID = "9e4d2b18-7a3c-4f5e-b1d6-8c0a2e4f6b93"
CHAPTER_ID = "3a7c9e1f-2b4d-4c6e-8f0a-1c3e5a7b9d21"
SHOT_ID = "6f1b3d5e-7a9c-4b2e-9d4f-0a2c4e6b8d57"
CHARACTER_ID = "2d4f6a8c-0e1b-4a3c-8e5f-7b9d1c3e5a62"
LOCATION_ID = "8b0d2f4a-6c8e-4a1b-a3c5-e7f9b1d3f5a7"
VARIATION_ID = "4e6a8c0e-2a4c-4e6f-b8d0-a2c4e6f8b0d3"
TITLE_ID = "7c9e1a3c-5e7a-4c9e-a1c3-e5a7c9e1b3d5"
OUTLIER_ID = "1f3b5d7f-9b1d-4f3b-85d7-f9b1d3f5b7d9"
CREATED = "2026-11-30T09:14:05.120000Z"
UPDATED = "2026-11-30T09:41:27.554000Z"
FILE = "https://vidflow.example.com/api/files/"

PROJECT: dict[str, Any] = {
    "id": PROJECT_ID,
    "title": "The Voyager probes",
    "idea": "How two 1977 probes are still talking to us from interstellar space.",
    "selectedTitle": "The Longest Goodbye: Voyager at 49",
    "channelId": CHANNEL_ID,
    "videoStyle": "documentary",
    "voiceId": "kokoro:af_heart",
    "aspectRatio": "16:9",
    "resolution": "1080p",
    "targetSeconds": 480,
    "status": "script",
    "hidden": False,
    "createdAt": CREATED,
    "updatedAt": UPDATED,
}

PROJECT_DETAIL: dict[str, Any] = {
    **PROJECT,
    "completedStages": ["ideation"],
    "stale": {
        "chapters": [],
        "hook": False,
        "analysis": False,
        "bibleEntries": [],
        "voiceover": False,
        "music": False,
        "shots": [],
        "render": False,
        "thumbnail": False,
    },
    "counts": {
        "titleIdeas": 8,
        "outlierVideos": 3,
        "chapters": 5,
        "facts": 12,
        "characters": 0,
        "locations": 0,
        "shots": {"total": 0, "byState": {}},
        "activeRuns": 1,
    },
    "selected": {
        "title": "The Longest Goodbye: Voyager at 49",
        "hook": "",
        "characters": [],
        "locations": [],
        "voiceover": None,
        "music": None,
        "render": None,
        "thumbnail": None,
    },
    "creditsSpent": 6,
    "textProvider": {
        "name": "openai",
        "model": "gpt-4o-mini",
        "placeholder": False,
        "writer": "openai:gpt-4o-mini",
    },
    "placeholderText": [],
    "hiddenReason": "",
}

PROJECT_CREATE = {
    "title": "The Voyager probes",
    "idea": "How two 1977 probes are still talking to us from interstellar space.",
    "channelId": CHANNEL_ID,
    "aspectRatio": "16:9",
    "targetSeconds": 480,
}

CHANNEL: dict[str, Any] = {
    "id": CHANNEL_ID,
    "name": "Deep Space Stories",
    "niche": "space exploration history",
    "audience": "curious adults, no physics background",
    "tone": "warm, precise",
    "language": "en",
    "defaultVoice": "kokoro:af_heart",
    "visualStyle": "archival photos, slow pans",
    "youtubeConnected": False,
    "createdAt": CREATED,
    "updatedAt": UPDATED,
}

DELETED = {"id": PROJECT_ID, "deleted": True}


def run(kind: str, *, status: str = "queued", charged: int = 0) -> dict[str, Any]:
    """A run of ``kind`` as it is answered when it was just accepted (queued)."""
    return {
        "id": RUN_ID,
        "kind": kind,
        "status": status,
        "progress": {"done": 0, "total": 1, "unit": "steps", "stage": None},
        "projectId": PROJECT_ID,
        "result": None,
        "error": None,
        "creditsCharged": charged,
        "creditsRefunded": 0,
        "createdAt": UPDATED,
        "startedAt": None,
        "finishedAt": None,
    }


def accepted(kind: str, *, charged: int = 0) -> dict[str, Any]:
    """The answer of a write that queued work: poll GET /api/runs/{runId}."""
    return {"runId": RUN_ID, "run": run(kind, charged=charged)}


RUN_SUCCEEDED: dict[str, Any] = {
    **run("script.outline", status="succeeded", charged=1),
    "progress": {"done": 1, "total": 1, "unit": "steps", "stage": None},
    "result": {"chapters": 5},
    "startedAt": "2026-11-30T09:41:28.010000Z",
    "finishedAt": "2026-11-30T09:41:39.872000Z",
}

CHAPTER: dict[str, Any] = {
    "id": CHAPTER_ID,
    "position": 0,
    "title": "A slingshot once every 175 years",
    "beats": [
        "1977: the outer planets line up",
        "Gravity assists turn a 30-year trip into 12",
    ],
    "narration": "In the summer of 1977, the outer planets were lined up in a way they are only "
    "once every 175 years.",
    "narrationStale": False,
    "outlineBy": "openai:gpt-4o-mini",
    "narrationBy": "openai:gpt-4o-mini",
    "words": 21,
}

SHOT: dict[str, Any] = {
    "id": SHOT_ID,
    "position": 0,
    "kind": "image",
    "prompt": "The Voyager probe against the rings of Saturn, archival style",
    "line": "In the summer of 1977, the outer planets were lined up",
    "start": 0.0,
    "end": 4.2,
    "transitionIn": "cut",
    "state": "image_ready",
    "stale": False,
    "error": "",
    "characterIds": [],
    "locationId": None,
    "imageUrl": f"{FILE}s1.eyJwIjoic2hvdC5wbmcifQ.sig",
    "animatedUrl": None,
    "videoUrl": None,
    "runId": RUN_ID,
    "source": "generated",
    "subjects": [],
    "credit": {},
    "chosenSubjects": [],
    "videoTaskId": None,
    "wavespeedTaskId": None,
}

CHARACTER: dict[str, Any] = {
    "id": CHARACTER_ID,
    "kind": "character",
    "name": "Carl Sagan",
    "description": "Astronomer who chose the Golden Record's contents; tweed jacket, grey hair.",
    "traits": {"color": "#8a5a2b", "shape": "tall", "icon": "man-scientist"},
    "selectedVariationId": VARIATION_ID,
    "variations": [
        {
            "id": VARIATION_ID,
            "imageUrl": f"{FILE}s1.eyJwIjoic2FnYW4ucG5nIn0.sig",
            "prompt": "Carl Sagan, tweed jacket, grey hair, archival style",
            "createdAt": CREATED,
        }
    ],
    "stale": False,
    "createdAt": CREATED,
    "updatedAt": UPDATED,
}

LOCATION: dict[str, Any] = {
    **CHARACTER,
    "id": LOCATION_ID,
    "kind": "location",
    "name": "Jet Propulsion Laboratory",
    "description": "Mission control in Pasadena: rows of consoles, 1970s monitors.",
    "traits": {"color": "#2b4a8a", "shape": "wide", "icon": "office-building"},
    "selectedVariationId": None,
    "variations": [],
}

ENTRY_CREATE = {
    "name": "Carl Sagan",
    "description": "Astronomer who chose the Golden Record's contents; tweed jacket, grey hair.",
    "traits": {"color": "#8a5a2b", "shape": "tall"},
}

TITLE_IDEA: dict[str, Any] = {
    "id": TITLE_ID,
    "text": "The Longest Goodbye: Voyager at 49",
    "angle": "emotional: a machine that outlived its builders",
    "score": 8.5,
    "source": "generated",
    "writtenBy": "openai:gpt-4o-mini",
    "selected": True,
    "createdAt": CREATED,
}

QUOTE: dict[str, Any] = {
    "projectId": PROJECT_ID,
    "steps": [
        {
            "step": "voiceover",
            "label": "Speak the voiceover",
            "action": "voiceover.minute",
            "quantity": 8,
            "unit": "started minute",
            "credits": 16,
            "estimate": True,
            "note": "",
        },
        {
            "step": "render",
            "label": "Render final.mp4",
            "action": "render",
            "quantity": 1,
            "unit": "render",
            "credits": 3,
            "estimate": False,
            "note": "",
        },
    ],
    "total": 19,
    "balance": 94,
    "covered": True,
    "shortfall": 0,
    "estimate": True,
    "upToDate": False,
}

OUTLIER: dict[str, Any] = {
    "id": OUTLIER_ID,
    "videoId": "dQw4w9WgXcQ",
    "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "title": "What Voyager Saw at the Edge of the Solar System",
    "channelTitle": "Astrum",
    "views": 4200000,
    "channelMedianViews": 350000,
    "outlierScore": 12.0,
    "publishedAt": "2025-03-14T16:00:00Z",
    "source": "manual",
    "createdAt": CREATED,
}
