"""OpenAI-compatible text (chat completions with a JSON schema) and speech (``/audio/speech``).

Works with OpenAI, Ollama ≥ 0.5 (``http://localhost:11434/v1``), vLLM and llama.cpp's server:
``OPENAI_BASE_URL`` ends in ``/v1``.

Text (../shared/docs/vendors.md §4): ``POST {base}/chat/completions`` with
``"response_format": {"type": "json_schema", "json_schema": {"name", "strict": true, "schema"}}``;
the answer is a JSON string in ``choices[0].message.content``, ``finish_reason: "length"`` means it
was cut off. Engines enforce the schema to different degrees (Ollama Cloud ignores it), so every
answer is validated here against the full schema (string lengths included) and refused with
``ProviderError`` when it does not hold. Engines get the schema without string length limits,
which OpenAI's strict mode does not support; counts, ranges, enums and patterns are sent.

Speech: ``POST {base}/audio/speech`` ``{"model", "input", "voice", "response_format": "wav",
"speed"}`` → the audio bytes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings

from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    MediaFile,
    ProviderError,
    PublishCopy,
    ScriptNotes,
    ShotIdea,
    ShotSegment,
    SpeechRequest,
    SpeechResult,
    StoryContext,
    TitleSuggestion,
    Voice,
)

from .audio import wav_duration
from .client import Sleep, VendorClient, sniff_content_type

VENDOR = "openai"

# Constraint keywords we check ourselves and do not send (OpenAI's strict mode rejects them).
_LOCAL_ONLY = {"minLength", "maxLength"}

# The voices of OpenAI's /audio/speech (other servers may accept other names).
OPENAI_VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
)


def _client(sleep: Sleep | None) -> VendorClient:
    headers = {}
    if settings.OPENAI_API_KEY:  # Ollama and llama.cpp need none
        headers["Authorization"] = f"Bearer {settings.OPENAI_API_KEY}"
    return VendorClient(
        vendor=VENDOR, base_url=settings.OPENAI_BASE_URL, headers=headers, sleep=sleep
    )


# --- schemas ------------------------------------------------------------------------------------


def obj(**properties: Any) -> dict[str, Any]:
    """A strict-mode object: every property required, nothing else allowed."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def text(min_length: int = 1, max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": min_length}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def array(items: dict[str, Any], *, min_items: int = 0, max_items: int | None = None) -> dict:
    schema: dict[str, Any] = {"type": "array", "items": items, "minItems": min_items}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


def score() -> dict[str, Any]:
    return {"type": "number", "minimum": 0, "maximum": 1}


def structural(schema: Any) -> Any:
    """The schema without the constraints we only check locally."""
    if isinstance(schema, dict):
        return {k: structural(v) for k, v in schema.items() if k not in _LOCAL_ONLY}
    if isinstance(schema, list):
        return [structural(v) for v in schema]
    return schema


def _choice(names: Sequence[str], *, allow_empty: bool = False) -> dict[str, Any]:
    """One of these names (the bible's), or "" when ``allow_empty``."""
    values = list(dict.fromkeys(names)) + ([""] if allow_empty else [])
    return {"type": "string", "enum": values or [""]}


# --- text ---------------------------------------------------------------------------------------


