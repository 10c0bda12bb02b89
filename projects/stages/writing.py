"""Rules every text provider's output obeys before it lands, whoever wrote it (the offline
placeholder or a language model): the idea's subject in titles, YouTube's limits, facts without
invented numbers, narration within its budget, transitions at chapter starts and the shot budget.

The providers are asked to follow them too; these functions make sure, so a model that ignores an
instruction cannot put a 140-character title or a shot plan of nothing but vendor videos into a
project. Pure functions over the values of ``vendors.base``.
"""

from __future__ import annotations

import re
from typing import Any

from vendors.base import (
    ChapterOutline,
    Fact,
    ProviderError,
    PublishCopy,
    ShotIdea,
    ShotSegment,
    StoryContext,
    TitleSuggestion,
)
from vendors.text import cjk_script, word_count

TITLE_LIMIT = 100  # YouTube's limits
DESCRIPTION_LIMIT = 5000
TAG_LIMIT = 30
TAGS_TOTAL_LIMIT = 500
MAX_TAGS = 15
MAX_FACTS = 8
FACT_LIMIT = 300
NARRATION_SLACK = 1.3  # narration past its word budget by more than this is clipped
EXPENSIVE_SHOTS = ("video", "talking_head")  # at most a third of the shots
USER = "user"
PLACEHOLDER_WRITER = "offline"  # the template stub's text, marked as placeholder in the product


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LEADING = _wordset(
    """
    why how what when where who whom which whose do does did is are was were can could will would
    should the a an some our your my these those this that there really actually ever so just
    """
)
# Where a subject ends: verbs, auxiliaries, prepositions, conjunctions, relative words.
_BOUNDARY = _wordset(
    """
    have has had having is are was were be been being do does did can could will would should may
    might must get gets got make makes made left leave leaves went go goes came come comes need
    needs use uses used keep keeps never always still really actually who which that where when
    why how of in on at to for from with without by about into onto over under after before
    between through and or but so than as if because while vs
    """
)
_NUMBERS = _wordset(
    """
    zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred hundreds thousand thousands million millions billion billions
    """
)
_DIGITS = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[\w'\u2019-]+")


def writer_of(provider: Any) -> str:
    """How an artifact records its writer: ``offline`` (the placeholder) or ``openai:<model>``."""
    model = str(getattr(provider, "model", "") or "")
    if getattr(provider, "placeholder", False) or not model:
        return str(provider.name)
    return f"{provider.name}:{model}"


def text_provider_info(provider: Any) -> dict[str, Any]:
    """What the web app and the payload say about the text provider that is writing."""
    return {
        "name": str(provider.name),
        "model": str(getattr(provider, "model", "") or ""),
        "placeholder": bool(getattr(provider, "placeholder", False)),
        "writer": writer_of(provider),
    }


# --- titles ---------------------------------------------------------------------------------


def _stem(word: str) -> str:
    """A plural's singular, roughly: octopuses → octopus, stories → story, probes → probe."""
    word = word.casefold().strip("'\u2019-")
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def subject_of(idea: str) -> str:
    """The idea's subject: its first noun phrase after a question word ("Why octopuses have three
    hearts" → "octopuses", "The lighthouse keeper who never left" → "lighthouse keeper"), at most
    three words; "" when the idea has none."""
    words = _WORD.findall(idea)
    i = 0
    while i < len(words) and (words[i].casefold() in _LEADING or words[i].casefold() in _NUMBERS):
        i += 1
    subject: list[str] = []
    for word in words[i:]:
        if word.casefold() in _BOUNDARY or len(subject) == 3:
            break
        subject.append(word)
    return " ".join(subject)


def keeps_subject(title: str, subject: str) -> bool:
    """Whether a title names the subject (any of its words, singular or plural)."""
    if not subject:
        return True
    title_stems = {_stem(w) for w in _WORD.findall(title)}
    return any(_stem(w) in title_stems for w in _WORD.findall(subject))


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-—")


def checked_titles(suggestions: list[TitleSuggestion], ctx: StoryContext) -> list[TitleSuggestion]:
    """Titles within YouTube's 100 characters, each naming the idea's subject (a title without it
    is led by it: "Octopuses: Three Hearts, One Body"), no two alike."""
    subject = subject_of(ctx.idea)
    lead = subject[:1].upper() + subject[1:]
    out: list[TitleSuggestion] = []
    seen: set[str] = set()
    for s in suggestions:
        title = " ".join(str(s.text).split())
        if not title:
            continue
        if not keeps_subject(title, subject):
            title = f"{lead}: {title}"
        title = clip(title, TITLE_LIMIT)
        if title.casefold() in seen:
            continue
        seen.add(title.casefold())
        score = min(1.0, max(0.0, float(s.score or 0.0)))
        out.append(TitleSuggestion(title, " ".join(str(s.angle).split())[:300], score))
    return out


# --- facts, outline, narration --------------------------------------------------------------


def _figures(text: str) -> set[str]:
    return {m.group(0).rstrip(".,") for m in _DIGITS.finditer(text)}


def checked_facts(facts: list[Fact], ctx: StoryContext) -> list[Fact]:
    """At most eight facts, each one plain sentence within 300 characters; a figure the creator
    did not give (in the idea or title) is a figure the writer may have invented, so its fact is
    marked uncertain whatever the writer said."""
    given = _figures(f"{ctx.idea} {ctx.title}")
    out: list[Fact] = []
    for fact in facts:
        text = clip(fact.text, FACT_LIMIT)
        if not text or text.casefold() in {f.text.casefold() for f in out}:
            continue
        invented = bool(_figures(text) - given)
        out.append(Fact(text=text, uncertain=bool(fact.uncertain) or invented))
    return out[:MAX_FACTS]


def facts_from_rows(rows: Any) -> tuple[Fact, ...]:
    """The stored ``[{"text", "uncertain"}]`` as values."""
    return tuple(
        Fact(text=str(r.get("text", "")), uncertain=bool(r.get("uncertain", False)))
        for r in rows or ()
        if isinstance(r, dict) and str(r.get("text", "")).strip()
    )


def facts_as_rows(facts: list[Fact] | tuple[Fact, ...]) -> list[dict[str, Any]]:
    return [{"text": f.text, "uncertain": f.uncertain} for f in facts]


def checked_outline(outline: list[ChapterOutline], wanted: int) -> list[ChapterOutline]:
    cleaned = [
        ChapterOutline(
            title=clip(o.title, 200),
            beats=tuple(clip(b, 300) for b in o.beats if b and b.strip())[:8],
        )
        for o in outline
        if o.title and o.title.strip()
    ]
    if not cleaned:
        raise ProviderError("the text provider wrote an empty outline")
    return cleaned[: max(wanted, 1) + 2]


def checked_narration(text: str, words: int) -> str:
    """One line of prose within ``NARRATION_SLACK`` times its word budget: longer narration is
    cut at the last sentence end that fits (or the last word, when no sentence ends in time)."""
    text = " ".join(text.split())
    limit = max(1, round(words * NARRATION_SLACK))
    if word_count(text) <= limit:
        return text
    if cjk_script(text) in ("ja", "zh"):
        return _clipped_unspaced(text, limit)
    tokens = text.split()[:limit]
    cut = " ".join(tokens)
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if cut[-1:] in ".!?":
        return cut
    if end > len(cut) // 2:
        return cut[: end + 1]
    return cut.rstrip(",;:-—") + "."


_UNSPACED_END = "[。\uff01\uff1f!?][」』\u201d\uff09)]*"
_UNSPACED_PAUSES = "、\uff0c,;\uff1b:\uff1a"


def _clipped_unspaced(text: str, limit: int) -> str:
    """:func:`checked_narration`'s cut for Japanese and Chinese, which have no spaces: the
    longest run of whole sentences (to a full stop, ! or ?, full-width or not, and any closing
    quote after it) within ``limit``; failing that, the characters that fit, closed with 。."""
    ends = [m.end() for m in re.finditer(_UNSPACED_END, text)]
    fitting = [end for end in ends if word_count(text[:end]) <= limit]
    if fitting:
        return text[: fitting[-1]].strip()
    cut = 1
    while cut < len(text) and word_count(text[: cut + 1]) <= limit:
        cut += 1
    return text[:cut].rstrip(_UNSPACED_PAUSES) + "。"


# --- shots ----------------------------------------------------------------------------------


def checked_shot_ideas(ideas: list[ShotIdea], segments: tuple[ShotSegment, ...]) -> list[ShotIdea]:
    """One idea per segment (a missing one: a still of the segment's line). A crossfade exactly
    where a chapter starts (not the first shot), cuts elsewhere; and at most a third of the shots
    need the expensive video or talking-head step, the earliest ones kept."""
    budget = len(segments) // 3
    out: list[ShotIdea] = []
    previous: int | None = None
    for i, segment in enumerate(segments):
        idea = ideas[i] if i < len(ideas) else ShotIdea(kind="image", prompt=segment.text)
        kind = idea.kind
        if kind in EXPENSIVE_SHOTS:
            if budget > 0:
                budget -= 1
            else:
                kind = "image"
        chapter_start = previous is not None and segment.chapter_index != previous
        previous = segment.chapter_index
        out.append(
            ShotIdea(
                kind=kind,
                prompt=idea.prompt.strip() or segment.text,
                characters=idea.characters,
                location=idea.location,
                transition="crossfade" if chapter_start else "cut",
            )
        )
    return out


# --- publish copy ---------------------------------------------------------------------------


def checked_publish_copy(copy: PublishCopy) -> PublishCopy:
    """YouTube's limits: a description of at most 5,000 characters without angle brackets
    (YouTube refuses them), at most 15 distinct tags of at most 30 characters, 500 in all
    (a tag with a space counts its quotes, and a comma between tags)."""
    description = copy.description.replace("<", "").replace(">", "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        description = description[:DESCRIPTION_LIMIT].rsplit("\n", 1)[0].rstrip()
    tags: list[str] = []
    total = 0
    for raw in copy.tags:
        tag = clip(re.sub(r"[<>,#\"]", "", str(raw)).strip(), TAG_LIMIT)
        if not tag or tag.casefold() in {t.casefold() for t in tags}:
            continue
        cost = len(tag) + (2 if " " in tag else 0) + (1 if tags else 0)
        if total + cost > TAGS_TOTAL_LIMIT:
            continue
        tags.append(tag)
        total += cost
        if len(tags) == MAX_TAGS:
            break
    return PublishCopy(description=description, tags=tuple(tags))
