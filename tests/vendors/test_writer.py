"""The offline writer: structurally valid, deterministic text that carries the creator's idea.

Pure unit tests: the writer touches no database, files or network.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from vendors.base import (
    BibleSuggestion,
    ChapterOutline,
    ProviderError,
    ResearchProvider,
    ShotIdea,
    ShotSegment,
    StoryContext,
    TextProvider,
)
from vendors.offline.research import ManualResearch
from vendors.offline.writer import LocalWriter, hook_strength, suggested_chapters, words_for
from vendors.registry import provider

IDEAS = [
    StoryContext(
        idea="Why Roman concrete lasts 2000 years",
        niche="history",
        audience="history fans",
        tone="curious",
        video_style="documentary",
        visual_style="watercolor",
        target_seconds=60,
        references=("Why Nobody Can Rebuild the Pyramids Today",),
    ),
    StoryContext(
        idea="A lighthouse keeper hears a voice in the fog",
        niche="scary stories",
        tone="dark",
        visual_style="ink and wash",
        target_seconds=90,
    ),
    StoryContext(idea="7 habits of successful freelancers", niche="business", target_seconds=60),
    StoryContext(idea="How to bake sourdough bread at home", niche="cooking", target_seconds=120),
    StoryContext(idea="How octopuses solve puzzles", niche="nature", tone="playful"),
    StoryContext(
        idea="Captain Nemo finds a sunken city under the sea",
        niche="fantasy",
        video_style="animated story",
        target_seconds=180,
    ),
]
IDS = ["explainer", "story", "list", "tutorial", "plural-topic", "named-character"]

SENTENCE = re.compile(r"^[\"“]?[A-Z0-9].*[.!?][\"”]?$")


def _split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?:(?<=[.!?])|(?<=[.!?][\"”]))\s+(?=[\"“]?[A-Z0-9])", text) if s]


def _script(
    writer: LocalWriter, ctx: StoryContext
) -> tuple[tuple[ChapterOutline, ...], str, tuple[str, ...]]:
    outline = tuple(writer.outline(ctx, chapters=0))
    hook = writer.hook(ctx, outline=outline)
    per_chapter = words_for(ctx.target_seconds) // len(outline)
    chapters = tuple(
        writer.narration(ctx, outline=outline, index=i, words=per_chapter)
        for i in range(len(outline))
    )
    return outline, hook, chapters


def _segments(chapters: tuple[str, ...]) -> tuple[ShotSegment, ...]:
    """Two sentences a shot, timed at the product's pace, as the pipeline would cut them."""
    segments: list[ShotSegment] = []
    start = 0.0
    for c, text in enumerate(chapters):
        parts = _split_sentences(text)
        for i in range(0, len(parts), 2):
            words = " ".join(parts[i : i + 2])
            end = start + len(words.split()) / 2.5
            segments.append(ShotSegment(len(segments), words, start, end, c))
            start = end
    return tuple(segments)


# --- the contract ---------------------------------------------------------------------------------


def test_local_writer_is_a_text_provider() -> None:
    assert isinstance(LocalWriter(), TextProvider)
    assert LocalWriter.name == "offline"


def test_manual_research_is_a_research_provider_that_finds_nothing() -> None:
    research = ManualResearch()

    assert isinstance(research, ResearchProvider)
    assert research.outliers(query="roman concrete", limit=10) == []


def test_default_settings_choose_the_local_writer_and_manual_research() -> None:
    assert isinstance(provider("text"), LocalWriter)
    assert isinstance(provider("research"), ManualResearch)


@pytest.mark.parametrize("ctx", IDEAS, ids=IDS)
def test_same_context_writes_the_same_script(ctx: StoryContext) -> None:
    first, second = LocalWriter(), LocalWriter()

    script = _script(first, ctx)
    assert _script(second, ctx) == script
    outline, hook, chapters = script
    bible = tuple(first.bible(ctx, narration=chapters))
    segments = _segments(chapters)
    assert first.title_ideas(ctx, count=6) == second.title_ideas(ctx, count=6)
    assert first.notes(ctx, hook=hook, chapters=chapters) == second.notes(
        ctx, hook=hook, chapters=chapters
    )
    assert bible == tuple(second.bible(ctx, narration=chapters))
    assert first.shot_ideas(ctx, segments=segments, bible=bible) == second.shot_ideas(
        ctx, segments=segments, bible=bible
    )
    assert first.publish_copy(ctx, outline=outline, hook=hook) == second.publish_copy(
        ctx, outline=outline, hook=hook
    )


