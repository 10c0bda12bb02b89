"""Reading a finished script: notes, the visual bible, shot ideas and the publish copy."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    PublishCopy,
    ScriptNotes,
    ShotIdea,
    ShotSegment,
    StoryContext,
)
from vendors.text import word_count

from . import _banks as banks
from . import _lexicon as lex
from ._facts import Facts
from ._script import context_key, fill, slots_for
from ._text import (
    capitalize_first,
    clip,
    color_for,
    finish_sentence,
    pick_by_hash,
    rng_for,
    sentences,
    wordset,
)

MAX_CHARACTERS = 6
MAX_LOCATIONS = 5
DESCRIPTION_LIMIT = 5000  # YouTube's limits
TAG_LIMIT = 30
TAGS_TOTAL_LIMIT = 500
MAX_TAGS = 15
MIN_TAGS = 5

CHARACTER_SHAPES = ("round", "tall", "angular", "slender", "broad", "small", "lanky", "sturdy")
LOCATION_SHAPES = (
    "wide",
    "towering",
    "sprawling",
    "narrow",
    "circular",
    "jagged",
    "flat",
    "vaulted",
)

# Words that never describe something a camera can show.
_ABSTRACT = wordset(
    """
    truth answer answers question questions idea ideas moment moments detail details pattern
    mechanism story stories thing things way ways part parts kind sense fact facts reason
    difference version list number today everything nothing something anything everyone someone
    nobody anyone one ones end start beginning lot bit while time times step steps result
    routine feeling chance choice key role surface picture practice rest minute second week
    """
)
_WEAK_OPENERS = re.compile(
    r"^\s*(hi|hello|hey|welcome|in this video|today we|today i|this video|in today's video)\b",
    re.I,
)
_UNITS = (
    r"percent|per cent|years?|months?|days?|hours?|minutes?|times|people|miles|kilometres|"
    r"kilometers|meters|metres|feet|tons|tonnes|degrees|dollars|euros|million|billion|thousand"
)
# A figure worth checking: a percentage, a number with a unit, a year or any number of two or
# more digits, or a large number word. "Number 3:" and "Step 2:" are structure, not claims.
_NUMBER = re.compile(
    rf"(?<!Number )(?<!Step )(?<![\d,.])(?:\d[\d,.]*\s*%|\d[\d,.]*\s+(?:{_UNITS})\b|\d{{2,}}[\d,.]*"
    rf"|\b(?:hundreds|thousands|millions|billions|dozens|hundred|thousand|million|billion)\b"
    rf"(?:\s+(?:{_UNITS}))?|\btwice as\b)",
    re.I,
)
_STRUCTURAL_OPENINGS = frozenset({"number", "step", "first", "next", "now"})
# A character speaking: their own "I", not the narrator's "we".
_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|I'll|me|my|mine)\b")
_QUOTE = re.compile(r"[\"\u201c\u201d]")
_PLACE_PREP = re.compile(
    r"\b(?:in|at|on|inside|into|across|beneath|under|near|through|from|toward|towards|around|"
    r"outside|to)\s+(?:the\s+|a\s+|an\s+)?((?:[\w'\u2019\-]+\s+){0,3}[\w'\u2019\-]+)",
    re.I,
)
_CAPITALISED_RUN = re.compile(
    r"(?:(?:Dr|Mr|Mrs|Ms|Prof|Capt|St)\.\s+)?[A-Z][\w'\u2019\-]*(?:\s+(?:[A-Z][\w'\u2019\-]*))*"
)
_MULTIWORD_PLACES = frozenset(
    [
        "New York",
        "Los Angeles",
        "Las Vegas",
        "San Francisco",
        "Hong Kong",
        "Machu Picchu",
        "New Zealand",
        "South Africa",
        "North Pole",
        "South Pole",
        "Middle East",
        "Easter Island",
        "Death Valley",
    ]
)


# --- notes ---------------------------------------------------------------------------------------


def hook_strength(hook: str) -> float:
    """0..1 from features of the hook a viewer reacts to: an open question, a number, stakes
    words, direct address, a specific name, and a length that can be said in under ~15 s."""
    text = hook.strip()
    if not text:
        return 0.0
    low_words = re.findall(r"[a-z0-9']+", text.lower())
    n = len(text.split())
    score = 0.1
    if "?" in text:
        score += 0.25
    if re.search(r"\d", text) or set(low_words) & lex.NUMBER_WORDS:
        score += 0.15
    score += min(2, len([w for w in low_words if w in lex.STAKES_WORDS])) * 0.1
    if {"you", "your", "you're"} & set(low_words):
        score += 0.1
    if re.search(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+", text):
        score += 0.05  # a name or a place: specific beats vague
    if 8 <= n <= 35:
        score += 0.2
    elif n <= 50:
        score += 0.1
    elif n > 60:
        score -= 0.15
    if n < 5:
        score -= 0.1
    if _WEAK_OPENERS.search(text):
        score -= 0.25
    return round(max(0.0, min(1.0, score)), 2)


def notes(facts: Facts, ctx: StoryContext, *, hook: str, chapters: tuple[str, ...]) -> ScriptNotes:
    risks: list[str] = []
    language = (ctx.language or "en").lower()
    if language.split("-")[0] != "en":
        risks.append(
            f"English-only placeholder: the offline writer's connecting text is English, but the "
            f"channel speaks {language!r}; rewrite the narration in that language (or use a "
            "text provider) before the voiceover, or the voice will read English."
        )
    counts = [word_count(c) for c in chapters]
    total = word_count(hook) + sum(counts)
    pace = ctx.words_per_minute
    seconds = total / pace * 60
    target = ctx.target_seconds
    if target > 0 and chapters:
        if seconds > target * 1.15:
            over = round(total - target * pace / 60)
            risks.append(
                f"Runs about {round(seconds)} s against a {target} s target: "
                f"cut about {over} words."
            )
        elif seconds < target * 0.85:
            short = round(target * pace / 60 - total)
            risks.append(
                f"Runs about {round(seconds)} s against a {target} s target: "
                f"add about {short} words."
            )

    hook_words = word_count(hook)
    if hook and "?" not in hook:
        risks.append("The hook asks no question: viewers need a reason to keep watching.")
    if hook_words > 45:
        risks.append(f"The hook runs {hook_words} words; under 40 (about 15 s) holds better.")
    if not hook.strip():
        risks.append("There is no hook.")

    all_sentences = [s for text in (hook, *chapters) for s in sentences(text)]
    # Each distinct number once, where it first appears: a figure repeated is one claim.
    claims: dict[str, str] = {}
    for sentence in all_sentences:
        for match in _NUMBER.finditer(sentence):
            claims.setdefault(match.group(0).lower(), sentence)
    for number, sentence in list(claims.items())[:3]:
        risks.append(f"Fact-check \u201c{number}\u201d in: \u201c{clip(sentence, 90)}\u201d")
    if len(claims) > 3:
        risks.append(f"{len(claims) - 3} more figures are quoted; check them too.")

    firsts = [w[0].lower() for s in all_sentences if (w := re.findall(r"[\w']+", s))]
    for word, times in Counter(w for w in firsts if w not in _STRUCTURAL_OPENINGS).most_common(2):
        if times >= 4 and times >= len(firsts) * 0.25:
            risks.append(
                f"{times} of {len(firsts)} sentences open with "
                f"\u201c{capitalize_first(word)}\u201d: vary them."
            )
    runs = [
        firsts[i]
        for i in range(2, len(firsts))
        if firsts[i] == firsts[i - 1] == firsts[i - 2] and firsts[i] not in _STRUCTURAL_OPENINGS
    ]
    for word in list(dict.fromkeys(runs))[:1]:
        risks.append(f"Three sentences in a row open with \u201c{capitalize_first(word)}\u201d.")
    repeated = [s for s, times in Counter(all_sentences).items() if times > 1 and word_count(s) > 3]
    for sentence in repeated[:2]:
        risks.append(f"Repeated sentence: \u201c{clip(sentence, 80)}\u201d")

    average = sum(counts) / len(counts) if counts else 0
    pacing: list[str] = []
    for i, (text, words) in enumerate(zip(chapters, counts, strict=True), start=1):
        if words == 0:
            risks.append(f"Chapter {i} is empty.")
            pacing.append(f"Chapter {i}: empty.")
            continue
        if words < 20 or (len(counts) > 1 and words < average * 0.5):
            risks.append(f"Chapter {i} is short ({words} words) next to the others.")
        parts = sentences(text)
        longest = max((word_count(s) for s in parts), default=0)
        if longest > 35:
            risks.append(f"Chapter {i} has a {longest}-word sentence: hard to say in one breath.")
        pacing.append(_pacing(i, words, parts, pace))
    return ScriptNotes(hook_strength=hook_strength(hook), risks=tuple(risks), pacing=tuple(pacing))


def _pacing(i: int, words: int, parts: list[str], pace: int) -> str:
    per_sentence = words / max(1, len(parts))
    if per_sentence < 9:
        feel = "brisk, short sentences"
    elif per_sentence <= 18:
        feel = "steady"
    else:
        feel = "dense, long sentences: split some for the voiceover"
    questions = sum(1 for s in parts if s.endswith("?"))
    asks = f", {questions} question{'s' if questions != 1 else ''}" if questions else ""
    seconds = round(words / pace * 60)
    return (
        f"Chapter {i}: {words} words, about {seconds} s, "
        f"{per_sentence:.0f} words a sentence{asks} ({feel})."
    )


# --- bible ---------------------------------------------------------------------------------------


@dataclass
class _Entry:
    kind: str
    name: str
    count: int = 0
    first: int = 10**9
    chapters: set[int] = field(default_factory=set)
    role: str = ""
    from_idea: bool = False


def bible(facts: Facts, ctx: StoryContext, *, narration: tuple[str, ...]) -> list[BibleSuggestion]:
    people: dict[str, _Entry] = {}
    places: dict[str, _Entry] = {}
    # First pass: full names ("Mara Quinn"), so that "Quinn has ..." at a sentence start is
    # recognised on the second.
    full_names = {
        name
        for text in narration
        for sentence in sentences(text)
        for name, kind, _ in _names_in(sentence, facts, set())
        if kind == "character" and len(name.split()) > 1
    }
    position = 0
    for chapter, text in enumerate(narration):
        for sentence in sentences(text):
            for name, kind, offset in _names_in(sentence, facts, full_names):
                table = people if kind == "character" else places
                entry = table.setdefault(name.lower(), _Entry(kind, name))
                entry.count += 1
                entry.first = min(entry.first, position + offset)
                entry.chapters.add(chapter)
            for name, offset in _place_phrases(sentence):
                entry = places.setdefault(name.lower(), _Entry("location", name))
                entry.count += 1
                entry.first = min(entry.first, position + offset)
                entry.chapters.add(chapter)
            position += len(sentence) + 1
    characters = _merge_short_names(people)
    for entry in characters:
        entry.role = _role_of(entry.name, narration) or (
            facts.role if entry.name == facts.protagonist else ""
        )
    characters.sort(key=lambda e: (-e.count, e.first))
    locations = _with_setting(list(places.values()), facts, narration)
    for entry in locations:
        # A place is often named without a preposition ("the lighthouse is quiet"): list every
        # chapter that names it.
        pattern = _location_pattern(entry.name)
        entry.chapters |= {i for i, text in enumerate(narration) if pattern.search(text)}
    out = [
        BibleSuggestion(
            kind="character",
            name=e.name,
            description=_describe_character(e),
            color=color_for("character", e.name),
            shape=pick_by_hash(CHARACTER_SHAPES, "character", e.name.lower()),
        )
        for e in characters[:MAX_CHARACTERS]
    ]
    out += [
        BibleSuggestion(
            kind="location",
            name=e.name,
            description=_describe_location(e, facts, ctx),
            color=color_for("location", e.name),
            shape=pick_by_hash(LOCATION_SHAPES, "location", e.name.lower()),
        )
        for e in locations[:MAX_LOCATIONS]
    ]
    return out


def _names_in(sentence: str, facts: Facts, full_names: set[str]) -> list[tuple[str, str, int]]:
    """Capitalised names in a sentence, each classified as a character or a location."""
    found: list[tuple[str, str, int]] = []
    first_alpha = next((i for i, ch in enumerate(sentence) if ch.isalpha()), 0)
    known_tokens = {
        t for n in (*facts.names, *full_names) for t in n.split() if t not in lex.TITLE_PREFIXES
    }
    for match in _CAPITALISED_RUN.finditer(sentence):
        words = match.group(0).split()
        start = match.start()
        at_start = start <= first_alpha or sentence[:start].rstrip().endswith((":", "\u201c", '"'))
        if at_start:
            # "Meet Owen Ward", "Picture Dr. Quinn": a sentence's first word is rarely a name.
            while (
                words
                and (
                    words[0].lower() in lex.STOPWORDS
                    or words[0].lower() in lex.VERB_FORMS
                    or words[0].lower() in banks.FAMILIES
                    or words[0].lower()
                    in {"number", "numbers", "step", "meet", "picture", "imagine"}
                )
                and words[0] not in known_tokens
            ):
                words = words[1:]
                at_start = False
        if not words:
            continue
        words[-1] = re.sub(r"['\u2019]s$", "", words[-1])
        name = " ".join(words)
        prev = sentence[:start].rstrip().split(" ")[-1].lower() if start else ""
        after = sentence[match.end() :].split()
        nxt = after[0].lower().strip(",.;:!?") if after else ""
        kind = _classify(
            name,
            words,
            at_start=at_start,
            prev=prev,
            nxt=nxt,
            possessive=match.group(0).endswith(("'s", "\u2019s")),
            facts=facts,
            known_tokens=known_tokens,
        )
        if kind:
            found.append((name, kind, start))
    return found


def _classify(
    name: str,
    words: list[str],
    *,
    at_start: bool,
    prev: str,
    nxt: str,
    possessive: bool,
    facts: Facts,
    known_tokens: set[str],
) -> str | None:
    """ "character", "location" or None for a capitalised run. No pronoun resolution: a name
    counts where it is written."""
    if any(w in lex.MONTHS_AND_DAYS for w in words) or name.isupper() or name == "I":
        return None
    if (
        name in lex.KNOWN_PLACES
        or name in _MULTIWORD_PLACES
        or words[-1] in lex.PLACE_SUFFIXES
        or name in facts.places
    ):
        return "location"
    if name.lower() in {n.lower() for n in facts.names}:
        return "character"
    if words[0] in lex.TITLE_PREFIXES and len(words) > 1:
        return "character"  # "Dr. Quinn", "Captain Ahab"
    if prev == "the":
        return None  # "the Mary Celeste", "the Roman Empire": things and places, not people
    if len(words) > 1:
        # "Mara Quinn"; a run that opens the sentence ("Elias Ward knows ...") too, once the
        # sentence's own first word (a verb, "The") has been stripped.
        return "character" if words[0].lower() not in lex.DEMONYM_SETTINGS else None
    if name.lower() in lex.DEMONYM_SETTINGS or name in lex.KNOWN_PLACES:
        return None
    if (
        name in known_tokens
        or (not at_start and name in lex.KNOWN_FIRST_NAMES)
        or nxt in lex.PERSON_VERBS
        or (possessive and not at_start)
    ):
        return "character"
    return None


def _place_phrases(sentence: str) -> list[tuple[str, int]]:
    """Places after "in/at/on the ...": the phrase up to its last place noun."""
    out: list[tuple[str, int]] = []
    for match in _PLACE_PREP.finditer(sentence):
        words = match.group(1).split()
        kept: list[str] = []
        last_place = -1
        for i, word in enumerate(words):
            low = word.lower().strip(",.;:!?")
            if low in lex.STOPWORDS or (low in lex.VERB_FORMS and low not in lex.PLACE_NOUNS):
                break
            kept.append(word.strip(",.;:!?"))
            if low in lex.PLACE_NOUNS:
                last_place = i
        if last_place >= 0:
            phrase = " ".join(kept[: last_place + 1])
            if phrase[:1].isupper() and phrase not in lex.KNOWN_PLACES:
                continue  # a capitalised place is found by name
            out.append((capitalize_first(phrase), match.start(1)))
    return out


def _merge_short_names(people: dict[str, _Entry]) -> list[_Entry]:
    """ "Owen" and "Owen Ward" are one character; the full name keeps the count."""
    full = [e for e in people.values() if len(e.name.split()) > 1]
    out: list[_Entry] = list(full)
    for entry in people.values():
        if entry in full:
            continue
        owner = next(
            (f for f in full if entry.name in f.name.split()),
            None,
        )
        if owner:
            owner.count += entry.count
            owner.first = min(owner.first, entry.first)
            owner.chapters |= entry.chapters
        else:
            out.append(entry)
    return out


def _role_of(name: str, narration: tuple[str, ...]) -> str:
    pattern = re.compile(rf"{re.escape(name)},\s+((?:a|an|the)\s+[a-z][\w\- ]{{2,40}}?),")
    for text in narration:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return ""


def _with_setting(entries: list[_Entry], facts: Facts, narration: tuple[str, ...]) -> list[_Entry]:
    """The idea's setting is always a location (first), merged with any mention of it."""
    setting_head = facts.setting_name.split()[-1].lower()
    setting = _Entry("location", facts.setting_name, from_idea=True)
    rest: list[_Entry] = []
    for entry in entries:
        if entry.name.lower() == facts.setting_name.lower() or (
            entry.name.split()[-1].lower() == setting_head and len(entry.name.split()) == 1
        ):
            setting.count += entry.count
            setting.first = min(setting.first, entry.first)
            setting.chapters |= entry.chapters
        else:
            rest.append(entry)
    if not setting.chapters:
        needle = facts.setting.lower()
        setting.chapters = {i for i, text in enumerate(narration) if needle in text.lower()}
    rest.sort(key=lambda e: (-e.count, e.first))
    return [setting, *rest]


