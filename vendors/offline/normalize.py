"""Numbers, symbols and abbreviations spelt out as the words a voice will say, token by token.

A speech engine reads "1999" as several words ("nineteen ninety-nine") and "Dr." as "Doctor";
to give every script word its own timing, the script is normalised before synthesis one
whitespace token at a time, so each spoken word still knows which script word it belongs to.
Numbers go through ``num2words`` in the narration's language (English, Spanish, French, Italian,
Portuguese; other languages keep their digits, which espeak-ng expands itself).
"""

from __future__ import annotations

import re
from functools import cache

_NUMBER_RE = re.compile(r"^(?P<pre>[^\w$€£]*)(?P<cur>[$€£]?)(?P<num>\d[\d,.]*)(?P<suf>.*)$")
_ORDINAL_RE = re.compile(r"^(st|nd|rd|th|º|ª|er|e|ème|°)$", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?…\"')]»”"

NUM2WORDS_LANG = {"en": "en", "es": "es", "fr": "fr", "it": "it", "pt": "pt_BR"}

WORDS = {
    "en": {"%": "percent", "&": "and", "+": "plus", "$": "dollars", "€": "euros", "£": "pounds"},
    "es": {"%": "por ciento", "&": "y", "+": "más", "$": "dólares", "€": "euros", "£": "libras"},
    "fr": {"%": "pour cent", "&": "et", "+": "plus", "$": "dollars", "€": "euros", "£": "livres"},
    "it": {"%": "per cento", "&": "e", "+": "più", "$": "dollari", "€": "euro", "£": "sterline"},
    "pt": {"%": "por cento", "&": "e", "+": "mais", "$": "dólares", "€": "euros", "£": "libras"},
}

ABBREVIATIONS = {
    "en": {
        "mr.": "Mister", "mrs.": "Missus", "ms.": "Miz", "dr.": "Doctor", "st.": "Saint",
        "prof.": "Professor", "vs.": "versus", "etc.": "et cetera", "e.g.": "for example",
        "i.e.": "that is", "no.": "number", "approx.": "approximately", "jr.": "Junior",
    },
    "es": {
        "sr.": "señor", "sra.": "señora", "srta.": "señorita", "dr.": "doctor", "dra.": "doctora",
        "etc.": "etcétera", "ud.": "usted", "uds.": "ustedes", "p.ej.": "por ejemplo",
    },
    "fr": {"m.": "monsieur", "mme": "madame", "mlle": "mademoiselle", "dr": "docteur",
           "etc.": "et cetera"},
    "it": {"sig.": "signor", "sig.ra": "signora", "dott.": "dottor", "ecc.": "eccetera"},
    "pt": {"sr.": "senhor", "sra.": "senhora", "dr.": "doutor", "dra.": "doutora",
           "etc.": "et cetera"},
}  # fmt: skip


def base_language(language: str) -> str:
    return (language or "en").lower().replace("_", "-").split("-")[0]


@cache
def _num2words() -> object | None:
    try:
        from num2words import num2words
    except ImportError:  # pragma: no cover - a base install without the media extra
        return None
    return num2words


def _number_words(raw: str, lang: str, *, ordinal: bool = False) -> str | None:
    convert = _num2words()
    code = NUM2WORDS_LANG.get(lang)
    if convert is None or code is None:
        return None
    text = raw
    if lang == "en":
        text = text.replace(",", "")  # 1,000
    else:
        # 1.000,5 (es, it, pt) / 1 000,5 (fr): dots group thousands, a comma is the decimal mark
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
    text = text.rstrip(".")
    try:
        value: float | int = float(text) if "." in text else int(text)
    except ValueError:
        return None
    try:
        if ordinal and isinstance(value, int):
            spoken = convert(value, lang=code, to="ordinal")  # type: ignore[operator]
        elif lang == "en" and isinstance(value, int) and 1100 <= value <= 2099 and raw == text:
            spoken = convert(value, lang=code, to="year")  # type: ignore[operator]
        else:
            spoken = convert(value, lang=code)  # type: ignore[operator]
    except (NotImplementedError, OverflowError, ValueError, TypeError):
        return None
    return str(spoken).replace(",", "")


def spoken_token(token: str, language: str) -> str:
    """What a voice should say for one whitespace token of the script, punctuation kept where
    it marks a pause ("1999," -> "nineteen ninety-nine,"; "Dr." -> "Doctor"; "50%" -> "fifty
    percent"). Tokens with nothing to expand come back unchanged."""
    lang = base_language(language)
    lowered = token.lower()
    abbreviations = ABBREVIATIONS.get(lang, {})
    stripped = lowered.rstrip(",;:!?")
    if stripped in abbreviations:
        return abbreviations[stripped] + token[len(stripped) :]
    words = WORDS.get(lang, {})
    if token in words:
        return words[token]
    match = _NUMBER_RE.match(token)
    if not match:
        return token
    pre, cur, num, suf = match["pre"], match["cur"], match["num"], match["suf"]
    trail = ""
    while num and num[-1] in ".,":
        trail = num[-1] + trail
        num = num[:-1]
    core_suffix = suf.rstrip(_TRAILING_PUNCT)
    tail = trail + suf[len(core_suffix) :]
    ordinal = bool(_ORDINAL_RE.match(core_suffix))
    spoken = _number_words(num, lang, ordinal=ordinal)
    if spoken is None:
        return token
    extra = "" if ordinal else core_suffix
    if extra in words:
        extra = words[extra]
    elif extra == "s" and lang == "en":  # the 1990s
        spoken = spoken[:-1] + "ies" if spoken.endswith("y") else spoken + "s"
        extra = ""
    parts = [spoken]
    if extra:
        parts.append(extra)
    if cur:
        parts.append(words.get(cur, ""))
    return (pre + " ".join(p for p in parts if p)).strip() + tail