def test_different_ideas_write_different_scripts() -> None:
    writer = LocalWriter()
    scripts = [_script(writer, replace(ctx, target_seconds=60)) for ctx in IDEAS]
    hooks = {hook for _, hook, _ in scripts}
    first_chapters = {chapters[0] for _, _, chapters in scripts}
    titles = {writer.title_ideas(ctx, count=1)[0].text for ctx in IDEAS}

    assert len(hooks) == len(IDEAS)
    assert len(first_chapters) == len(IDEAS)
    assert len(titles) == len(IDEAS)


def test_a_different_tone_or_audience_changes_the_seed_not_the_structure() -> None:
    writer = LocalWriter()
    base = IDEAS[0]
    louder = replace(base, tone="dramatic", audience="students")

    a, b = _script(writer, base), _script(writer, louder)
    assert a != b
    assert len(a[0]) == len(b[0])


# --- titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("ctx", IDEAS, ids=IDS)
def test_titles_fit_youtube_and_show_several_patterns(ctx: StoryContext) -> None:
    titles = LocalWriter().title_ideas(ctx, count=8)

    assert len(titles) == 8
    assert len({t.text.lower() for t in titles}) == 8
    assert all(0 < len(t.text) <= 100 for t in titles)
    assert all("<" not in t.text and ">" not in t.text for t in titles)
    assert all(0.0 <= t.score <= 1.0 for t in titles)
    assert all(t.angle for t in titles)
    assert len({t.angle for t in titles[:5]}) >= 4
    assert [t.score for t in titles[: len({t.angle for t in titles})]] != []


def test_titles_carry_the_ideas_key_phrase() -> None:
    titles = LocalWriter().title_ideas(IDEAS[0], count=6)

    with_phrase = [t for t in titles if "roman concrete" in t.text.lower()]
    assert len(with_phrase) >= 5
    assert any(t.text == "Why Does Roman Concrete Last 2000 Years?" for t in titles)


def test_titles_in_the_references_pattern_score_higher() -> None:
    plain = replace(IDEAS[0], references=())
    with_list_refs = replace(
        IDEAS[0], references=("7 Things Nobody Tells You About Bridges", "10 Lost Inventions")
    )

    def list_score(ctx: StoryContext) -> float:
        titles = LocalWriter().title_ideas(ctx, count=12)
        return max(t.score for t in titles if t.angle == "numbered list")

    assert list_score(with_list_refs) > list_score(plain)


def test_a_very_long_idea_still_gives_titles_within_the_limit() -> None:
    idea = (
        "An extremely detailed investigation into the forgotten engineering decisions behind "
        "the construction of the transcontinental railway across the western mountains"
    )
    titles = LocalWriter().title_ideas(StoryContext(idea=idea), count=10)

    assert titles
    assert all(len(t.text) <= 100 for t in titles)


def test_zero_titles_asked_gives_none() -> None:
    assert LocalWriter().title_ideas(IDEAS[0], count=0) == []


# --- outline ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "chapters"), [(15, 2), (60, 2), (90, 3), (180, 6), (300, 10), (600, 12), (3600, 12)]
)
def test_chapter_count_scales_with_target_length(seconds: int, chapters: int) -> None:
    assert suggested_chapters(seconds) == chapters
    outline = LocalWriter().outline(replace(IDEAS[0], target_seconds=seconds), chapters=0)
    assert len(outline) == chapters


@pytest.mark.parametrize("ctx", IDEAS, ids=IDS)
@pytest.mark.parametrize("chapters", [1, 2, 3, 5, 8, 12])
def test_outline_has_the_asked_chapters_with_two_to_four_beats(
    ctx: StoryContext, chapters: int
) -> None:
    outline = LocalWriter().outline(ctx, chapters=chapters)

    assert len(outline) == chapters
    assert len({c.title.lower() for c in outline}) == chapters
    for chapter in outline:
        assert chapter.title.strip()
        assert 2 <= len(chapter.beats) <= 4
        assert all(b.strip() and "{" not in b for b in chapter.beats)


def test_outline_beats_mention_the_idea() -> None:
    outline = LocalWriter().outline(IDEAS[0], chapters=4)
    text = " ".join(b for c in outline for b in c.beats)

    assert text.count("Roman concrete") >= 4


def test_list_video_counts_the_items_the_idea_promises() -> None:
    outline = LocalWriter().outline(IDEAS[2], chapters=3)
    numbers = [int(n) for c in outline for b in c.beats for n in re.findall(r"Number (\d+)", b)]

    assert numbers == list(range(1, 8))
    assert "habit" in " ".join(b for c in outline for b in c.beats)