def _chapters_phrase(chapters: set[int]) -> str:
    numbers = [str(c + 1) for c in sorted(chapters)]
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"chapter {numbers[0]}"
    return f"chapters {', '.join(numbers[:-1])} and {numbers[-1]}"


def _describe_character(entry: _Entry) -> str:
    who = entry.role or "a character in the story"
    where = _chapters_phrase(entry.chapters)
    return f"{entry.name}, {who}" + (f"; appears in {where}." if where else ".")


def _describe_location(entry: _Entry, facts: Facts, ctx: StoryContext) -> str:
    what = f"the main setting of {facts.topic}" if entry.from_idea else f"a place in {facts.topic}"
    where = _chapters_phrase(entry.chapters)
    look = f" Drawn in {ctx.visual_style}." if ctx.visual_style else ""
    return f"{entry.name}: {what}" + (f"; appears in {where}." if where else ".") + look


# --- shot ideas ----------------------------------------------------------------------------------

_MOODS = {
    "dramatic": "moody low-key lighting",
    "playful": "bright saturated colours",
    "calm": "soft natural light",
    "neutral": "natural light",
}
_DEFAULT_STYLES = {
    "story": "cinematic illustration",
    "explainer": "clean documentary illustration",
    "list": "bold graphic illustration",
    "tutorial": "clear, well-lit photograph",
}


