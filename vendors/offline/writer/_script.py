"""Titles, outline, hook and chapter narration, composed from the banks and the idea's facts."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache
from itertools import cycle
from random import Random

from vendors.base import ChapterOutline, StoryContext, TitleSuggestion
from vendors.text import (
    WORDS_PER_MINUTE,  # the product's narration pace
    word_count,
)

from . import _banks as banks
from . import _lexicon as lex
from ._facts import Facts
from ._text import (
    capitalize_first,
    clip,
    finish_sentence,
    rng_for,
    sentences,
    title_case,
    wordset,
)

MAX_CHAPTERS = 12  # what suggested_chapters ever proposes
MAX_REQUESTED_CHAPTERS = 20  # an explicit request is honoured up to this
TITLE_LIMIT = 100  # YouTube's title limit, in characters
_WH_STARTS = wordset("how why what when where who whom whose which whether that if")
_ITEM = re.compile(r"^numbers?\s+(\d+)(?:\s+(?:and|to)\s+(\d+))?\s*[:.\-]\s*(.+)$", re.I)


def suggested_chapters(target_seconds: int) -> int:
    """About one chapter per 30 seconds of video, at least 2 and at most MAX_CHAPTERS."""
    return max(2, min(MAX_CHAPTERS, round(max(0, target_seconds) / 30)))


def words_for(target_seconds: int) -> int:
    """Narration words for a video of that length at the product's pace."""
    return max(1, round(target_seconds * WORDS_PER_MINUTE / 60))


def context_key(ctx: StoryContext) -> tuple[str, ...]:
    """What the seed of every choice depends on: the same context always writes the same text."""
    return (
        ctx.idea,
        ctx.title,
        ctx.niche,
        ctx.audience,
        ctx.tone,
        ctx.language,
        ctx.video_style,
        ctx.visual_style,
        str(ctx.target_seconds),
        *ctx.references,
    )


# --- template filling ---------------------------------------------------------------------------


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def fill(template: str, slots: dict[str, str]) -> str | None:
    """The template with its slots filled, or None when any slot it needs is unknown."""
    names = _fields(template)
    if any(not slots.get(name) for name in names):
        return None
    return template.format_map({name: slots[name] for name in names})


def _first_filled(templates: Iterable[str], slots: dict[str, str]) -> str | None:
    for template in templates:
        text = fill(template, slots)
        if text is not None:
            return text
    return None


def _shuffled(items: Sequence[str], rng: Random) -> list[str]:
    out = list(items)
    rng.shuffle(out)
    return out


def _x_pool(facts: Facts) -> list[str]:
    """Secondary phrases: the idea's own, then (explainers) aspects of the topic."""
    pool = list(facts.phrases)
    if facts.mode == "explainer":
        pool += [a.format(T=facts.topic) for a in banks.ASPECTS]
    elif not facts.setting.startswith("the world of"):
        pool.append(facts.setting)
    return pool or [facts.topic]


def slots_for(facts: Facts, *, index: int = 0) -> dict[str, str]:
    """Template slots, with the secondary phrase {X} rotating by chapter so chapters differ."""
    slots = dict(facts.slots)
    pool = _x_pool(facts)
    slots["X"] = pool[index % len(pool)]
    slots["Pr"] = facts.premise if facts.mode == "story" else ""
    slots["role"] = facts.role
    slots["I"] = capitalize_first(facts.idea)
    slots["Il"] = slots["I"] if facts.list_count else ""
    bare = facts.topic_bare
    if facts.topic.startswith("the "):
        slots["Tthe"] = facts.topic
    elif bare[:1].islower() and "'" not in bare and "\u2019" not in bare:
        slots["Tthe"] = "the " + bare
    else:
        slots["Tthe"] = ""
    return slots


# --- titles --------------------------------------------------------------------------------------

_ANGLE_NAMES = {
    "question": "question",
    "how_why": "how/why",
    "list": "numbered list",
    "curiosity_gap": "curiosity gap",
    "stakes": "stakes",
    "the_x_that_y": "the X that Y",
    "premise": "premise",
}


