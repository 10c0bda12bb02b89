"""OpenAI-compatible text (JSON schema output, validated) and speech."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import pytest

from tests.vendors.conftest import Waits
from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    Fact,
    ProviderError,
    ShotSegment,
    SpeechRequest,
    StoryContext,
    TextProvider,
)
from vendors.http.openai_compat import OpenAICompatibleSpeech, OpenAICompatibleText, parse_answer
from vendors.simulator import Simulator

CTX = StoryContext(idea="How the Voyager probes left the solar system", niche="space history")
OUTLINE = (
    ChapterOutline(title="Launch", beats=("1977", "two probes")),
    ChapterOutline(title="Grand tour", beats=("Jupiter", "Saturn")),
)


def test_the_adapter_is_a_text_provider() -> None:
    assert isinstance(OpenAICompatibleText(), TextProvider)


def test_a_request_asks_for_strict_json_schema_output(sim: Simulator, waits: Waits) -> None:
    titles = OpenAICompatibleText(sleep=waits).title_ideas(CTX, count=3)

    (sent,) = sim.requests("openai")
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sim-openai-key"
    body = sent.json()
    assert body["model"] == "gpt-4o-mini"
    assert body["messages"][0]["role"] == "system"
    assert "Voyager" in body["messages"][0]["content"]
    schema_format = body["response_format"]
    assert schema_format["type"] == "json_schema"
    assert schema_format["json_schema"]["name"] == "title_ideas"
    assert schema_format["json_schema"]["strict"] is True
    schema = schema_format["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["titles"]["minItems"] == 3
    assert "minLength" not in str(schema)  # not supported by strict mode; checked locally
    assert len(titles) == 3
    assert all(0 <= t.score <= 1 and t.text for t in titles)


def test_every_text_method_returns_structurally_valid_values(sim: Simulator, waits: Waits) -> None:
    writer = OpenAICompatibleText(sleep=waits)
    bible = (
        BibleSuggestion(kind="character", name="Voyager 1", description="a probe"),
        BibleSuggestion(kind="location", name="Jupiter", description="a gas giant"),
    )
    segments = (
        ShotSegment(index=0, text="In 1977", start=0.0, end=3.0, chapter_index=0),
        ShotSegment(index=1, text="two probes", start=3.0, end=6.0, chapter_index=0),
    )

    outline = writer.outline(CTX, chapters=4)
    hook = writer.hook(CTX, outline=OUTLINE)
    text = writer.narration(CTX, outline=OUTLINE, index=1, words=120)
    notes = writer.notes(CTX, hook=hook, chapters=("one", "two"))
    entries = writer.bible(CTX, narration=(text,))
    shots = writer.shot_ideas(CTX, segments=segments, bible=bible)
    copy = writer.publish_copy(CTX, outline=OUTLINE, hook=hook)

    assert len(outline) == 4
    assert all(c.title and 1 <= len(c.beats) <= 6 for c in outline)
    assert hook
    assert text
    assert len(notes.pacing) == 2
    assert notes.hook_strength is not None  # a model rates the hook
    assert 0 <= notes.hook_strength <= 1
    assert all(e.kind in ("character", "location") for e in entries)
    assert all(e.color == "" or e.color.startswith("#") for e in entries)
    assert len(shots) == 2
    assert all(set(s.characters) <= {"Voyager 1"} for s in shots)
    assert all(s.location in ("", "Jupiter") for s in shots)
    assert copy.description


@pytest.mark.parametrize(
    ("outcome", "retryable", "says"),
    [
        ("malformed", True, "not JSON"),
        ("wrong_shape", True, "invalid"),
        ("truncated", False, "cut off"),
        ("fail", True, "500"),
    ],
)
def test_a_bad_answer_is_refused(
    sim: Simulator, waits: Waits, outcome: str, retryable: bool, says: str
) -> None:
    sim.behave("openai", outcome=outcome)

    with pytest.raises(ProviderError) as error:
        OpenAICompatibleText(sleep=waits).hook(CTX, outline=OUTLINE)

    assert error.value.retryable is retryable
    assert says in str(error.value)


def test_the_facts_come_first_as_plain_sentences_marked_when_uncertain(
    sim: Simulator, waits: Waits
) -> None:
    facts = OpenAICompatibleText(sleep=waits).facts(CTX)

    (sent,) = sim.requests("openai")
    body = sent.json()
    assert body["response_format"]["json_schema"]["name"] == "facts"
    item = body["response_format"]["json_schema"]["schema"]["properties"]["facts"]["items"]
    assert item["properties"]["uncertain"] == {"type": "boolean"}
    assert "no numbers" in body["messages"][1]["content"]
    assert facts
    assert all(isinstance(f, Fact) and f.text for f in facts)


def test_outline_hook_and_narration_are_written_from_the_facts(
    sim: Simulator, waits: Waits
) -> None:
    ctx = StoryContext(
        idea=CTX.idea,
        facts=(
            Fact("Voyager 1 and Voyager 2 were launched in 1977."),
            Fact("Voyager 1 crossed the heliopause first.", uncertain=True),
        ),
    )
    writer = OpenAICompatibleText(sleep=waits)

    writer.outline(ctx, chapters=2)
    writer.hook(ctx, outline=OUTLINE)
    writer.narration(ctx, outline=OUTLINE, index=0, words=80)

    for sent in sim.requests("openai"):
        task = sent.json()["messages"][1]["content"]
        assert "- Voyager 1 and Voyager 2 were launched in 1977." in task
        assert "- Voyager 1 crossed the heliopause first. (uncertain)" in task
    narration_task = sim.requests("openai")[-1].json()["messages"][1]["content"]
    assert "State only facts from the list" in narration_task


def test_a_server_that_refuses_json_schema_is_asked_for_json_object_with_the_schema_in_the_prompt(
    sim: Simulator, waits: Waits
) -> None:
    sim.behave("openai", formats=["json_object", "text"])  # llama-cpp-python's server
    writer = OpenAICompatibleText(sleep=waits)

    hook = writer.hook(CTX, outline=OUTLINE)
    writer.hook(CTX, outline=OUTLINE)

    first, second, third = (r.json() for r in sim.requests("openai"))
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    assert '"hook"' in second["messages"][1]["content"]  # the schema, in the prompt
    assert '"maxLength": 800' in second["messages"][1]["content"]
    assert third["response_format"] == {"type": "json_object"}  # remembered: no second refusal
    assert hook
    assert waits == []  # a refused format is not retried


def test_a_text_only_server_gets_the_schema_in_the_prompt_and_its_fenced_answer_is_read(
    sim: Simulator, waits: Waits
) -> None:
    sim.behave("openai", formats=["text"])

    titles = OpenAICompatibleText(sleep=waits).title_ideas(CTX, count=2)

    kinds = [r.json().get("response_format", {}).get("type") for r in sim.requests("openai")]
    assert kinds == ["json_schema", "json_object", None]
    assert len(titles) == 2


def test_the_format_can_be_fixed_by_setting(sim: Simulator, waits: Waits, settings: Any) -> None:
    settings.OPENAI_STRUCTURED_OUTPUT = "text"

    OpenAICompatibleText(sleep=waits).hook(CTX, outline=OUTLINE)

    (sent,) = sim.requests("openai")
    assert "response_format" not in sent.json()


def test_a_server_that_refuses_every_format_says_which_setting_to_change(
    sim: Simulator, waits: Waits, settings: Any
) -> None:
    settings.OPENAI_STRUCTURED_OUTPUT = "json_schema"
    sim.behave("openai", formats=["json_object"])

    with pytest.raises(ProviderError, match="OPENAI_STRUCTURED_OUTPUT"):
        OpenAICompatibleText(sleep=waits).hook(CTX, outline=OUTLINE)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"hook": "a"}', {"hook": "a"}),
        ('```json\n{"hook": "a"}\n```', {"hook": "a"}),
        ('```\n{"hook": "a"}\n```', {"hook": "a"}),
        ('Sure! Here it is:\n\n{"hook": "a"}\n\nHope that helps.', {"hook": "a"}),
        ("Sure! Here is the JSON you asked for: {", None),
        ("[1, 2]", None),
        ("", None),
    ],
)
def test_the_tolerant_parser(content: str, expected: Any) -> None:
    assert parse_answer(content) == expected


def test_speech_is_requested_as_wav(sim: Simulator, waits: Waits, tmp_path: Path) -> None:
    result = OpenAICompatibleSpeech(sleep=waits).synthesize(
        SpeechRequest(text="one two three four five", voice_id="nova"), workdir=tmp_path
    )

    body = sim.requests("openai", "/v1/audio/speech")[0].json()
    assert body == {
        "model": "gpt-4o-mini-tts",
        "input": "one two three four five",
        "voice": "nova",
        "response_format": "wav",
        "speed": 1.0,
    }
    assert result.audio.content_type == "audio/wav"
    assert result.audio.duration == pytest.approx(2.0, abs=0.05)
    with wave.open(str(result.audio.path), "rb") as audio:
        assert audio.getnframes() > 0