class OpenAICompatibleText:
    """TextProvider on any OpenAI-compatible chat completions API with structured output."""

    name = VENDOR

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def complete(self, *, task: str, schema_name: str, schema: dict, ctx: StoryContext) -> Any:
        """Ask for one JSON object matching ``schema``; validated before it is returned."""
        body = {
            "model": settings.OPENAI_MODEL,
            "messages": [
                {"role": "system", "content": _system_prompt(ctx)},
                {"role": "user", "content": task},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "strict": True, "schema": structural(schema)},
            },
            "max_tokens": settings.OPENAI_MAX_TOKENS,
            "temperature": 0.8,
        }
        with _client(self._sleep) as client:
            answer = client.json("POST", "/chat/completions", json=body)
        try:
            choice = answer["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError):
            raise ProviderError("the model answered without a choice", vendor=VENDOR) from None
        if choice.get("finish_reason") == "length":
            # A bigger budget (OPENAI_MAX_TOKENS) is needed, not another try.
            raise ProviderError(
                f"the model's {schema_name} answer was cut off (finish_reason length)",
                vendor=VENDOR,
            )
        if message.get("refusal"):
            raise ProviderError(f"the model refused: {message['refusal']}", vendor=VENDOR)
        content = message.get("content")
        try:
            data = json.loads(content) if isinstance(content, str) else None
        except ValueError:
            data = None
        if data is None:
            raise ProviderError(
                f"the model's {schema_name} answer is not JSON", retryable=True, vendor=VENDOR
            )
        try:
            jsonschema.validate(data, schema)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "the answer"
            raise ProviderError(
                f"the model's {schema_name} answer is invalid at {where}: {exc.message}",
                retryable=True,
                vendor=VENDOR,
            ) from None
        return data

    def title_ideas(self, ctx: StoryContext, *, count: int) -> list[TitleSuggestion]:
        schema = obj(
            titles=array(
                obj(text=text(3, 100), angle=text(0, 200), score=score()),
                min_items=count,
                max_items=count,
            )
        )
        data = self.complete(
            task=(
                f"Suggest exactly {count} distinct titles for this video. For each give the angle "
                "(why a viewer would click, one short phrase) and a score from 0 to 1 estimating "
                "its pull."
            ),
            schema_name="title_ideas",
            schema=schema,
            ctx=ctx,
        )
        return [
            TitleSuggestion(text=t["text"].strip(), angle=t["angle"], score=float(t["score"]))
            for t in data["titles"]
        ]

    def outline(self, ctx: StoryContext, *, chapters: int) -> list[ChapterOutline]:
        schema = obj(
            chapters=array(
                obj(title=text(1, 120), beats=array(text(1, 300), min_items=1, max_items=6)),
                min_items=chapters,
                max_items=chapters,
            )
        )
        data = self.complete(
            task=(
                f"Write an outline of exactly {chapters} chapters. Each chapter has a title and "
                "one to six beats (short sentences saying what happens)."
            ),
            schema_name="outline",
            schema=schema,
            ctx=ctx,
        )
        return [
            ChapterOutline(title=c["title"].strip(), beats=tuple(b.strip() for b in c["beats"]))
            for c in data["chapters"]
        ]

    def hook(self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...]) -> str:
        data = self.complete(
            task=(
                "Write the spoken hook: the first 5 to 15 seconds of narration, which must make "
                f"the viewer stay.\nOutline:\n{_outline_text(outline)}"
            ),
            schema_name="hook",
            schema=obj(hook=text(10, 800)),
            ctx=ctx,
        )
        return str(data["hook"]).strip()

    def narration(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], index: int, words: int
    ) -> str:
        if not 0 <= index < len(outline):
            raise ProviderError(f"no chapter {index} in the outline", vendor=VENDOR)
        chapter = outline[index]
        data = self.complete(
            task=(
                f"Write the narration of chapter {index + 1}, '{chapter.title}', in about {words} "
                "words of plain spoken prose (no headings, no stage directions), covering its "
                f"beats in order.\nOutline:\n{_outline_text(outline)}"
            ),
            schema_name="narration",
            schema=obj(narration=text(1)),
            ctx=ctx,
        )
        return str(data["narration"]).strip()

    def notes(self, ctx: StoryContext, *, hook: str, chapters: tuple[str, ...]) -> ScriptNotes:
        schema = obj(
            hook_strength=score(),
            risks=array(text(1, 300), max_items=8),
            pacing=array(text(1, 300), min_items=len(chapters), max_items=len(chapters)),
        )
        listing = "\n\n".join(f"Chapter {i + 1}:\n{c}" for i, c in enumerate(chapters))
        data = self.complete(
            task=(
                "Review this script. Rate the hook's strength from 0 to 1, list risks (claims to "
                f"check, slow parts), and give exactly {len(chapters)} pacing notes, one per "
                f"chapter.\nHook:\n{hook}\n\n{listing}"
            ),
            schema_name="script_notes",
            schema=schema,
            ctx=ctx,
        )
        return ScriptNotes(
            hook_strength=float(data["hook_strength"]),
            risks=tuple(data["risks"]),
            pacing=tuple(data["pacing"]),
        )

    def bible(self, ctx: StoryContext, *, narration: tuple[str, ...]) -> list[BibleSuggestion]:
        entry = obj(
            kind={"type": "string", "enum": ["character", "location"]},
            name=text(1, 60),
            description=text(1, 400),
            color={"type": "string", "pattern": "^(#[0-9a-fA-F]{6})?$"},
            shape=text(0, 40),
        )
        data = self.complete(
            task=(
                "List the recurring characters and locations of this narration that the visuals "
                "must keep consistent: a name, a visual description, a main colour as #rrggbb and "
                "one word for the shape.\n\n" + "\n\n".join(narration)
            ),
            schema_name="visual_bible",
            schema=obj(entries=array(entry, max_items=12)),
            ctx=ctx,
        )
        return [
            BibleSuggestion(
                kind=e["kind"],
                name=e["name"].strip(),
                description=e["description"].strip(),
                color=e["color"],
                shape=e["shape"],
            )
            for e in data["entries"]
        ]

    def shot_ideas(
        self,
        ctx: StoryContext,
        *,
        segments: tuple[ShotSegment, ...],
        bible: tuple[BibleSuggestion, ...],
    ) -> list[ShotIdea]:
        characters = [b.name for b in bible if b.kind == "character"]
        locations = [b.name for b in bible if b.kind == "location"]
        shot = obj(
            kind={"type": "string", "enum": ["image", "video", "talking_head"]},
            prompt=text(3, 1000),
            characters=array(_choice(characters), max_items=len(characters)),
            location=_choice(locations, allow_empty=True),
            transition={"type": "string", "enum": ["cut", "crossfade"]},
        )
        listing = "\n".join(
            f"{s.index + 1}. [{s.start:.1f}-{s.end:.1f} s] {s.text}" for s in segments
        )
        cast = "\n".join(f"- {b.kind} {b.name}: {b.description}" for b in bible) or "- none"
        data = self.complete(
            task=(
                f"Plan exactly {len(segments)} shots, one per narration segment, in order. For "
                "each: the kind (image, video or talking_head), an image prompt, the characters "
                "and location shown (names from the bible only) and the transition into it.\n"
                f"Bible:\n{cast}\nSegments:\n{listing}"
            ),
            schema_name="shot_plan",
            schema=obj(
                shots=array(shot, min_items=len(segments), max_items=len(segments)),
            ),
            ctx=ctx,
        )
        return [
            ShotIdea(
                kind=s["kind"],
                prompt=s["prompt"].strip(),
                characters=tuple(s["characters"]),
                location=s["location"],
                transition=s["transition"],
            )
            for s in data["shots"]
        ]

    def publish_copy(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], hook: str
    ) -> PublishCopy:
        data = self.complete(
            task=(
                "Write the YouTube description (2 to 5 short paragraphs, chapter list welcome) "
                f"and up to 15 tags.\nHook:\n{hook}\nOutline:\n{_outline_text(outline)}"
            ),
            schema_name="publish_copy",
            schema=obj(description=text(1, 5000), tags=array(text(1, 100), max_items=15)),
            ctx=ctx,
        )
        return PublishCopy(
            description=data["description"].strip(), tags=tuple(t.strip() for t in data["tags"])
        )


