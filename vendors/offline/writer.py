"""The offline text provider: a plain template stub, not a writer.

No language model that installs from the package registries is fit to write a script
(docs/architecture.md, "Offline text"), so without one VidFlow fills every text artifact from a
few fixed templates and the creator's own words: the idea, the outline's beats, the facts the
creator listed. The result has the right shape (counts, word budget, YouTube's limits) so the rest
of the pipeline runs, and it states nothing of its own: it knows no facts, and its analysis judges
nothing. The product marks all of it "placeholder text" (``placeholder = True``). Real scripts
come from the OpenAI-compatible provider pointed at a model the creator runs or pays for
(``PROVIDER_TEXT=openai``; the README's "Real scripts" section).

Rules that hold for any provider's text (transitions at chapter starts, the shot budget, title and
description limits, the idea's subject in titles) are applied by the stages, not here.

Deterministic: the same inputs always give the same text. English templates whatever the language.
"""

from __future__ import annotations

import re

from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    Fact,
    ProviderError,
    PublishCopy,
    ScriptNotes,
    ShotIdea,
    ShotSegment,
    StoryContext,
    TitleSuggestion,
)
from vendors.text import word_count

MAX_CHAPTERS = 12
MAX_REQUESTED_CHAPTERS = 20
TITLE_LIMIT = 100

_TITLES = (
    ("{Idea}", "the idea, as the creator put it"),
    ("{Idea}, Explained", "promises an explanation"),
    ("{Idea}: The Short Version", "promises brevity"),
    ("{Idea}, Step by Step", "promises a clear path"),
    ("What to Know: {Idea}", "frames it as essentials"),
    ("{Idea} (in {seconds} Seconds)", "states the length"),
    ("A Plain Guide: {Idea}", "plain and direct"),
    ("{Idea}: Where to Start", "for newcomers"),
    ("Understanding {Idea}", "promises understanding"),
    ("{Idea}: The Basics", "frames it as basics"),
    ("{Idea}, From the Beginning", "starts at the start"),
    ("Questions About {Idea}", "frames it as questions"),
)
_CHAPTERS = (
    ("The question", "Say what this video is about: {idea}."),
    ("What we know", "The facts the video rests on."),
    ("How it works", "Explain the main point, one step at a time."),
    ("A closer look", "One detail worth slowing down for."),
    ("Another side", "What people often get wrong, or a second view."),
    ("Why it matters", "What this changes for the viewer."),
)
_CLOSING = ("The answer, in short", "Sum up and answer the opening question.")
_STAGES = (*_CHAPTERS, _CLOSING)
_STOPWORDS = {"why", "how", "what", "when", "where", "who", "have", "does", "with", "from", "that"}
# Sentences that carry no claim, used to bring a chapter to its word budget.
_FILLER = (
    "Let's take this one step at a time.",
    "It helps to start with what we can see for ourselves.",
    "Keep that in mind for what comes next.",
    "This is where most of the interest lies.",
    "It is worth slowing down here for a moment.",
    "Put simply, this is the part to remember.",
    "From here, the picture becomes clearer.",
    "That brings us to the next point.",
    "There is more to it than first appears.",
    "Here is the short version of it.",
    "Think of it as one piece of a larger picture.",
    "That is the heart of this part of the story.",
)
_SHORT = ("Here is why.", "That is the key.", "Remember that.", "Now, more.", "Listen.")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)\b")
_STYLE = "clean documentary illustration"


def suggested_chapters(target_seconds: int) -> int:
    """About one chapter per 30 seconds of video, at least 2 and at most MAX_CHAPTERS."""
    return max(2, min(MAX_CHAPTERS, round(max(0, target_seconds) / 30)))


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _idea(ctx: StoryContext) -> str:
    """The idea as one line without its final punctuation: the topic every template names."""
    return " ".join((ctx.idea or ctx.title).split()).rstrip(" .!?") or "this topic"


