"""The offline text provider: a deterministic local writer.

No useful language model installs here (docs/architecture.md, "Offline text"), so this writer
builds structurally sound text from the idea and the channel setup with templates, phrase banks and
simple text processing. Every choice is seeded from a hash of the inputs (a private
``random.Random``, never the global one), so the same context always writes the same script, and
different ideas write different ones. Real prose comes from the OpenAI-compatible provider
(``PROVIDER_TEXT=openai``).

Language: the templates are English. For another ``language`` the writer still works — the idea's
own words are carried through, titles, outline and narration stay structurally valid — but the
connecting text is English and names are not guessed from capitals (German capitalises every
noun). Use the OpenAI-compatible provider for real non-English prose.

Non-fiction is not padded with invented facts: characters are invented only for stories; an
explainer names only the people the idea names.
"""

from __future__ import annotations

from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    ProviderError,
    PublishCopy,
    ScriptNotes,
    ShotIdea,
    ShotSegment,
    StoryContext,
    TitleSuggestion,
)

from . import _review, _script
from ._facts import analyse
from ._review import hook_strength
from ._script import WORDS_PER_MINUTE, suggested_chapters, words_for

__all__ = ["WORDS_PER_MINUTE", "LocalWriter", "hook_strength", "suggested_chapters", "words_for"]


class LocalWriter:
    """:class:`vendors.base.TextProvider` without a model. Pure: no network, files or database;
    fast enough (milliseconds) to run inline."""

    name = "offline"

    def title_ideas(self, ctx: StoryContext, *, count: int) -> list[TitleSuggestion]:
        """``count`` titles (≤ 100 characters), best first, several patterns represented."""
        return _script.title_ideas(analyse(ctx), ctx, count=count)

    def outline(self, ctx: StoryContext, *, chapters: int) -> list[ChapterOutline]:
        """``chapters`` chapters of 2 to 4 beats; ``chapters <= 0`` picks
        :func:`suggested_chapters` for ``ctx.target_seconds``."""
        return _script.outline(analyse(ctx), ctx, chapters=chapters)

    def hook(self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...]) -> str:
        return _script.hook(analyse(ctx), ctx, outline=outline)

    def narration(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], index: int, words: int
    ) -> str:
        """Chapter ``index`` as complete sentences that follow its beats, within ±15% of
        ``words`` (for budgets of a dozen words and up)."""
        if not 0 <= index < len(outline):
            raise ProviderError(f"No chapter {index} in an outline of {len(outline)}")
        if words <= 0:
            raise ProviderError(f"A chapter needs a positive word count, not {words}")
        return _script.narration(analyse(ctx), ctx, outline=outline, index=index, words=words)

    def notes(self, ctx: StoryContext, *, hook: str, chapters: tuple[str, ...]) -> ScriptNotes:
        return _review.notes(analyse(ctx), ctx, hook=hook, chapters=chapters)

    def bible(self, ctx: StoryContext, *, narration: tuple[str, ...]) -> list[BibleSuggestion]:
        """Characters named in the narration and locations (the idea's setting always first)."""
        return _review.bible(analyse(ctx), ctx, narration=narration)

    def shot_ideas(
        self,
        ctx: StoryContext,
        *,
        segments: tuple[ShotSegment, ...],
        bible: tuple[BibleSuggestion, ...],
    ) -> list[ShotIdea]:
        return _review.shot_ideas(analyse(ctx), ctx, segments=segments, bible=bible)

    def publish_copy(
        self, ctx: StoryContext, *, outline: tuple[ChapterOutline, ...], hook: str
    ) -> PublishCopy:
        return _review.publish_copy(analyse(ctx), ctx, outline=outline, hook=hook)