def _angle_of(title: str) -> str:
    low = title.lower().strip()
    if re.match(r"^(top\s+)?\d+\b", low):
        return "list"
    if low.startswith(("how ", "why ")):
        return "how_why"
    if "?" in low or low.startswith(("what ", "who ", "when ", "where ")):
        return "question"
    if re.search(r"\bthe \w+(?: \w+)? that\b", low):
        return "the_x_that_y"
    if set(re.findall(r"[a-z']+", low)) & lex.STAKES_WORDS:
        return "stakes"
    if re.search(r"truth|secret|nobody|no one|what happened|hidden|real reason", low):
        return "curiosity_gap"
    return "premise"


def list_size(facts: Facts, target_seconds: int) -> int:
    """How many items a list video counts down: the idea's own number, else one per ~20 s."""
    if facts.list_count:
        return facts.list_count
    return max(3, min(10, round(target_seconds / 20)))


def title_ideas(facts: Facts, ctx: StoryContext, *, count: int) -> list[TitleSuggestion]:
    if count <= 0:
        return []
    rng = rng_for("titles", *context_key(ctx))
    slots = slots_for(facts)
    slots["I"] = title_case(facts.idea) if len(facts.idea) <= 90 else ""
    slots["Q"] = facts.question if len(facts.question) <= TITLE_LIMIT else ""
    reference_angles = {_angle_of(r) for r in ctx.references if r.strip()}
    sizes = [list_size(facts, ctx.target_seconds)] if facts.list_count else [5, 7, 3, 9]
    if facts.mode == "list":
        sizes = [list_size(facts, ctx.target_seconds)]

    candidates: list[tuple[float, int, str, str, str]] = []
    seen: set[str] = set()
    order = 0
    for angle, template, modes in banks.TITLES:
        if modes and facts.mode not in modes.split():
            continue
        variants: list[dict[str, str]] = []
        endings = _shuffled(banks.TITLE_ENDINGS, rng) if "{Y}" in template else [""]
        numbers = sizes if "{n}" in template else [0]
        for ending in endings:
            for n in numbers:
                variants.append({**slots, "Y": ending, "n": str(n) if n else ""})
        for variant in variants:
            text = fill(template, variant)
            if text is None:
                continue
            text = _clean_title(text)
            if not text or text.lower() in seen:
                continue
            seen.add(text.lower())
            score = _title_score(text, angle, facts, reference_angles, rng)
            candidates.append((score, order, angle, text, template))
            order += 1

    # The best of each angle first, so a short list still shows several patterns.
    candidates.sort(key=lambda c: (-c[0], c[1]))
    # The best of each angle first, then one per template, then the rest: a short list still
    # shows several patterns, and "5 Things..." does not crowd out "3 Things...".
    angles_seen: set[str] = set()
    templates_seen: set[str] = set()
    tiers: list[list[tuple[float, int, str, str, str]]] = [[], [], []]
    for cand in candidates:
        tier = 0 if cand[2] not in angles_seen else 1 if cand[4] not in templates_seen else 2
        tiers[tier].append(cand)
        angles_seen.add(cand[2])
        templates_seen.add(cand[4])
    picked = (tiers[0] + tiers[1] + tiers[2])[:count]
    return [
        TitleSuggestion(text=text, angle=_ANGLE_NAMES.get(angle, angle), score=score)
        for score, _, angle, text, _ in picked
    ]


def _clean_title(text: str) -> str:
    # YouTube rejects "<" and ">" in titles.
    text = re.sub(r"[<>]", "", text)
    text = title_case(" ".join(text.split()))
    if len(text) > TITLE_LIMIT:
        text = clip(text, TITLE_LIMIT)
    return text


def _title_score(
    text: str, angle: str, facts: Facts, reference_angles: set[str], rng: Random
) -> float:
    score = 0.45
    length = len(text)
    if 35 <= length <= 70:
        score += 0.15
    elif length <= 90:
        score += 0.05
    else:
        score -= 0.1
    low = text.lower()
    if re.search(r"\d", text):
        score += 0.08
    if "?" in text or angle in {"question", "how_why"}:
        score += 0.05
    if set(re.findall(r"[a-z']+", low)) & lex.STAKES_WORDS:
        score += 0.07
    if facts.topic_bare.lower() in low:
        score += 0.08
    if angle in reference_angles:
        score += 0.12  # the pattern the creator's outlier references already proved
    score += rng.uniform(0, 0.04)
    return round(max(0.05, min(0.99, score)), 2)