def _title_case(text: str) -> str:
    small = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with"}
    words = text.split()
    return " ".join(
        w if (i and w.lower() in small) or w[:1].isupper() else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-")


def _facts_for(ctx: StoryContext, index: int, chapters: int) -> list[Fact]:
    """The creator's facts shared out over the chapters in order."""
    return [f for i, f in enumerate(ctx.facts) if i * chapters // max(1, len(ctx.facts)) == index]


def _asks(ctx: StoryContext) -> bool:
    return _idea(ctx).lower().startswith(("why", "how", "what", "when", "where", "who"))


def _say(fact: Fact) -> str:
    """A fact as a sentence; an uncertain one said as uncertain."""
    if fact.uncertain:
        return _sentence(f"It is thought that {fact.text[0].lower()}{fact.text[1:]}")
    return _sentence(fact.text)


_PREPOSITIONS = {"on", "in", "at", "inside", "under", "near", "across", "beneath"}


def _place(ctx: StoryContext) -> str:
    """The idea's setting when it ends on one ("... on a stormy island" → "Stormy island"), else
    the idea itself."""
    words = _idea(ctx).split()
    for i in range(len(words) - 2, 0, -1):
        if words[i].lower() in _PREPOSITIONS:
            rest = words[i + 1 :]
            if rest and rest[0].lower() in {"the", "a", "an"}:
                rest = rest[1:]
            if rest:
                return _clip(_sentence(" ".join(rest)).rstrip("."), 60)
            break
    return _clip(_title_case(_idea(ctx)), 60)


class LocalWriter:
    """:class:`vendors.base.TextProvider` without a model. Pure and fast: no network, no files."""

    name = "offline"
    model = "template stub"
    placeholder = True

    def title_ideas(self, ctx: StoryContext, *, count: int) -> list[TitleSuggestion]:
        """Up to ``count`` distinct titles (at most 12), each the idea in a fixed pattern."""
        idea = _title_case(_idea(ctx))
        out: list[TitleSuggestion] = []
        for pattern, angle in _TITLES:
            text = pattern.format(Idea=idea, seconds=ctx.target_seconds)
            if len(text) > TITLE_LIMIT:
                text = _clip(idea, TITLE_LIMIT)
            if text.casefold() not in {t.text.casefold() for t in out}:
                out.append(TitleSuggestion(text=text, angle=angle, score=0.0))
            if len(out) == count:
                break
        return out

    def facts(self, ctx: StoryContext) -> list[Fact]:
        """None: a template knows no facts. The creator lists them; the narration states them."""
        return []

    def outline(self, ctx: StoryContext, *, chapters: int) -> list[ChapterOutline]:
        """``chapters`` chapters (``<= 0``: :func:`suggested_chapters`), the last one closing."""
        n = chapters if chapters > 0 else suggested_chapters(ctx.target_seconds)
        n = min(n, MAX_REQUESTED_CHAPTERS)
        idea = _idea(ctx)
        out: list[ChapterOutline] = []
        for i in range(n):
            if i == n - 1 and n > 1:
                title, beat = _CLOSING
            else:
                title, beat = _CHAPTERS[i % len(_CHAPTERS)]
                if i >= len(_CHAPTERS):
                    title = f"{title} ({i // len(_CHAPTERS) + 1})"
            beats = [beat.format(idea=idea)]
            beats += [f.text for f in _facts_for(ctx, i, n)]
            out.append(ChapterOutline(title=title, beats=tuple(beats[:6])))
        return out

    def hook(self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...]) -> str:
        opening = _sentence(_idea(ctx) + "?" * _asks(ctx))
        return f"{opening} Here it is in {len(outline) or 1} short parts."

    def narration(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], index: int, words: int
    ) -> str:
        """Chapter ``index``: its beats and its facts as sentences, then neutral filler up to
        ``words`` (within ±15% from a dozen words up)."""
        if not 0 <= index < len(outline):
            raise ProviderError(f"No chapter {index} in an outline of {len(outline)}")
        if words <= 0:
            raise ProviderError(f"A chapter needs a positive word count, not {words}")
        chapter = outline[index]
        # The template's own beats are directions for a writer, not lines to speak; beats the
        # creator wrote are spoken, and so are the facts.
        skip = {f.text for f in ctx.facts} | {b.format(idea=_idea(ctx)) for _, b in _STAGES}
        said = [_sentence(chapter.title if index else _idea(ctx) + "?" * _asks(ctx))]
        said += [_sentence(b) for b in chapter.beats if b.strip() and b not in skip]
        said += [_say(f) for f in _facts_for(ctx, index, len(outline))]
        text: list[str] = []
        count = 0
        for sentence in said:
            if count >= words:
                break
            text.append(sentence)
            count += word_count(sentence)
        start = index * 5  # another chapter opens with other filler; past ~100 words it repeats
        for n in range(words):
            if count >= words * 0.92:
                break
            filler = _FILLER[(start + n) % len(_FILLER)]
            if count + word_count(filler) > words * 1.15:
                filler = next((f for f in _SHORT if count + word_count(f) <= words * 1.15), "")
            if filler:
                text.append(filler)
                count += word_count(filler)
        narration = " ".join(text)
        if word_count(narration) > words * 1.15:
            narration = _sentence(" ".join(narration.split()[:words]))
        return narration

    def notes(self, ctx: StoryContext, *, hook: str, chapters: tuple[str, ...]) -> ScriptNotes:
        """Nothing judged: a template cannot tell a strong hook or a false claim."""
        return ScriptNotes(
            hook_strength=None,
            risks=(
                "Placeholder text: no language model has read this script, so its claims, hook "
                "and pacing are unchecked.",
            ),
            pacing=tuple(f"Chapter {i}: {word_count(c)} words." for i, c in enumerate(chapters, 1)),
        )

    def bible(self, ctx: StoryContext, *, narration: tuple[str, ...]) -> list[BibleSuggestion]:
        """Names written as two or more capitalised words inside a sentence (characters, at most
        four) and the idea's setting (or the idea) as the one location."""
        names: list[str] = []
        for text in (ctx.idea, *narration):
            for name in _NAME.findall(text):
                if name not in names:
                    names.append(name)
        out = [
            BibleSuggestion(kind="character", name=n, description=f"{n}, as the narration names")
            for n in names[:4]
        ]
        place = _place(ctx)
        out.append(
            BibleSuggestion(kind="location", name=place, description=f"The world of {place}")
        )
        return out

    def shot_ideas(
        self,
        ctx: StoryContext,
        *,
        segments: tuple[ShotSegment, ...],
        bible: tuple[BibleSuggestion, ...],
    ) -> list[ShotIdea]:
        """One still image per segment showing what it names; every transition a cut."""
        style = " ".join(ctx.visual_style.split()) or _STYLE
        location = next((b.name for b in bible if b.kind == "location"), "")
        out: list[ShotIdea] = []
        for seg in segments:
            present = tuple(b.name for b in bible if b.kind == "character" and b.name in seg.text)
            subject = ", ".join(present) or _clip(seg.text.rstrip(".!?"), 160) or _idea(ctx)
            out.append(
                ShotIdea(
                    kind="image",
                    prompt=f"illustration of {subject}, {style}",
                    characters=present,
                    location=location,
                    transition="cut",
                )
            )
        return out

    def publish_copy(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], hook: str
    ) -> PublishCopy:
        """The hook, the chapter titles and tags from the idea's words."""
        lines = "\n".join(f"• {c.title}" for c in outline)
        description = "\n\n".join(p for p in (hook.strip(), lines) if p)
        words = [w.lower() for w in re.findall(r"[A-Za-z][\w\-]{3,}", _idea(ctx))]
        words = [w for w in words if w not in _STOPWORDS]
        tags = list(dict.fromkeys([_clip(_idea(ctx).lower(), 30), *words]))
        return PublishCopy(description=description, tags=tuple(t for t in tags if t)[:15])