# --- hook ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("ctx", IDEAS, ids=IDS)
def test_hook_is_one_to_three_sentences_that_open_a_question(ctx: StoryContext) -> None:
    writer = LocalWriter()
    hook = writer.hook(ctx, outline=tuple(writer.outline(ctx, chapters=0)))

    sentences = _split_sentences(hook)
    assert 1 <= len(sentences) <= 3
    assert "?" in hook
    assert "{" not in hook


def test_hook_strength_tells_a_weak_hook_from_a_strong_one() -> None:
    weak = "In this video we will talk about concrete and some other things about it."
    strong = (
        "Why has Roman concrete survived 2000 years of earthquakes while ours cracks in 50? "
        "The answer could change how you build everything."
    )

    assert 0.0 <= hook_strength(weak) < 0.4
    assert 0.7 <= hook_strength(strong) <= 1.0
    assert hook_strength("") == 0.0


def test_notes_score_the_hook_from_its_features() -> None:
    writer = LocalWriter()
    ctx = IDEAS[0]
    chapters = ("Roman builders mixed lime and ash. " * 10,)

    question = writer.notes(ctx, hook="Why does Roman concrete last?", chapters=chapters)
    statement = writer.notes(ctx, hook="Roman concrete is old.", chapters=chapters)
    assert question.hook_strength > statement.hook_strength


# --- narration ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ctx", IDEAS, ids=IDS)
@pytest.mark.parametrize("words", [25, 50, 75, 150, 300])
def test_narration_hits_the_word_count_in_complete_sentences(ctx: StoryContext, words: int) -> None:
    writer = LocalWriter()
    outline = tuple(writer.outline(ctx, chapters=3))

    for index in range(len(outline)):
        text = writer.narration(ctx, outline=outline, index=index, words=words)
        count = len(text.split())
        assert words * 0.85 <= count <= words * 1.15, (index, count, text)
        assert not re.search(r"[{}]|\s{2}|\.\.|\s[,.;:?!]", text), text
        for sentence in _split_sentences(text):
            assert SENTENCE.match(sentence), sentence


def test_narration_follows_the_chapters_beats_in_order() -> None:
    writer = LocalWriter()
    ctx = IDEAS[0]
    outline = (
        ChapterOutline(
            title="The Harbour",
            beats=(
                "Introduce the harbour at Caesarea",
                "Explain how seawater reacts with volcanic ash",
                "Reveal why modern concrete cracks sooner",
            ),
        ),
    )

    text = writer.narration(ctx, outline=outline, index=0, words=90)
    positions = [
        text.find("the harbour at Caesarea"),
        text.find("how seawater reacts with volcanic ash"),
        text.find("why modern concrete cracks sooner"),
    ]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_narration_renders_edited_beats_that_are_not_directions() -> None:
    writer = LocalWriter()
    outline = (
        ChapterOutline(
            title="Edited", beats=("Owen climbs the stairs", "Follow the light upstairs")
        ),
    )

    text = writer.narration(IDEAS[1], outline=outline, index=0, words=40)
    assert text.startswith("Owen climbs the stairs.")
    assert "follow the light upstairs" in text


def test_story_keeps_its_character_and_place_across_chapters() -> None:
    writer = LocalWriter()
    _, hook, chapters = _script(writer, IDEAS[1])
    name = re.search(r"^(\w+ \w+), a lighthouse keeper", hook)

    assert name, hook
    first_name = name.group(1).split()[0]
    assert all(first_name in chapter for chapter in chapters)
    assert all("lighthouse" in chapter for chapter in chapters)
    assert "voice in the fog" in " ".join(chapters)


def test_chapters_written_separately_do_not_repeat_sentences() -> None:
    writer = LocalWriter()
    for ctx in IDEAS:
        _, _, chapters = _script(writer, ctx)
        sentences = [s for c in chapters for s in _split_sentences(c) if len(s.split()) > 3]
        assert len(sentences) == len(set(sentences)), ctx.idea


def test_explainer_invents_no_people() -> None:
    writer = LocalWriter()
    _, _, chapters = _script(writer, IDEAS[0])

    characters = [b for b in writer.bible(IDEAS[0], narration=chapters) if b.kind == "character"]
    assert characters == []


