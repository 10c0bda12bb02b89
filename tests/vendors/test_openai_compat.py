"""OpenAI-compatible text (JSON schema output, validated) and speech."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.vendors.conftest import Waits
from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    ProviderError,
    ShotSegment,
    SpeechRequest,
    StoryContext,
    TextProvider,
)
from vendors.http.openai_compat import OpenAICompatibleSpeech, OpenAICompatibleText
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