def shot_ideas(
    facts: Facts,
    ctx: StoryContext,
    *,
    segments: tuple[ShotSegment, ...],
    bible: tuple[BibleSuggestion, ...],
) -> list[ShotIdea]:
    """One idea per segment. Kinds by rule (talking head when a character speaks, video for
    motion, image otherwise), then capped so at most a third of the shots need the expensive
    video or talking-head step."""
    characters = [b for b in bible if b.kind == "character"]
    locations = [b for b in bible if b.kind == "location"]
    char_tokens = {c.name: _name_tokens(c.name) for c in characters}
    if facts.protagonist in char_tokens and facts.slots["R"]:
        # "The lighthouse keeper ..." is the protagonist too.
        char_tokens[facts.protagonist] += (facts.slots["R"].removeprefix("the "),)
    loc_patterns = {loc.name: _location_pattern(loc.name) for loc in locations}
    main = characters[0].name if characters else ""

    current = locations[0].name if locations else ""
    plans: list[tuple[str, float, tuple[str, ...], str]] = []
    for seg in segments:
        present = tuple(
            name
            for name, tokens in char_tokens.items()
            if any(
                # names match as written; a role ("lighthouse keeper") in any case
                re.search(rf"\b{re.escape(t)}\b", seg.text, re.I if t.islower() else 0)
                for t in tokens
            )
        )
        here = next((n for n, p in loc_patterns.items() if p.search(seg.text)), "")
        current = here or current
        speaks = bool(_QUOTE.search(seg.text) or _FIRST_PERSON.search(seg.text)) or bool(
            present and set(re.findall(r"[a-z]+", seg.text.lower())) & lex.SPEECH_VERBS
        )
        motion = sum(
            1
            for w in re.findall(r"[a-z]+", seg.text.lower())
            if lex.VERB_FORMS.get(w, ("", ""))[0] in lex.MOTION_VERBS
        )
        if speaks and (present or main):
            kind, strength = "talking_head", 2.0 + (1.0 if _QUOTE.search(seg.text) else 0.0)
            present = present or (main,)
        elif motion:
            kind, strength = "video", float(motion)
        else:
            kind, strength = "image", 0.0
        plans.append((kind, strength, present, current))

    budget = len(segments) // 3
    ranked = sorted(
        (i for i, p in enumerate(plans) if p[0] != "image"), key=lambda i: (-plans[i][1], i)
    )
    allowed = set(ranked[:budget])

    style = " ".join(ctx.visual_style.split()) or _DEFAULT_STYLES[facts.mode]
    mood = _MOODS[facts.tone]
    name_words = {w.lower() for c in characters for w in c.name.split()}
    out: list[ShotIdea] = []
    previous_chapter: int | None = None
    for i, (seg, (kind, _, present, location)) in enumerate(zip(segments, plans, strict=True)):
        if kind != "image" and i not in allowed:
            kind = "image"
        chapter_start = previous_chapter is None or seg.chapter_index != previous_chapter
        transition = "crossfade" if previous_chapter is not None and chapter_start else "cut"
        previous_chapter = seg.chapter_index
        exclude = name_words | {w.lower() for w in location.split()}
        nouns = _concrete_nouns(seg.text, facts, exclude)
        prompt = _prompt(
            kind=kind,
            chapter_start=chapter_start,
            characters=present,
            nouns=nouns,
            location=location,
            style=style,
            mood=mood,
            fallback=facts.topic_bare,
            seed=rng_for("shot", seg.index, seg.text, *context_key(ctx)).random(),
        )
        out.append(
            ShotIdea(
                kind=kind,
                prompt=prompt,
                characters=present,
                location=location,
                transition=transition,
            )
        )
    return out