def test_narration_of_a_missing_chapter_is_a_provider_error() -> None:
    writer = LocalWriter()
    outline = tuple(writer.outline(IDEAS[0], chapters=2))

    with pytest.raises(ProviderError):
        writer.narration(IDEAS[0], outline=outline, index=2, words=50)
    with pytest.raises(ProviderError):
        writer.narration(IDEAS[0], outline=outline, index=0, words=0)


# --- notes --------------------------------------------------------------------------------------


def test_notes_flag_a_script_too_long_for_its_target() -> None:
    chapters = ("The harbour was built from stone and ash. " * 30,) * 2

    notes = LocalWriter().notes(IDEAS[0], hook="Why did it last?", chapters=chapters)
    assert any("60 s target" in r and "cut" in r for r in notes.risks)
    assert len(notes.pacing) == 2


def test_notes_time_the_script_at_the_voices_pace() -> None:
    ctx = StoryContext(idea="How lighthouses work", target_seconds=60)
    chapters = ("The lamp turns all night and the keeper winds it. " * 10,) * 2  # 200 words

    at_a_narrators_pace = LocalWriter().notes(ctx, hook="Why?", chapters=chapters)
    at_a_quick_voices = LocalWriter().notes(
        replace(ctx, words_per_minute=205), hook="Why?", chapters=chapters
    )

    assert any("Runs about 80 s against a 60 s target" in r for r in at_a_narrators_pace.risks)
    assert not any("against a 60 s target" in r for r in at_a_quick_voices.risks)
    assert "about 29 s" in at_a_quick_voices.pacing[0]


def test_notes_flag_numbers_to_fact_check_repetitive_openings_and_a_short_chapter() -> None:
    chapters = (
        "The port opened in 1923. The cranes were new. The workers were proud. The ships came "
        "every week. Builders used lime, ash and seawater in a mix that hardened underwater. "
        "Engineers still argue about how much ash they used and why it mattered so much. "
        "Some say 40 percent of the mix was volcanic ash.",
        "It worked.",
    )

    notes = LocalWriter().notes(
        replace(IDEAS[0], target_seconds=30), hook="Why did it last?", chapters=chapters
    )
    risks = " | ".join(notes.risks)
    assert "1923" in risks
    assert "40 percent" in risks
    assert "open with \u201cThe\u201d" in risks
    assert "Chapter 2 is short" in risks