# --- outline -------------------------------------------------------------------------------------


def _roles(mode: str, n: int) -> list[str]:
    if n == 1:
        return ["overview"]
    if mode == "story":
        base = {
            2: ["opening", "resolution"],
            3: ["opening", "twist", "resolution"],
            4: ["opening", "inciting", "crisis", "resolution"],
            5: ["opening", "inciting", "rising", "twist", "resolution"],
        }
        if n in base:
            return base[n]
        return ["opening", "inciting", *["rising"] * (n - 5), "twist", "crisis", "resolution"]
    if mode == "list":
        intro = ["intro"] if n >= 4 else []
        outro = ["outro"] if n >= 5 else []
        return [*intro, *["items"] * (n - len(intro) - len(outro)), *outro]
    if mode == "tutorial":
        base = {2: ["step", "result"], 3: ["prep", "step", "result"]}
        if n in base:
            return base[n]
        return ["prep", *["step"] * (n - 3), "mistakes", "result"]
    base = {
        2: ["opening", "closing"],
        3: ["opening", "mechanism", "closing"],
        4: ["opening", "context", "mechanism", "closing"],
        5: ["opening", "context", "mechanism", "twist", "closing"],
        6: ["opening", "context", "mechanism", "evidence", "twist", "closing"],
    }
    if n in base:
        return base[n]
    middle = [m for _, m in zip(range(n - 5), cycle(["mechanism", "evidence", "context"]))]
    return ["opening", "context", *middle, "twist", "implications", "closing"][:n]


def outline(facts: Facts, ctx: StoryContext, *, chapters: int) -> list[ChapterOutline]:
    n = chapters if chapters > 0 else suggested_chapters(ctx.target_seconds)
    n = max(1, min(MAX_REQUESTED_CHAPTERS, n))
    rng = rng_for("outline", n, *context_key(ctx))
    roles = _roles(facts.mode, n)
    items = _list_items(facts, ctx, roles, rng) if facts.mode == "list" else []
    used_titles: set[str] = set()
    out: list[ChapterOutline] = []
    item_chapter = 0
    seen_roles: set[str] = set()
    for i, role in enumerate(roles):
        again = role in seen_roles and role in banks.BEATS_AGAIN.get(facts.mode, {})
        seen_roles.add(role)
        slots = slots_for(facts, index=i)
        if role == "items":
            chunk = items[item_chapter]
            item_chapter += 1
            first, last = chunk[0][0], chunk[-1][0]
            slots["k"] = f"{first} to {last}" if last > first else str(first)
            title_template = "Numbers {k}" if last > first else "Number {k}: {L}"
            slots["L"] = chunk[0][1]
            title = fill(title_template, slots) or f"Number {first}"
            beats = _item_beats(chunk)
        elif again:
            title = _chapter_title(facts.mode, role, slots, used_titles, rng, i, again=True)
            beats = _beats(facts.mode, role, slots, rng, table=banks.BEATS_AGAIN)
        else:
            title = _chapter_title(facts.mode, role, slots, used_titles, rng, i)
            beats = _beats(facts.mode, role, slots, rng)
        used_titles.add(title.lower())
        out.append(ChapterOutline(title=title, beats=tuple(beats)))
    return out


def _chapter_title(
    mode: str,
    role: str,
    slots: dict[str, str],
    used: set[str],
    rng: Random,
    index: int,
    *,
    again: bool = False,
) -> str:
    templates = banks.CHAPTER_TITLES[mode][role]
    if again:
        templates = (*banks.CHAPTER_TITLES_AGAIN.get(mode, ()), *templates)
    for template in _shuffled(templates, rng):
        text = fill(template, slots)
        if text is None:
            continue
        text = title_case(clip(text, 80))
        if text.lower() not in used:
            return text
    fallback = _first_filled(banks.CHAPTER_TITLES[mode][role], slots) or "Chapter"
    return title_case(f"{clip(fallback, 70)}, Part {index + 1}")