def _system_prompt(ctx: StoryContext) -> str:
    facts = {
        "idea": ctx.idea,
        "title": ctx.title,
        "niche": ctx.niche,
        "audience": ctx.audience,
        "tone": ctx.tone,
        "language": ctx.language,
        "video style": ctx.video_style,
        "visual style": ctx.visual_style,
        "target length (seconds)": ctx.target_seconds,
        "inspiring titles": "; ".join(ctx.references),
    }
    lines = "\n".join(f"- {k}: {v}" for k, v in facts.items() if v not in ("", None))
    return (
        "You write scripts for a YouTube channel's narrated videos. Write in the video's "
        "language. Answer with one JSON object that matches the given schema, nothing else.\n"
        f"The video:\n{lines}"
    )


def _outline_text(outline: Sequence[ChapterOutline]) -> str:
    return "\n".join(f"{i + 1}. {c.title}: " + " / ".join(c.beats) for i, c in enumerate(outline))


# --- speech -------------------------------------------------------------------------------------


class OpenAICompatibleSpeech:
    """SpeechProvider on ``/audio/speech`` (WAV out; no word timings — the timings provider
    measures them)."""

    name = VENDOR

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def synthesize(self, request: SpeechRequest, *, workdir: Path) -> SpeechResult:
        if not request.text.strip():
            raise ProviderError("nothing to say", vendor=VENDOR)
        body = {
            "model": settings.OPENAI_TTS_MODEL,
            "input": request.text,
            "voice": request.voice_id or settings.OPENAI_TTS_VOICE,
            "response_format": "wav",
            "speed": min(4.0, max(0.25, request.speed)),
        }
        with _client(self._sleep) as client:
            response = client.request("POST", "/audio/speech", json=body)
        audio = response.content
        if sniff_content_type(audio[:16]) != "audio/wav":
            raise ProviderError("the speech API did not answer with WAV audio", vendor=VENDOR)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"speech-{uuid.uuid4().hex[:8]}.wav"
        path.write_bytes(audio)
        return SpeechResult(
            audio=MediaFile(path=path, content_type="audio/wav", duration=wav_duration(path))
        )

    def voices(self) -> list[Voice]:
        return [
            Voice(id=v, name=v.title(), language="en-US", engine=VENDOR, description="multilingual")
            for v in OPENAI_VOICES
        ]