def _name_tokens(name: str) -> tuple[str, ...]:
    parts = [p for p in name.split() if p not in lex.TITLE_PREFIXES and len(p) > 2]
    return (name, *parts)


def _location_pattern(name: str) -> re.Pattern[str]:
    words = name.split()
    head = re.sub(r"[^\w\-]", "", words[-1]) if words else name
    options = {re.escape(name)}
    if head and head.lower() not in {"world", "past", "wild"}:
        options.add(re.escape(head))
    return re.compile(r"\b(?:" + "|".join(sorted(options, key=len, reverse=True)) + r")\b", re.I)


# Things a camera can show that our own templates mention; every other template word is filler.
_VISUAL = wordset(
    """
    door doors wall walls shadows shadow light lights bell wind weather air night dark corner
    heart stairs window lantern fog sea
    """
)
_NON_NOUNS = wordset(
    """
    easy first last next simple deep different safe impossible ago away back long past real
    clear plain quiet alone ordinary remarkable interesting heavier small common fresh together
    later sure little big whole single faint close hard strange stranger new true yesterday
    tonight slowly quietly nearby close-by own else enough whether
    """
)


@cache
def _template_words() -> frozenset[str]:
    texts: list[str] = [t for _, t, _ in banks.TITLES]
    for table in (banks.CHAPTER_TITLES, banks.BEATS, banks.LEADS, banks.ELABORATIONS):
        for group in table.values():
            for items in group.values():
                texts.extend(items)
    for bank in (banks.FILLERS, banks.TONE_FILLERS, banks.HOOKS, banks.SUMMARIES):
        for items in bank.values():
            texts.extend(items)
    texts += [*banks.SHORT, *banks.LIST_LABELS, *banks.TITLE_ENDINGS, *banks.CALLS_TO_ACTION]
    words = {w.lower() for t in texts for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", t)}
    return frozenset(words - _VISUAL - lex.PLACE_NOUNS - lex.PERSON_NOUNS)


def _idea_words(facts: Facts) -> frozenset[str]:
    text = " ".join((facts.topic_bare, *facts.phrases, facts.setting, facts.role))
    return frozenset(
        w.lower()
        for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", text)
        if w.lower() not in lex.STOPWORDS
    )


def _concrete_nouns(text: str, facts: Facts, exclude: set[str]) -> list[str]:
    """The segment's concrete words, adjacent ones kept together ("Roman concrete"): the idea's
    own words, and any word the narration brought that is not our template filler."""
    idea = _idea_words(facts)
    filler = _template_words()
    phrases: list[str] = []
    run: list[str] = []
    last_end = -1
    for match in re.finditer(r"[A-Za-z][A-Za-z'\u2019\-]*", text):
        word = re.sub(r"['\u2019]s$", "", match.group(0))
        low = word.lower()
        keep = low not in exclude and (
            low in idea
            or (
                len(low) > 2
                and low not in filler
                and low not in lex.STOPWORDS
                and low not in lex.GENERIC_NOUNS
                and low not in _ABSTRACT
                and low not in _NON_NOUNS
                and not low.endswith("ly")
                and (low not in lex.VERB_FORMS or low in lex.PLACE_NOUNS or low in _VISUAL)
            )
        )
        adjacent = text[last_end : match.start()].strip() == "" if last_end >= 0 else False
        if keep and run and adjacent and len(run) < 3:
            run.append(word)
        else:
            if run:
                phrases.append(" ".join(run))
            run = [word] if keep else []
        last_end = match.end()
    if run:
        phrases.append(" ".join(run))
    out: list[str] = []
    for phrase in phrases:
        if phrase.lower() not in (p.lower() for p in out):
            out.append(phrase)
    return out[:4]


def _prompt(
    *,
    kind: str,
    chapter_start: bool,
    characters: tuple[str, ...],
    nouns: list[str],
    location: str,
    style: str,
    mood: str,
    fallback: str,
    seed: float,
) -> str:
    if kind == "talking_head":
        framing = "close-up portrait of"
    elif kind == "video":
        framing = "dynamic moving shot of"
    elif chapter_start:
        framing = "wide establishing shot of"
    else:
        framing = ("medium shot of", "detail shot of", "wide shot of")[int(seed * 3) % 3]
    subject = [" and ".join(characters)] if characters else []
    subject += nouns
    where = f" in {_place_phrase(location)}" if location else ""
    if not subject:
        subject, where = ([_place_phrase(location)], "") if location else ([fallback], "")
    if "style" not in style.lower():
        style += " style"
    return f"{framing} {', '.join(subject)}{where}, {mood}, {style}"


def _place_phrase(name: str) -> str:
    """ "Lighthouse" -> "the lighthouse"; "Pompeii", "Ancient Rome" stay as they are."""
    first = name.split()[0].lower() if name.split() else ""
    if first in lex.PLACE_NOUNS or first in {"old", "lost", "sunken", "abandoned", "last", "world"}:
        return "the " + name[0].lower() + name[1:]
    return name


# --- publish copy --------------------------------------------------------------------------------

_MODE_TAGS = {
    "story": ("short story", "storytime", "original story", "narrated story", "fiction"),
    "explainer": ("explained", "documentary", "explainer", "education", "learn something new"),
    "list": ("top list", "countdown", "tips", "list video", "explained"),
    "tutorial": ("how to", "tutorial", "step by step", "beginners guide", "tips"),
}


def publish_copy(
    facts: Facts, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], hook: str
) -> PublishCopy:
    rng = rng_for("publish", *context_key(ctx))
    slots = slots_for(facts)
    summary_options = [t for t in banks.SUMMARIES[facts.mode] if fill(t, slots)]
    summary = fill(rng.choice(summary_options), slots) if summary_options else None
    summary = finish_sentence(summary or f"A video about {facts.topic}")
    if facts.audience:
        summary += f" Made for {facts.audience}."
    heading = "In this story:" if facts.mode == "story" else "What you'll learn:"
    bullets = [
        f"• {c.title}" + (f": {c.beats[0][0].lower() + c.beats[0][1:]}" if c.beats else "")
        for c in outline
    ]
    cta_options = [t for t in banks.CALLS_TO_ACTION if fill(t, slots)]
    cta = fill(rng.choice(cta_options), slots) or "" if cta_options else ""
    tags = _tags(facts, ctx)
    hashtags = " ".join("#" + re.sub(r"[^\w]", "", t.title()) for t in tags[:3])
    parts = [hook.strip(), summary, heading + "\n" + "\n".join(bullets), cta, hashtags]
    description = "\n\n".join(p for p in parts if p)
    # YouTube rejects angle brackets in descriptions.
    description = description.replace("<", "").replace(">", "")
    if len(description) > DESCRIPTION_LIMIT:
        description = description[:DESCRIPTION_LIMIT].rsplit("\n", 1)[0]
    return PublishCopy(description=description, tags=tuple(tags))