def _beats(
    mode: str,
    role: str,
    slots: dict[str, str],
    rng: Random,
    *,
    table: dict[str, dict[str, tuple[str, ...]]] = banks.BEATS,
) -> list[str]:
    filled: list[str] = []
    for template in table[mode].get(role, ()):
        text = fill(template, slots)
        # Two templates that open the same way are alternatives ("Introduce P, role, in S" and
        # "Introduce P in S"): keep the first that can be filled.
        if text and not any(text.split()[:2] == f.split()[:2] for f in filled):
            filled.append(text)
    if not filled:
        filled = [f"Show {slots['T']}"]
    if len(filled) == 1:
        filled.append(f"Show what {slots['T']} can teach us")
    count = min(len(filled), rng.randint(2, 4))
    # Keep the role's first beat (it sets the chapter up) and the original order.
    keep = sorted([0, *rng.sample(range(1, len(filled)), count - 1)])
    return [finish_beat(filled[k]) for k in keep]


def finish_beat(text: str) -> str:
    return capitalize_first(" ".join(text.split()).rstrip("."))


def _list_items(
    facts: Facts, ctx: StoryContext, roles: list[str], rng: Random
) -> list[list[tuple[int, str]]]:
    """Items numbered 1..N, spread over the item chapters (at most four beats per chapter)."""
    chapters = roles.count("items")
    if not chapters:
        return []
    total = max(list_size(facts, ctx.target_seconds), chapters)
    noun = _item_noun(facts)
    labels = _shuffled(banks.LIST_LABELS, rng_for("labels", *context_key(ctx)))
    names = [labels[i % len(labels)] for i in range(total - 1)] + [banks.LIST_LAST_LABEL]
    if noun:
        names = [re.sub(r"\bone\b", noun, name, count=1) for name in names]
    numbered = list(enumerate(names, start=1))
    base, extra = divmod(total, chapters)
    out: list[list[tuple[int, str]]] = []
    start = 0
    for c in range(chapters):
        size = base + (1 if c < extra else 0)
        out.append(numbered[start : start + size])
        start += size
    _ = rng
    return out


