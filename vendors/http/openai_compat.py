"""OpenAI-compatible text (chat completions with structured output) and speech.

Works with OpenAI, Ollama ≥ 0.5 (``http://localhost:11434/v1``), vLLM, llama.cpp's server and
llama-cpp-python's: ``OPENAI_BASE_URL`` ends in ``/v1``.

Text (../shared/docs/vendors.md §4): ``POST {base}/chat/completions``; the answer is a JSON string
in ``choices[0].message.content``, ``finish_reason: "length"`` means it was cut off. Structured
output as far as the server goes (``OPENAI_STRUCTURED_OUTPUT``, default ``auto``):
``"response_format": {"type": "json_schema", ...}`` first; a server that refuses it
(llama-cpp-python answers 500 "response_format.type should be 'text' or 'json_object'") is asked
again with ``{"type": "json_object"}`` and the schema in the prompt, and one that refuses that too
with plain text and the schema in the prompt, its answer read by a tolerant parser (code fences
and prose around the object stripped). What a server accepted is remembered for the process.
Engines enforce schemas to different degrees (Ollama Cloud ignores them), so every answer is
validated here against the full schema (string lengths included) and refused with
``ProviderError`` when it does not hold. Engines get the schema without string length limits,
which OpenAI's strict mode does not support; counts, ranges, enums and patterns are sent.

Explainers stay true by writing the facts first (:meth:`OpenAICompatibleText.facts`: a few plain
sentences, no invented numbers, uncertain ones marked); the outline, hook and narration are
written from ``ctx.facts``, the list the creator may have edited.

Speech: ``POST {base}/audio/speech`` ``{"model", "input", "voice", "response_format": "wav",
"speed"}`` → the audio bytes.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    Fact,
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
from vendors.text import length_target

from .audio import wav_duration
from .client import Sleep, VendorClient, sniff_content_type, vendor_message

VENDOR = "openai"
# The response formats we can read, best first (OPENAI_STRUCTURED_OUTPUT: one of them or "auto").
FORMATS = ("json_schema", "json_object", "text")
MAX_FACTS = 8

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


class _FormatRefused(Exception):
    """The server refused the response_format we asked for (not the request as such)."""


# Servers say so in many words: llama-cpp-python answers 500 "response_format.type should be
# 'text' or 'json_object'", some llama.cpp builds 400 "Either json_schema or grammar ...", others
# "unsupported response_format".
_REFUSAL = re.compile(r"response_format|json_schema|json_object|grammar|structured|schema", re.I)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)


def parse_answer(content: str) -> Any:
    """The JSON object in a model's answer, tolerantly: as it is, inside a code fence, or the
    outermost ``{...}`` of prose around it. None when there is none."""
    text = content.strip()
    candidates = [text]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        candidates.append(text[first : last + 1])
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None


def schema_prompt(schema: dict[str, Any]) -> str:
    """The schema spelled out in the prompt, for servers that cannot be given it otherwise."""
    return (
        "Answer with one JSON object that matches this JSON schema (every property required, "
        "string lengths included), and nothing else:\n```json\n"
        + json.dumps(schema, indent=1)
        + "\n```"
    )


# What each base URL and model was found to accept (auto mode), forgotten when a setting changes.
_accepted: dict[tuple[str, str], str] = {}
_accepted_lock = threading.Lock()


@receiver(setting_changed)
def _forget_formats(*, setting: str, **_: Any) -> None:
    if setting.startswith("OPENAI_"):
        with _accepted_lock:
            _accepted.clear()


def _modes() -> tuple[str, ...]:
    """The response formats to try, in order: the one set in OPENAI_STRUCTURED_OUTPUT, or (auto)
    from the one this server accepted last down to plain text."""
    chosen = settings.OPENAI_STRUCTURED_OUTPUT
    if chosen in FORMATS:
        return (chosen,)
    with _accepted_lock:
        known = _accepted.get((settings.OPENAI_BASE_URL, settings.OPENAI_MODEL), FORMATS[0])
    return FORMATS[FORMATS.index(known) :]


class OpenAICompatibleText:
    """TextProvider on any OpenAI-compatible chat completions API with structured output."""

    name = VENDOR
    placeholder = False

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    @property
    def model(self) -> str:
        return str(settings.OPENAI_MODEL)

    def complete(self, *, task: str, schema_name: str, schema: dict, ctx: StoryContext) -> Any:
        """Ask for one JSON object matching ``schema``; validated before it is returned.

        Structured output as the server allows it: ``json_schema`` (the schema enforced by the
        engine), else ``json_object`` with the schema in the prompt, else plain text with the
        schema in the prompt, read by a tolerant parser. Whatever the server promised, the answer
        is checked against the full schema here.
        """
        refusals: list[str] = []
        for mode in _modes():
            body = self._body(mode, task=task, schema_name=schema_name, schema=schema, ctx=ctx)
            try:
                answer = self._post(body)
            except _FormatRefused as exc:
                refusals.append(f"{mode}: {exc}")
                continue
            with _accepted_lock:
                _accepted[(settings.OPENAI_BASE_URL, settings.OPENAI_MODEL)] = mode
            return self._read(answer, schema_name=schema_name, schema=schema)
        raise ProviderError(
            "the server refused every response format we can read ("
            + "; ".join(refusals)
            + "): set OPENAI_STRUCTURED_OUTPUT to one it accepts",
            vendor=VENDOR,
        )

    def _body(
        self, mode: str, *, task: str, schema_name: str, schema: dict, ctx: StoryContext
    ) -> dict[str, Any]:
        system = _system_prompt(ctx)
        user = task if mode == "json_schema" else f"{task}\n\n{schema_prompt(schema)}"
        body: dict[str, Any] = {
            "model": settings.OPENAI_MODEL,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "max_tokens": settings.OPENAI_MAX_TOKENS,
            "temperature": 0.7,
        }
        if mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "strict": True, "schema": structural(schema)},
            }
        elif mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _post(self, body: dict[str, Any]) -> Any:
        """One completion. A refusal of the response format raises :class:`_FormatRefused` at
        once (a server that cannot do it will not learn by retrying); anything else goes the
        usual way, retries included."""
        with _client(self._sleep) as client:
            if "response_format" in body:
                try:
                    response = client.send_once("POST", "/chat/completions", json=body)
                except httpx.TransportError:
                    response = None
                if response is not None and response.status_code in (400, 422, 500, 501):
                    message = vendor_message(response)
                    if _REFUSAL.search(message):
                        raise _FormatRefused(f"{response.status_code} {message}")
                if response is not None and response.status_code < 300:
                    try:
                        return response.json()
                    except ValueError:
                        pass
            return client.json("POST", "/chat/completions", json=body)

    def _read(self, answer: Any, *, schema_name: str, schema: dict) -> Any:
        try:
            choice = answer["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError):
            raise ProviderError("the model answered without a choice", vendor=VENDOR) from None
        if choice.get("finish_reason") == "length":
            # A bigger budget (OPENAI_MAX_TOKENS) is needed, not another try.
            raise ProviderError(
                f"the model's {schema_name} answer was cut off (finish_reason length): "
                "raise OPENAI_MAX_TOKENS",
                vendor=VENDOR,
            )
        if message.get("refusal"):
            raise ProviderError(f"the model refused: {message['refusal']}", vendor=VENDOR)
        content = message.get("content")
        data = parse_answer(content) if isinstance(content, str) else None
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

    def facts(self, ctx: StoryContext) -> list[Fact]:
        schema = obj(
            facts=array(
                obj(text=text(3, 300), uncertain={"type": "boolean"}),
                min_items=1,
                max_items=MAX_FACTS,
            )
        )
        data = self.complete(
            task=(
                f"Before anything is written, list the facts this video will state: 3 to "
                f"{MAX_FACTS} short plain sentences, one claim each, that a viewer could check. "
                "Only what is well established; no numbers, dates, names or quotes you are not "
                "sure of (leave them out rather than guess). Mark a fact uncertain when you are "
                "not certain it is true."
            ),
            schema_name="facts",
            schema=schema,
            ctx=ctx,
        )
        return [
            Fact(text=" ".join(f["text"].split()), uncertain=bool(f["uncertain"]))
            for f in data["facts"]
        ]

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
                "one to six beats (short sentences saying what happens). Build it on the facts "
                f"below and promise nothing they do not support.\n{_facts_text(ctx)}"
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
                "the viewer stay. Any question it asks, the video answers; it states nothing the "
                f"facts do not.\nOutline:\n{_outline_text(outline)}\n{_facts_text(ctx)}"
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
                f"Write the narration of chapter {index + 1}, '{chapter.title}', in "
                f"{length_target(words, ctx.language)} of plain spoken prose (no headings, no "
                "stage directions), covering its beats in order. State only facts from the list "
                "below, in your own words; say an uncertain one as uncertain or leave it out; "
                "add no numbers, names or dates of your own."
                f"\nOutline:\n{_outline_text(outline)}\n{_facts_text(ctx)}"
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
        "You write scripts for a YouTube channel's narrated videos: clear, true and specific. "
        "Write in the video's language. Answer with one JSON object that matches the given "
        "schema, nothing else.\n"
        f"The video:\n{lines}"
    )


def _facts_text(ctx: StoryContext) -> str:
    if not ctx.facts:
        return "Facts: none given; state nothing you are not sure of."
    return "Facts:\n" + "\n".join(
        f"- {f.text}" + (" (uncertain)" if f.uncertain else "") for f in ctx.facts
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
