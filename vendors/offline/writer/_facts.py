"""Reading an idea: what it is about, who is in it, where it happens, and how to ask it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vendors.base import StoryContext

from . import _lexicon as lex
from ._text import capitalize_first, clip, pick_by_hash, sentences, wordset

_TOKEN = re.compile(r"[\w][\w'\u2019\-]*|[^\w\s]")
_DETERMINERS = wordset("a an the this that these those my your our their his her its")
_ATTACH = wordset("of in on under beneath from inside behind beyond across")
_PLACE_PREPS = wordset("in at on from to near inside across beneath under into")
_WH = ("how", "why", "what", "when", "where", "who", "which")
_VEHICLES = wordset("train ship boat spaceship subway")


@dataclass(frozen=True)
class Chunk:
    """A run of content words from the idea (a noun phrase, near enough)."""

    det: str
    words: tuple[str, ...]
    start: int  # token index
    end: int  # token index after the last word

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def head(self) -> str:
        return self.words[-1].lower().rstrip("'\u2019s") if self.words else ""


@dataclass(frozen=True)
class Facts:
    """What the writer knows about the idea. Pure function of the StoryContext, so every method
    (called separately by the pipeline) sees the same characters, places and topic."""

    idea: str  # first sentence of the idea, as running text (no final punctuation)
    mode: str  # "story" | "explainer" | "list" | "tutorial"
    topic: str  # noun phrase as it reads mid-sentence: "Roman concrete", "the voice in the fog"
    topic_bare: str  # without a leading article: "voice in the fog"
    phrases: tuple[str, ...]  # other key phrases, most useful first
    numbers: tuple[str, ...]  # number phrases in the idea: "2000 years"
    list_count: int  # "7 habits of ..." -> 7, else 0
    protagonist: str  # "" when the idea has nobody and the video is not a story
    short: str  # how the narration refers to the protagonist after the first mention
    role: str  # "a lighthouse keeper" or ""
    setting: str  # noun phrase: "the lighthouse", "ancient Rome", "Pompeii"
    setting_name: str  # bible name: "Lighthouse", "Ancient Rome", "Pompeii"
    question: str  # "Why does Roman concrete last 2000 years?"
    wh_clause: str  # "why Roman concrete lasts 2000 years"
    premise: str  # one sentence that states the story, present tense
    audience: str  # "" or as the channel says it
    tone: str  # "dramatic" | "playful" | "calm" | "neutral"
    names: tuple[str, ...]  # people named in the idea (plus an invented protagonist)
    places: tuple[str, ...]  # places named in the idea

    @property
    def slots(self) -> dict[str, str]:
        """Template slots (see _banks): a slot whose value is empty makes its template unusable."""
        return {
            "T": self.topic,
            "S": self.setting,
            "P": self.protagonist,
            "Ps": self.short,
            "R": ("the " + self.role.split(" ", 1)[1]) if self.role else "",
            "N": self.numbers[0] if self.numbers else "",
            "A": self.audience or "you",
            "Q": self.question,
            "q": self.wh_clause,
        }


def analyse(ctx: StoryContext) -> Facts:
    return _analyse(
        ctx.idea, ctx.title, ctx.niche, ctx.audience, ctx.tone, ctx.video_style, ctx.language
    )


@lru_cache(maxsize=64)
def _analyse(
    idea: str, title: str, niche: str, audience: str, tone: str, video_style: str, language: str
) -> Facts:
    source = " ".join((idea or title or niche or "an untold story").split())
    first = sentences(source)[0] if source else source
    first = clip(first, 300).rstrip(".!?;:, ")
    tokens = _fix_first_word(_TOKEN.findall(first))
    text = _join(tokens)
    chunks = _chunks(tokens)
    names, places = _named(tokens, language)
    list_count = 0
    if tokens and (tokens[0].isdigit() or tokens[0].lower() == "top"):
        digits = tokens[0] if tokens[0].isdigit() else (tokens[1] if len(tokens) > 1 else "")
        list_count = int(digits) if digits.isdigit() and 0 < int(digits) <= 50 else 0
    numbers = tuple(
        c.text
        for c in chunks
        if _is_number(c.words[0]) and len(c.words) > 1 and not (list_count and c.start <= 1)
    )

    role_chunk = next((c for c in chunks if c.head in lex.PERSON_NOUNS and c.det), None)
    mode = _mode(tokens, chunks, role_chunk, video_style, niche, tone)

    topic_chunk = _topic_chunk(chunks, names, role_chunk)
    if topic_chunk is None:
        topic_bare = clip(text, 60) or "this story"
        topic_det = ""
    else:
        words = topic_chunk.words
        if list_count and _is_number(words[0]) and len(words) > 1:
            words = words[1:]
        topic_bare = _extend(tokens, topic_chunk, " ".join(words))
        topic_det = topic_chunk.det
    topic = (("the " if topic_det else "") + topic_bare).strip()

    protagonist, short = "", ""
    role = f"{role_chunk.det.lower()} {role_chunk.text}" if role_chunk else ""
    if role.startswith(
        ("the ", "this ", "that ", "my ", "your ", "our ", "their ", "his ", "her ")
    ):
        role = f"{'an' if role_chunk and role_chunk.text[0].lower() in 'aeiou' else 'a'} " + (
            role_chunk.text if role_chunk else ""
        )
    if names:
        protagonist = names[0]
        parts = protagonist.split()
        short = protagonist if parts[0] in lex.TITLE_PREFIXES or len(parts) == 1 else parts[-1]
    elif mode == "story":
        first_name = pick_by_hash(lex.FIRST_NAMES, "first", source)
        protagonist = f"{first_name} {pick_by_hash(lex.SURNAMES, 'last', source)}"
        short = first_name
        names = (protagonist,)

    setting, setting_name = _setting(tokens, chunks, places, role_chunk, niche, topic_chunk, topic)
    phrases = _phrases(chunks, tokens, topic_bare, role_chunk, names, list_count)
    wh_clause, question = _question(tokens, text, topic)
    premise = _premise(tokens, text, role_chunk, protagonist, mode, topic)
    return Facts(
        idea=text,
        mode=mode,
        topic=topic,
        topic_bare=topic_bare,
        phrases=phrases,
        numbers=numbers,
        list_count=list_count,
        protagonist=protagonist,
        short=short,
        role=role if protagonist else "",
        setting=setting,
        setting_name=setting_name,
        question=question,
        wh_clause=wh_clause,
        premise=premise,
        audience=" ".join(audience.split()).rstrip(".").strip(),
        tone=_tone(tone),
        names=names,
        places=places,
    )


# --- pieces -----------------------------------------------------------------------------------


def _join(tokens: list[str]) -> str:
    out = ""
    for tok in tokens:
        if not out:
            out = tok
        elif (
            re.fullmatch(r"[,.;:!?)\]%]", tok)
            or tok in {"'s", "\u2019s"}
            or out.endswith(("(", "[", "$"))
        ):
            out += tok
        else:
            out += " " + tok
    return out


def _fix_first_word(tokens: list[str]) -> list[str]:
    """An idea's first word is capitalised because it starts a sentence, not because it is a name:
    lower it unless it looks like a name (next word capitalised too, possessive, a known name,
    capitalised elsewhere in the idea, an acronym)."""
    if not tokens or not tokens[0][:1].isupper():
        return tokens
    word = tokens[0]
    nxt = tokens[1] if len(tokens) > 1 else ""
    keep = (
        (word.isupper() and len(word) > 1)
        or word.endswith(("'s", "\u2019s"))
        or (nxt[:1].isupper() and word.lower() not in lex.STOPWORDS)
        or word in lex.KNOWN_FIRST_NAMES
        or word in lex.KNOWN_PLACES
        or word in lex.TITLE_PREFIXES
        or (
            word.lower() in lex.DEMONYM_SETTINGS
            and word.lower() not in {"space", "underwater", "medieval", "arctic"}
        )
        or word in tokens[1:]
        # "Tesla invented ...": a singular subject of a past-tense verb is most often a name;
        # "Water boils" (present, generic) stays lower case.
        or (
            lex.VERB_FORMS.get(nxt.lower(), ("", ""))[1] == "past"
            and not word.lower().endswith("s")
            and word.lower() not in lex.STOPWORDS | lex.PERSON_NOUNS | lex.PLACE_NOUNS
            and word.lower() not in lex.GENERIC_NOUNS
        )
    )
    return tokens if keep else [word.lower(), *tokens[1:]]


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d[\d,.]*%?", word)) or word.lower() in lex.NUMBER_WORDS


def _is_verb(tokens: list[str], i: int) -> bool:
    word = tokens[i]
    low = word.lower()
    if low not in lex.VERB_FORMS or (word[:1].isupper() and i > 0):
        return False
    prev = tokens[i - 1].lower() if i else ""
    # "the fall of Rome", "a plan": after a determiner it is a noun.
    if prev in _DETERMINERS:
        return False
    _base, tag = lex.VERB_FORMS[low]
    # A bare base form right after a singular noun is usually a compound ("oil change"); after a
    # plural ("octopuses solve") it is the verb.
    plural_subject = prev.endswith("s") and not prev.endswith(("ss", "'s", "\u2019s"))
    return not (
        tag == "base"
        and prev
        and prev not in lex.STOPWORDS
        and low not in lex.AUXILIARIES
        and not plural_subject
    )


def _chunks(tokens: list[str]) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[str] = []
    start = 0
    det = ""
    for i, tok in enumerate(tokens):
        low = tok.lower()
        content = (
            bool(re.match(r"\w", tok))
            and low not in lex.STOPWORDS
            and not _is_verb(tokens, i)
            and not (low.endswith("ly") and len(low) > 4 and not tok[:1].isupper())
        )
        if content:
            if not current:
                start = i
                prev = tokens[i - 1].lower() if i else ""
                det = prev if prev in _DETERMINERS else ""
            current.append(tok)
            continue
        if current:
            chunks.append(Chunk(det, tuple(current[-5:]), start, i))
            current = []
    if current:
        chunks.append(Chunk(det, tuple(current[-5:]), start, len(tokens)))
    # "why is the sky blue": the word after the subject is the predicate, not part of it.
    if (
        len(tokens) > 2
        and tokens[0].lower() in _WH
        and tokens[1].lower() in lex.AUXILIARIES
        and chunks
        and chunks[0].start <= 3
        and len(chunks[0].words) > 1
    ):
        c = chunks[0]
        chunks[0:1] = [
            Chunk(c.det, c.words[:-1], c.start, c.end - 1),
            Chunk("", c.words[-1:], c.end - 1, c.end),
        ]
    return _join_of(tokens, chunks)


def _join_of(tokens: list[str], chunks: list[Chunk]) -> list[Chunk]:
    """ "the lost city" + "of" + "Atlantis" is one phrase."""
    out: list[Chunk] = []
    for chunk in chunks:
        prev = out[-1] if out else None
        if prev is not None:
            between = [t.lower() for t in tokens[prev.end : chunk.start]]
            if (
                between
                and between[0] == "of"
                and all(t in _DETERMINERS for t in between[1:])
                and len(prev.words) + len(between) + len(chunk.words) <= 6
                and not _is_number(prev.words[0])
            ):
                words = (*prev.words, *tokens[prev.end : chunk.start], *chunk.words)
                out[-1] = Chunk(prev.det, tuple(words), prev.start, chunk.end)
                continue
        out.append(chunk)
    return out


def _named(tokens: list[str], language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """People and places named in the idea (capitalised runs). Only for English: other languages
    capitalise differently (German capitalises every noun)."""
    if not language.lower().startswith("en"):
        return (), ()
    people: list[str] = []
    places: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (tok[:1].isupper() and re.match(r"\w", tok)) or tok.lower() in lex.STOPWORDS:
            i += 1
            continue
        j = i
        run: list[str] = []
        while j < len(tokens) and tokens[j][:1].isupper() and re.match(r"\w", tokens[j]):
            run.append(tokens[j])
            j += 1
            if run[-1].endswith(("'s", "\u2019s")):
                break
        name = " ".join(run)
        bare = re.sub(r"['\u2019]s$", "", name)
        prev = tokens[i - 1].lower() if i else ""
        last = re.sub(r"['\u2019]s$", "", run[-1])
        nxt = tokens[j].lower() if j < len(tokens) else ""
        if (
            bare in lex.KNOWN_PLACES
            or last in lex.PLACE_SUFFIXES
            or " ".join(run[:2]) in {"New York", "Machu Picchu", "Las Vegas", "Los Angeles"}
            or (prev in _PLACE_PREPS and run[0] not in lex.TITLE_PREFIXES and len(run) <= 3)
        ):
            places.append(bare)
        elif prev == "the" and run[0] not in lex.TITLE_PREFIXES:
            places.append(bare)  # "the Mary Celeste": people rarely take an article
        elif run[0] in lex.TITLE_PREFIXES and len(run) > 1:
            people.append(bare)
        elif bare.isupper() or bare.lower() in lex.DEMONYM_SETTINGS or bare in lex.MONTHS_AND_DAYS:
            pass
        elif (
            len(run) > 1
            or name.endswith(("'s", "\u2019s"))
            or bare in lex.KNOWN_FIRST_NAMES
            or (nxt in lex.VERB_FORMS and nxt not in lex.STOPWORDS - lex.AUXILIARIES)
        ):
            people.append(bare)
        i = j
    return tuple(dict.fromkeys(people)), tuple(dict.fromkeys(places))


def _mode(
    tokens: list[str],
    chunks: list[Chunk],
    role_chunk: Chunk | None,
    video_style: str,
    niche: str,
    tone: str,
) -> str:
    style = f" {video_style} {niche} {tone} ".lower()
    lowered = " ".join(t.lower() for t in tokens)
    if re.search(r"\b(list|listicle|countdown|ranking|top \d+)\b", style):
        return "list"
    if re.search(r"\b(tutorial|how-to|how to|guide|step|diy|recipe|walkthrough)\b", style):
        return "tutorial"
    if re.search(
        r"\b(story|stories|storytelling|narrative|fiction|drama|horror|fable|fairy|tale|"
        r"creepypasta|short film|bedtime)\b",
        style,
    ):
        return "story"
    if tokens and (tokens[0].isdigit() or tokens[0].lower() == "top"):
        return "list"
    if lowered.startswith("how to "):
        return "tutorial"
    # "A lighthouse keeper hears a voice": a person doing something at the start is a story.
    if (
        role_chunk
        and role_chunk.start <= 1
        and role_chunk.end < len(tokens)
        and _is_verb(tokens, role_chunk.end)
    ):
        return "story"
    return "explainer"


def _topic_chunk(
    chunks: list[Chunk], names: tuple[str, ...], role_chunk: Chunk | None
) -> Chunk | None:
    best: tuple[float, Chunk] | None = None
    for pos, chunk in enumerate(chunks):
        if chunk is role_chunk or (_is_number(chunk.words[0]) and len(chunk.words) == 1):
            continue
        words_lower = [w.lower() for w in chunk.words]
        if all(w in lex.GENERIC_NOUNS for w in words_lower):
            continue
        if _is_number(chunk.words[0]) and chunk.words[-1].lower() in lex.GENERIC_NOUNS:
            continue  # "2000 years" is a number to quote, not a topic
        score = min(len(chunk.words), 3) * 0.5 - pos * 0.35
        capitals = [w for w in chunk.words if w[:1].isupper()]
        if capitals and (len(chunk.words) > 1 or chunk.text in lex.KNOWN_PLACES):
            score += 1.0  # "Roman concrete", "Atlantis"; a lone surname is a person, not a topic
        if chunk.text in names or re.sub(r"['\u2019]s$", "", chunk.text) in names:
            score -= 2.5  # a person is the protagonist; the topic is what they face
        if chunk.head in lex.PERSON_NOUNS:
            score -= 1.0
        if best is None or score > best[0]:
            best = (score, chunk)
    return best[1] if best else None


def _extend(tokens: list[str], chunk: Chunk, text: str) -> str:
    """ "voice" + "in the fog" -> "voice in the fog": a short prepositional tail keeps the topic
    specific enough to title a video."""
    i = chunk.end
    if i < len(tokens) and tokens[i].lower() in _ATTACH:
        j = i + 1
        if j < len(tokens) and tokens[j].lower() in _DETERMINERS:
            j += 1
        k = j
        while (
            k < len(tokens)
            and re.match(r"\w", tokens[k])
            and tokens[k].lower() not in (lex.STOPWORDS)
        ):
            if _is_verb(tokens, k):
                break
            k += 1
        if j < k <= j + 3 and len(text.split()) + (k - i) <= 6:
            return " ".join([text, *tokens[i:k]])
    return text


def _setting(
    tokens: list[str],
    chunks: list[Chunk],
    places: tuple[str, ...],
    role_chunk: Chunk | None,
    niche: str,
    topic_chunk: Chunk | None,
    topic: str,
) -> tuple[str, str]:
    if places:
        return places[0], places[0]
    place_chunks = [c for c in chunks if c.head in lex.PLACE_NOUNS]
    # The first place the idea names, unless it is a vehicle and there is another place
    # ("the last train out of the city" happens in the city).
    place_chunks.sort(key=lambda c: c.head in _VEHICLES)
    if place_chunks:
        phrase = place_chunks[0].text
        return f"the {phrase}", capitalize_first(phrase)
    for chunk in chunks:
        low = [w.lower() for w in chunk.words]
        # "lighthouse keeper": the place is in the person's job.
        if chunk is role_chunk and len(low) > 1 and low[-2] in lex.PLACE_NOUNS:
            word = chunk.words[-2]
            return f"the {word}", capitalize_first(word)
    for tok in tokens:
        setting = lex.DEMONYM_SETTINGS.get(tok.lower())
        if setting:
            return setting, capitalize_first(setting)
    niche_words = re.findall(r"[\w\-]+", niche.lower())
    for word in niche_words:
        setting = lex.NICHE_SETTINGS.get(word) or lex.NICHE_SETTINGS.get(word.rstrip("s"))
        if setting:
            return setting, capitalize_first(re.sub(r"^(the|a|an) ", "", setting))
    return f"the world of {topic}", capitalize_first(f"the world of {topic}")


def _phrases(
    chunks: list[Chunk],
    tokens: list[str],
    topic_bare: str,
    role_chunk: Chunk | None,
    names: tuple[str, ...],
    list_count: int,
) -> tuple[str, ...]:
    out: list[str] = []
    for chunk in chunks:
        words = chunk.words
        if list_count and _is_number(words[0]) and len(words) > 1:
            words = words[1:]
        text = " ".join(words)
        low = text.lower()
        if chunk is role_chunk or text in names or low in topic_bare.lower():
            continue
        if all(w.lower() in lex.GENERIC_NOUNS for w in words) or _is_number(words[0]):
            continue  # numbers are quoted from Facts.numbers, not used as phrases
        if len(words) == 1 and _looks_adjective(low):
            continue
        out.append(("the " if chunk.det else "") + text)
    return tuple(dict.fromkeys(out))[:6]


_ADJECTIVE_ENDINGS = ("ive", "ous", "ful", "less", "able", "ible", "ic", "al", "ish")
_COMPARATIVES = wordset(
    "faster slower better worse bigger smaller longer shorter higher lower stronger weaker older"
    " younger harder easier deeper cheaper louder quieter safer richer poorer"
)


def _looks_adjective(word: str) -> bool:
    return word in _COMPARATIVES or (word.endswith(_ADJECTIVE_ENDINGS) and len(word) > 5)


def _question(tokens: list[str], text: str, topic: str) -> tuple[str, str]:
    """The idea as a wh-clause and as a direct question ("why X lasts" -> "Why does X last?")."""
    if not tokens or tokens[0].lower() not in _WH:
        return f"what is really going on with {topic}", f"What is really going on with {topic}?"
    wh = tokens[0].lower()
    clause = text[0].lower() + text[1:]
    if len(tokens) > 1 and tokens[1].lower() == "to":
        rest = _join(tokens[2:])
        return clause, f"{wh.capitalize()} do you {rest}?"
    for i in range(1, len(tokens)):
        low = tokens[i].lower()
        if not _is_verb(tokens, i) and low not in lex.AUXILIARIES:
            continue
        if i == 1:  # "what killed the dinosaurs": the wh-word is the subject
            return clause, capitalize_first(clause) + "?"
        subject = _join(tokens[1:i])
        rest = _join(tokens[i + 1 :])
        if low in lex.AUXILIARIES:
            question = f"{wh.capitalize()} {low} {subject} {rest}"
        else:
            base, tag = lex.VERB_FORMS[low]
            aux = {"3sg": "does", "past": "did"}.get(tag, "do")
            if tag == "ing":
                break
            question = f"{wh.capitalize()} {aux} {subject} {base} {rest}"
        return clause, " ".join(question.split()) + "?"
    return clause, capitalize_first(clause) + "?"


def _premise(
    tokens: list[str],
    text: str,
    role_chunk: Chunk | None,
    protagonist: str,
    mode: str,
    topic: str,
) -> str:
    if not protagonist or mode != "story":
        return capitalize_first(text)
    if role_chunk and role_chunk.start <= 1 and role_chunk.end < len(tokens):
        rest = _join(tokens[role_chunk.end :])
        role = f"{'an' if role_chunk.text[0].lower() in 'aeiou' else 'a'} {role_chunk.text}"
        return f"{protagonist}, {role}, {rest}"
    if not any(_is_verb(tokens, i) for i in range(len(tokens))):
        return f"For {protagonist}, everything begins with {text[0].lower() + text[1:]}"
    return capitalize_first(text)


def _tone(tone: str) -> str:
    low = tone.lower()
    if re.search(r"dramatic|dark|suspens|myster|intense|epic|serious|eerie|creepy|thrill", low):
        return "dramatic"
    if re.search(r"playful|funny|humou?r|light|witty|casual|fun|silly|upbeat", low):
        return "playful"
    if re.search(r"calm|educational|informative|neutral|relax|cozy|gentle|soothing", low):
        return "calm"
    return "neutral"