def _tags(facts: Facts, ctx: StoryContext) -> list[str]:
    candidates: list[str] = [facts.topic_bare]
    candidates += [re.sub(r"^the ", "", p) for p in facts.phrases]
    candidates += list(facts.names) + list(facts.places)
    if not facts.setting_name.lower().startswith("the world of"):
        candidates.append(facts.setting_name)
    candidates += [n.strip() for n in re.split(r"[,/;|]", ctx.niche) if n.strip()]
    if facts.mode == "explainer":
        candidates.append(f"{facts.topic_bare} explained")
    if ctx.video_style.strip():
        candidates.append(ctx.video_style)
    content = [
        w
        for w in re.findall(r"[A-Za-z][\w\-]+", facts.idea)
        if len(w) > 3
        and w.lower() not in lex.STOPWORDS
        and w.lower() not in lex.VERB_FORMS
        and w.lower() not in lex.GENERIC_NOUNS
    ]
    candidates += content
    candidates += list(_MODE_TAGS[facts.mode])
    tags: list[str] = []
    total = 0
    for raw in candidates:
        tag = re.sub(r"[^\w\s'\-]", "", raw.lower())
        tag = " ".join(tag.split())
        if len(tag) > TAG_LIMIT:
            tag = clip(tag, TAG_LIMIT)
        if not tag or tag in tags:
            continue
        if " " not in tag and any(tag in t.split() for t in tags):
            continue  # "nemo" adds nothing after "captain nemo"
        # YouTube counts a tag with spaces with its quotes, and a comma between tags.
        cost = len(tag) + (2 if " " in tag else 0) + (1 if tags else 0)
        if total + cost > TAGS_TOTAL_LIMIT:
            continue
        tags.append(tag)
        total += cost
        if len(tags) == MAX_TAGS:
            break
    for filler in ("video", "youtube", "new", "watch", "channel"):
        if len(tags) >= MIN_TAGS:
            break
        if filler not in tags:
            tags.append(filler)
    return tags