def test_notes_of_a_clean_script_raise_no_length_risk() -> None:
    writer = LocalWriter()
    ctx = IDEAS[2]
    outline = tuple(writer.outline(ctx, chapters=2))
    hook = writer.hook(ctx, outline=outline)
    budget = words_for(ctx.target_seconds) - len(hook.split())
    chapters = tuple(
        writer.narration(ctx, outline=outline, index=i, words=budget // 2) for i in range(2)
    )

    notes = writer.notes(ctx, hook=hook, chapters=chapters)
    assert not any("target" in r for r in notes.risks), notes.risks
    assert notes.hook_strength > 0.5


# --- bible --------------------------------------------------------------------------------------

KNOWN_NARRATION = (
    "Dr. Mara Quinn arrives in Pompeii before dawn. The streets are empty. Quinn has studied "
    "the ruins for years, but never like this. At the harbour, Elias Ward waits with a lantern.",
    "Elias says the tunnel floods at night. Mara follows him into the old tunnel anyway. "
    "Captain Ahab is the name carved above the door. Nobody in Pompeii remembers him.",
)


def test_bible_finds_the_named_characters_and_places() -> None:
    ctx = StoryContext(idea="An archaeologist finds a tunnel under Pompeii", niche="history")
    bible = LocalWriter().bible(ctx, narration=KNOWN_NARRATION)

    characters = [b.name for b in bible if b.kind == "character"]
    locations = [b.name for b in bible if b.kind == "location"]
    assert characters[:2] == ["Dr. Mara Quinn", "Elias Ward"]
    assert "Captain Ahab" in characters
    assert not {"The", "Nobody", "At", "Quinn", "Mara", "Elias"} & set(characters)
    assert locations[0] == "Pompeii"
    assert {"Harbour", "Old tunnel"} <= set(locations) or {"Harbour", "Tunnel"} <= set(locations)


def test_bible_entries_have_stable_colours_and_shapes() -> None:
    ctx = StoryContext(idea="An archaeologist finds a tunnel under Pompeii")
    first = LocalWriter().bible(ctx, narration=KNOWN_NARRATION)
    again = LocalWriter().bible(replace(ctx, tone="dark"), narration=KNOWN_NARRATION)

    assert all(re.fullmatch(r"#[0-9a-f]{6}", b.color) for b in first)
    assert all(b.shape and b.description for b in first)
    assert len({b.color for b in first}) == len(first)
    colours = {b.name: b.color for b in first}
    assert all(colours[b.name] == b.color for b in again if b.name in colours)


def test_bible_always_has_the_ideas_setting() -> None:
    ctx = StoryContext(idea="Why Roman concrete lasts 2000 years", niche="history")
    bible = LocalWriter().bible(ctx, narration=("Nothing here names a place at all.",))

    assert [b.name for b in bible if b.kind == "location"] == ["Ancient Rome"]
    assert LocalWriter().bible(StoryContext(idea="Why is the sky blue"), narration=())[0].kind == (
        "location"
    )


def test_bible_is_capped() -> None:
    names = [f"{a} {b}" for a in ("Ada", "Ben", "Cy", "Dee") for b in ("Moss", "Park", "Reed")]
    narration = (" ".join(f"Then {n} arrives at the station." for n in names),)
    bible = LocalWriter().bible(StoryContext(idea="A crowded station"), narration=narration)

    assert len([b for b in bible if b.kind == "character"]) == 6
    assert len([b for b in bible if b.kind == "location"]) <= 5


# --- shot ideas ---------------------------------------------------------------------------------

SHOT_BIBLE = (
    BibleSuggestion("character", "Mara Quinn", "an archaeologist", "#aa3322", "tall"),
    BibleSuggestion("character", "Elias Ward", "a harbour guard", "#2233aa", "round"),
    BibleSuggestion("location", "Pompeii", "the ruined city", "#556655", "sprawling"),
    BibleSuggestion("location", "Harbour", "the old harbour", "#445566", "wide"),
)
SHOT_SEGMENTS = (
    ShotSegment(0, "Ash drifts over the silent forum of Pompeii.", 0.0, 3.0, 0),
    ShotSegment(1, '"I can hear the sea," Mara Quinn whispers to the empty street.', 3.0, 6.0, 0),
    ShotSegment(2, "The walls crumble and the roof crashes down around the mosaic.", 6.0, 9.0, 0),
    ShotSegment(3, "A bronze lantern hangs beside a cracked amphora.", 9.0, 12.0, 1),
    ShotSegment(4, "Elias Ward waits at the harbour with a coil of rope.", 12.0, 15.0, 1),
    ShotSegment(5, "Fishing boats race the storm toward the harbour.", 15.0, 18.0, 1),
    ShotSegment(6, "Painted frescoes cover every wall of the villa.", 18.0, 21.0, 2),
    ShotSegment(7, "Mara Quinn kneels beside a buried bronze statue.", 21.0, 24.0, 2),
    ShotSegment(8, "Scrolls and coins lie scattered across the floor.", 24.0, 27.0, 2),
)


def _shots() -> list[ShotIdea]:
    ctx = StoryContext(
        idea="An archaeologist finds a tunnel under Pompeii", visual_style="oil paint"
    )
    return LocalWriter().shot_ideas(ctx, segments=SHOT_SEGMENTS, bible=SHOT_BIBLE)


def test_one_shot_idea_per_segment_with_cheap_kinds_mostly() -> None:
    shots = _shots()

    assert len(shots) == len(SHOT_SEGMENTS)
    assert all(s.kind in {"image", "video", "talking_head"} for s in shots)
    expensive = [s for s in shots if s.kind != "image"]
    assert len(expensive) <= len(SHOT_SEGMENTS) // 3


def test_a_character_speaking_gets_a_talking_head_and_motion_gets_video() -> None:
    shots = _shots()

    assert shots[1].kind == "talking_head"
    assert shots[1].characters == ("Mara Quinn",)
    assert "video" in {shots[2].kind, shots[5].kind}
    assert shots[3].kind == "image"


def test_no_talking_head_without_a_character() -> None:
    ctx = StoryContext(idea="Why Roman concrete lasts 2000 years")
    segments = tuple(
        ShotSegment(i, '"I will not crack," the wall seems to say.', i, i + 1.0, 0)
        for i in range(6)
    )
    bible = (BibleSuggestion("location", "Ancient Rome", "", "#777777", "wide"),)

    shots = LocalWriter().shot_ideas(ctx, segments=segments, bible=bible)
    assert all(s.kind != "talking_head" for s in shots)


def test_shot_prompts_name_the_segments_things_and_the_bible_entries_present() -> None:
    shots = _shots()

    expectations = {
        0: ["forum", "Pompeii"],
        3: ["lantern", "amphora"],
        4: ["Elias Ward", "rope", "harbour"],
        6: ["frescoes", "villa"],
        7: ["Mara Quinn", "statue"],
    }
    for index, words in expectations.items():
        prompt = shots[index].prompt.lower()
        for word in words:
            assert word.lower() in prompt, (index, word, prompt)
    assert shots[4].characters == ("Elias Ward",)
    assert shots[4].location == "Harbour"
    assert shots[0].location == "Pompeii"
    assert all("oil paint" in s.prompt for s in shots)


def test_shot_prompts_do_not_copy_the_narration() -> None:
    for shot, segment in zip(_shots(), SHOT_SEGMENTS, strict=True):
        words = segment.text.lower().replace('"', "").split()
        runs = {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}
        assert not any(run in shot.prompt.lower() for run in runs), shot.prompt


def test_shots_crossfade_at_chapter_boundaries_and_cut_inside_chapters() -> None:
    transitions = [s.transition for s in _shots()]

    assert transitions == [
        *("cut", "cut", "cut"),
        *("crossfade", "cut", "cut"),
        *("crossfade", "cut", "cut"),
    ]


def test_shot_plan_for_a_whole_generated_story_stays_within_the_video_budget() -> None:
    writer = LocalWriter()
    ctx = IDEAS[1]
    _, _, chapters = _script(writer, ctx)
    bible = tuple(writer.bible(ctx, narration=chapters))
    segments = _segments(chapters)

    shots = writer.shot_ideas(ctx, segments=segments, bible=bible)
    names = {b.name for b in bible}
    assert len(shots) == len(segments)
    assert sum(s.kind != "image" for s in shots) <= len(segments) // 3
    assert all(set(s.characters) <= names for s in shots)
    assert all(s.location in names for s in shots)
    assert all(s.kind != "talking_head" or s.characters for s in shots)


# --- publish copy -------------------------------------------------------------------------------


@pytest.mark.parametrize("ctx", IDEAS, ids=IDS)
def test_publish_copy_fits_youtubes_limits(ctx: StoryContext) -> None:
    writer = LocalWriter()
    outline, hook, _ = _script(writer, ctx)

    copy = writer.publish_copy(ctx, outline=outline, hook=hook)
    assert 0 < len(copy.description) <= 5000
    assert "<" not in copy.description
    assert ">" not in copy.description
    assert all(f"\u2022 {c.title}" in copy.description for c in outline)
    assert "subscribe" in copy.description.lower()
    assert 5 <= len(copy.tags) <= 15
    assert len(set(copy.tags)) == len(copy.tags)
    assert all(0 < len(t) <= 30 for t in copy.tags)
    assert sum(len(t) + (2 if " " in t else 0) for t in copy.tags) + len(copy.tags) - 1 <= 500


def test_publish_tags_lead_with_the_ideas_topic() -> None:
    writer = LocalWriter()
    outline, hook, _ = _script(writer, IDEAS[0])

    tags = writer.publish_copy(IDEAS[0], outline=outline, hook=hook).tags
    assert tags[0] == "roman concrete"
    assert "history" in tags


# --- other languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ctx",
    [
        StoryContext(idea="Das Geheimnis der Bienen im Winter", language="de", niche="Natur"),
        StoryContext(idea="猫はなぜ箱が好きなのか", language="ja"),
        StoryContext(idea="", title="", niche=""),
    ],
    ids=["german", "japanese", "empty"],
)
def test_other_languages_and_empty_ideas_still_give_valid_structures(ctx: StoryContext) -> None:
    writer = LocalWriter()
    outline, hook, chapters = _script(writer, ctx)

    assert writer.title_ideas(ctx, count=5)
    assert all(len(t.text) <= 100 for t in writer.title_ideas(ctx, count=5))
    assert "?" in hook
    assert all(len(c.split()) > 0 for c in chapters)
    bible = tuple(writer.bible(ctx, narration=chapters))
    assert any(b.kind == "location" for b in bible)
    assert len(writer.shot_ideas(ctx, segments=_segments(chapters), bible=bible)) > 0
    assert 5 <= len(writer.publish_copy(ctx, outline=outline, hook=hook).tags) <= 15
    risks = writer.notes(ctx, hook=hook, chapters=tuple(chapters)).risks
    english_only = [r for r in risks if r.startswith("English-only placeholder")]
    assert len(english_only) == (0 if ctx.language == "en" else 1)
