"""The offline placeholder writer: shape only (counts, word budget, YouTube's limits), never the
prose, which is a template's and is marked as placeholder text in the product."""

from __future__ import annotations

import pytest

from vendors.base import Fact, ShotSegment, StoryContext, TextProvider
from vendors.offline.writer import LocalWriter, suggested_chapters

IDEAS = (
    "Why octopuses have three hearts",
    "The lighthouse keeper who never left",
    "How the Voyager probes left the solar system",
    "Warum der Himmel blau ist",
)
FACTS = (
    Fact("An octopus has three hearts."),
    Fact("Two of the hearts pump blood through the gills."),
    Fact("The main heart may stop while the octopus swims.", uncertain=True),
)


def test_it_is_a_text_provider_that_says_it_is_a_placeholder() -> None:
    writer = LocalWriter()
    assert isinstance(writer, TextProvider)
    assert writer.placeholder is True
    assert writer.name == "offline"


@pytest.mark.parametrize("idea", IDEAS)
@pytest.mark.parametrize("count", [1, 5, 12])
def test_titles_are_distinct_within_youtubes_limit_and_carry_the_idea(
    idea: str, count: int
) -> None:
    titles = LocalWriter().title_ideas(StoryContext(idea=idea), count=count)

    assert len(titles) == count
    assert len({t.text.casefold() for t in titles}) == count
    assert all(0 < len(t.text) <= 100 for t in titles)
    assert all(idea.split()[1].casefold() in t.text.casefold() for t in titles)


def test_a_long_idea_still_gives_titles_within_the_limit() -> None:
    titles = LocalWriter().title_ideas(StoryContext(idea="word " * 60), count=12)
    assert titles
    assert all(len(t.text) <= 100 for t in titles)


def test_it_knows_no_facts() -> None:
    assert LocalWriter().facts(StoryContext(idea=IDEAS[0])) == []


@pytest.mark.parametrize(("seconds", "chapters"), [(10, 2), (60, 2), (90, 3), (300, 10), (900, 12)])
def test_the_outline_has_the_suggested_number_of_chapters(seconds: int, chapters: int) -> None:
    outline = LocalWriter().outline(StoryContext(idea=IDEAS[1], target_seconds=seconds), chapters=0)

    assert suggested_chapters(seconds) == chapters
    assert len(outline) == chapters
    assert len({c.title for c in outline}) == chapters
    assert all(1 <= len(c.beats) <= 6 for c in outline)


@pytest.mark.parametrize("chapters", [1, 4, 7, 20])
def test_an_asked_number_of_chapters_is_kept(chapters: int) -> None:
    outline = LocalWriter().outline(StoryContext(idea=IDEAS[2]), chapters=chapters)
    assert len(outline) == chapters


@pytest.mark.parametrize("idea", IDEAS)
@pytest.mark.parametrize("words", [12, 40, 100, 250])
def test_narration_keeps_its_word_budget(idea: str, words: int) -> None:
    writer = LocalWriter()
    ctx = StoryContext(idea=idea, facts=FACTS)
    outline = tuple(writer.outline(ctx, chapters=3))

    for index in range(3):
        text = writer.narration(ctx, outline=outline, index=index, words=words)
        assert words * 0.85 <= len(text.split()) <= words * 1.15
        assert text.rstrip()[-1] in ".!?"


def test_every_fact_the_creator_listed_is_stated_once_and_an_uncertain_one_as_uncertain() -> None:
    writer = LocalWriter()
    ctx = StoryContext(idea=IDEAS[0], facts=FACTS)
    outline = tuple(writer.outline(ctx, chapters=2))

    script = " ".join(writer.narration(ctx, outline=outline, index=i, words=80) for i in range(2))

    assert script.count("An octopus has three hearts.") == 1
    assert script.count("Two of the hearts pump blood through the gills.") == 1
    assert "It is thought that the main heart may stop while the octopus swims." in script


def test_the_same_inputs_write_the_same_text() -> None:
    ctx = StoryContext(idea=IDEAS[1], facts=FACTS)
    first, second = LocalWriter(), LocalWriter()
    outline = tuple(first.outline(ctx, chapters=3))
    assert outline == tuple(second.outline(ctx, chapters=3))
    assert first.hook(ctx, outline=outline) == second.hook(ctx, outline=outline)
    assert first.narration(ctx, outline=outline, index=1, words=60) == second.narration(
        ctx, outline=outline, index=1, words=60
    )


def test_the_analysis_judges_nothing() -> None:
    notes = LocalWriter().notes(StoryContext(idea=IDEAS[0]), hook="Why?", chapters=("a b", "c"))

    assert notes.hook_strength is None
    assert len(notes.pacing) == 2
    assert any("Placeholder" in r for r in notes.risks)


def test_bible_shot_ideas_and_publish_copy_have_their_shapes() -> None:
    writer = LocalWriter()
    ctx = StoryContext(idea=IDEAS[1])
    narration = ("Tonight Mara Quinn climbs the stairs.", "The lamp goes dark.")
    bible = tuple(writer.bible(ctx, narration=narration))
    segments = tuple(
        ShotSegment(index=i, text=t, start=i * 5.0, end=i * 5.0 + 5, chapter_index=i)
        for i, t in enumerate(narration)
    )
    shots = writer.shot_ideas(ctx, segments=segments, bible=bible)
    outline = tuple(writer.outline(ctx, chapters=3))
    copy = writer.publish_copy(ctx, outline=outline, hook=writer.hook(ctx, outline=outline))

    assert [b.name for b in bible if b.kind == "character"] == ["Mara Quinn"]
    assert [b.kind for b in bible].count("location") == 1
    assert len(shots) == 2
    assert shots[0].characters == ("Mara Quinn",)
    assert all(s.prompt and s.kind == "image" for s in shots)
    assert 0 < len(copy.description) <= 5000
    assert 1 <= len(copy.tags) <= 15
    assert all(len(t) <= 30 for t in copy.tags)