def _item_noun(facts: Facts) -> str:
    if not facts.list_count:
        return ""
    head = facts.topic_bare.split(" of ")[0].split()
    if not head:
        return ""
    word = head[-1].lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _item_beats(chunk: list[tuple[int, str]]) -> list[str]:
    if len(chunk) == 1:
        k, label = chunk[0]
        return [
            f"Number {k}: {label}",
            "Show one example of it in practice",
            "Explain why it works",
        ]
    groups = max(1, -(-len(chunk) // 4))
    beats: list[str] = []
    for g in range(0, len(chunk), groups):
        group = chunk[g : g + groups]
        if len(group) == 1:
            beats.append(f"Number {group[0][0]}: {group[0][1]}")
        else:
            joiner = "and" if len(group) == 2 else "to"
            labels = "; ".join(label for _, label in group[:-1]) + f"; and {group[-1][1]}"
            beats.append(f"Numbers {group[0][0]} {joiner} {group[-1][0]}: {labels}")
    if len(beats) == 1:
        beats.append("Show how they work together")
    return beats


# --- hook ----------------------------------------------------------------------------------------


def hook(facts: Facts, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...]) -> str:
    rng = rng_for("hook", *context_key(ctx), *(c.title for c in outline))
    slots = slots_for(facts)
    slots["n"] = str(list_size(facts, ctx.target_seconds))
    options = [t for t in banks.HOOKS[facts.mode] if fill(t, slots)]
    text = fill(rng.choice(options), slots) if options else None
    if not text:
        text = facts.question
    parts = [finish_sentence(s) for s in sentences(text)][:3]
    if not any(p.endswith("?") for p in parts):
        parts = [*parts[:2], facts.question]
    return " ".join(parts)


# --- narration -----------------------------------------------------------------------------------


def narration(
    facts: Facts,
    ctx: StoryContext,
    *,
    outline: tuple[ChapterOutline, ...],
    index: int,
    words: int,
) -> str:
    """Complete sentences that walk the chapter's beats in order, within ±15% of ``words``."""
    chapter = outline[index]
    key = context_key(ctx)
    rng = rng_for("narration", index, chapter.title, *chapter.beats, *key)
    slots = slots_for(facts, index=index)
    beats = [b for b in chapter.beats if b.strip()] or [chapter.title]
    step_base = sum(len(c.beats) for c in outline[:index])

    used: set[str] = set()
    leads: list[str] = []
    families: list[str] = []
    target = max(1, words)
    for b, beat in enumerate(beats):
        pool = _x_pool(facts)
        slots_b = {**slots, "X": pool[(index + b) % len(pool)]}
        lead, family = _lead(beat, facts, slots_b, rng, step=step_base + b + 1)
        used.add(lead)
        leads.append(lead)
        families.append(family)
    dealt = _deal(facts, outline, key)
    # The topic is named in every lead already; follow-up sentences name it only a few times
    # more, so the chapter does not read like a keyword list.
    topic_budget = [max(1, target // 45)]
    pools: list[Iterator[str]] = []
    for b in range(len(beats)):
        slots_b = {**slots, "X": _x_pool(facts)[(index + b) % len(_x_pool(facts))]}
        templates = [
            *dealt.get((index, b), []),
            *_echoes(facts, beats[b]),
            *dealt.get((index, -1), []),
        ]
        pools.append(
            _limit_topic(
                _filled(templates, {**slots_b, **_beat_slots(beats[b])}), facts, topic_budget
            )
        )
    shared = _limit_topic(_shared_pool(facts, slots, key, index, len(outline)), facts, topic_budget)

    plan: list[list[str]] = [[lead] for lead in leads]
    total = sum(word_count(lead) for lead in leads)
    while total > target * 1.12 and len(plan) > 1:
        total -= word_count(plan.pop()[0])  # a tiny budget cannot hold every beat
    openings: Counter[str] = Counter(_opening(lead) for group in plan for lead in group)

    for strict in (True, False):
        exhausted = [False] * len(plan)
        while total < target * 0.95 and not all(exhausted):
            for b in range(len(plan)):
                if total >= target * 0.95:
                    break
                name = facts.short.split()[0].lower() if facts.short else ""
                sentence = _take(pools[b], used, openings, plan[b][-1], strict, name) or _take(
                    shared, used, openings, plan[b][-1], strict, name
                )
                if sentence is None:
                    exhausted[b] = True
                    continue
                size = word_count(sentence)
                if total + size > target * 1.1:
                    exhausted[b] = True
                    continue
                used.add(sentence)
                openings[_opening(sentence)] += 1
                plan[b].append(sentence)
                total += size
        if total >= target * 0.9:
            break
        # Loosen: allow repeated openings, and borrow what other chapters were dealt.
        pools = [_elaborations(facts, f, slots) for f in families[: len(plan)]]
        shared = _shared_pool(facts, slots, key, 0, 1)

    if total < target * 0.88:
        for short in _shuffled(banks.SHORT, rng):
            if total >= target * 0.88:
                break
            if total + word_count(short) <= target * 1.1:
                plan[rng.randrange(len(plan))].append(short)
                total += word_count(short)
    if total < target * 0.85:
        # Very long chapters outgrow the banks: reuse sentences rather than miss the length.
        repeats = [s for group in plan for s in group[1:]] or leads
        for sentence in cycle(repeats):
            if total >= target * 0.9:
                break
            plan[-1].append(sentence)
            total += word_count(sentence)
    return " ".join(_vary_name(facts, [_tidy(s) for group in plan for s in group]))


def _vary_name(facts: Facts, chapter: list[str]) -> list[str]:
    """Every other sentence that would open with the protagonist's name opens with their role
    instead ("The lighthouse keeper ..."), as a writer would."""
    role = facts.slots["R"]
    if not role or not facts.short:
        return chapter
    out: list[str] = []
    openers = 0
    for sentence in chapter:
        if sentence.startswith(facts.short + " ") and not sentence.startswith(facts.protagonist):
            openers += 1
            if openers % 2 == 0:
                sentence = capitalize_first(role) + sentence[len(facts.short) :]
        out.append(sentence)
    return out


def _lead(
    beat: str, facts: Facts, slots: dict[str, str], rng: Random, *, step: int
) -> tuple[str, str]:
    """The sentence that states a beat, and the family its follow-up sentences come from."""
    text = " ".join(beat.split()).rstrip(".;:")
    item = _ITEM.match(text)
    if item:
        first, last, labels = item.group(1), item.group(2), item.group(3)
        parts = [p.strip() for p in re.split(r";\s*(?:and\s+)?", labels) if p.strip()]
        numbers = range(int(first), int(last or first) + 1)
        if len(parts) == len(numbers) and len(parts) > 1:
            return " ".join(
                f"Number {k}: {p}." for k, p in zip(numbers, parts, strict=True)
            ), "item"
        return _pick(banks.LEADS["item"]["any"], {**slots, "k": first, "L": labels}, rng), "item"

    first_word, _, rest = text.partition(" ")
    verb = first_word.lower()
    lowered = text[:1].lower() + text[1:]
    if facts.mode == "tutorial":
        leads = banks.LEADS["instruct"]["first" if step == 1 else "any"]
        return _pick(leads, {**slots, "b": lowered, "k": str(step)}, rng), "instruct"
    family = banks.FAMILIES.get(verb)
    if family is None:
        if lex.VERB_FORMS.get(verb, ("", ""))[1] == "base" and rest:
            return _pick(banks.LEADS["free"]["any"], {**slots, "b": lowered}, rng), "show"
        return finish_sentence(text), "show"  # the beat is already a sentence
    obj = re.sub(r"^(at|about|on|over|down|up)\s+", "", rest) if family == "hint" else rest
    if not obj:
        return finish_sentence(text), family
    kind = "wh" if obj.split()[0].lower() in _WH_STARTS else "np"
    table = banks.LEADS.get(f"{family}_story" if facts.mode == "story" else family)
    table = table or banks.LEADS[family]
    return _pick(table[kind], {**slots, "o": obj}, rng), family


def _pick(templates: Sequence[str], slots: dict[str, str], rng: Random) -> str:
    options = [t for t in templates if fill(t, slots)]
    text = fill(rng.choice(options), slots) if options else None
    return finish_sentence(text or slots.get("o") or slots.get("b") or slots["T"])


def _beat_slots(beat: str) -> dict[str, str]:
    """The beat's own words for echo sentences: its object {o}, the whole beat {b}, an item's
    label {L}."""
    text = " ".join(beat.split()).rstrip(".;:")
    item = _ITEM.match(text)
    if item:
        labels = re.split(r";\s*(?:and\s+)?", item.group(3))
        return {"L": labels[-1].strip()} if len(labels) == 1 else {}
    _, _, rest = text.partition(" ")
    return {"o": rest, "b": text[:1].lower() + text[1:]}


def _echoes(facts: Facts, beat: str) -> list[str]:
    table = banks.ECHOES.get(facts.mode, {})
    if facts.mode == "list":
        return list(table.get("item", ()))
    if facts.mode == "tutorial":
        return list(table.get("any", ()))
    obj = _beat_slots(beat).get("o", "")
    if not obj or beat.split()[0].lower() not in banks.FAMILIES:
        return []
    kind = "wh" if obj.split()[0].lower() in _WH_STARTS else "np"
    return [*table.get(kind, ()), *table.get("any", ())]


def _family_of(beat: str, facts: Facts) -> str:
    return _lead(beat, facts, {**facts.slots, "X": facts.topic}, rng_for("probe"), step=1)[1]


@lru_cache(maxsize=32)
def _deal(
    facts: Facts, outline: tuple[ChapterOutline, ...], key: tuple[str, ...]
) -> dict[tuple[int, int], list[str]]:
    """Follow-up sentences dealt out over the whole outline like cards, so no two beats share
    one (chapters are written by separate calls, so this is worked out the same way in each).
    A family's sentences go round the beats of that family; families no beat uses go round the
    chapters (key ``(chapter, -1)``). Openings and endings stay with their own beats."""
    bank = banks.ELABORATIONS.get(facts.mode) or banks.ELABORATIONS["explainer"]
    beats_of: dict[str, list[tuple[int, int]]] = {}
    for c, chapter in enumerate(outline):
        for b, beat in enumerate(chapter.beats or (chapter.title,)):
            beats_of.setdefault(_family_of(beat, facts), []).append((c, b))
    hands: dict[tuple[int, int], list[str]] = {}
    spare: list[str] = []
    for family, templates in sorted(bank.items()):
        order = _shuffled(templates, rng_for("deal", family, *key))
        seats = beats_of.get(family)
        if not seats:
            if family in banks.BORROWABLE:
                spare.extend(order)
            continue
        for i, template in enumerate(order):
            hands.setdefault(seats[i % len(seats)], []).append(template)
    chapters = max(1, len(outline))
    for i, template in enumerate(_shuffled(spare, rng_for("spare", *key))):
        hands.setdefault((i % chapters, -1), []).append(template)
    return hands


def _filled(templates: Iterable[str], slots: dict[str, str]) -> Iterator[str]:
    for template in templates:
        text = fill(template, slots)
        if text:
            yield finish_sentence(text)


def _elaborations(facts: Facts, family: str, slots: dict[str, str]) -> Iterator[str]:
    """Every follow-up sentence that suits a beat of ``family`` (once the dealt ones ran out)."""
    bank = banks.ELABORATIONS.get(facts.mode) or banks.ELABORATIONS["explainer"]
    others = [
        t for f, ts in sorted(bank.items()) if f != family and f in banks.BORROWABLE for t in ts
    ]
    yield from _filled([*bank.get(family, ()), *others], slots)


def _limit_topic(pool: Iterator[str], facts: Facts, budget: list[int]) -> Iterator[str]:
    topic = facts.topic.lower()
    for sentence in pool:
        if topic in sentence.lower():
            if budget[0] <= 0:
                continue
            budget[0] -= 1
        yield sentence


def _shared_pool(
    facts: Facts, slots: dict[str, str], key: tuple[str, ...], index: int, chapters: int
) -> Iterator[str]:
    """Fillers dealt out to the chapters like cards (one shuffled order for the whole script),
    so no two chapters use the same one; a chapter that runs out takes from the next ones."""
    bank = [*banks.FILLERS.get(facts.mode, ()), *banks.TONE_FILLERS[facts.tone]]
    if facts.mode != "story":
        bank += banks.COMMON_FILLERS
    order = _shuffled(bank, rng_for("fillers", *key))
    n = max(1, chapters)
    mine = order[index % n :: n]
    rest = [t for k in range(1, n) for t in order[(index + k) % n :: n]]
    for template in mine + rest:
        text = fill(template, slots)
        if text:
            yield finish_sentence(text)


def _opening(sentence: str) -> str:
    match = re.match(r"\W*(\w+)", sentence)
    return match.group(1).lower() if match else ""


def _take(
    pool: Iterator[str],
    used: set[str],
    openings: Counter[str],
    previous: str,
    strict: bool,
    name: str = "",
) -> str | None:
    """The next sentence not used yet; strictly, also one that does not open like the sentence
    before it, nor like two others in the chapter already (one, for the protagonist's name)."""
    for sentence in pool:
        if sentence in used:
            continue
        first = _opening(sentence)
        limit = 1 if first == name else 2
        if strict and (first == _opening(previous) or openings[first] >= limit):
            continue
        return sentence
    return None


def _tidy(sentence: str) -> str:
    sentence = re.sub(r"\s+([,.;:?!])", r"\1", sentence)
    sentence = re.sub(r"([?!])\.", r"\1", sentence)
    sentence = re.sub(r"\.\.+", ".", sentence)
    return capitalize_first(sentence)
