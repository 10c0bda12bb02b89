"""Word lists the local writer reads text with. Small on purpose: they cover what ideas and our own
templates say, not English at large."""

from __future__ import annotations

from ._text import wordlist, wordset

# Function words: never part of a key phrase, never a name on their own.
STOPWORDS = wordset(
    """
    a an the this that these those my your his her its our their some any every each no all both
    either neither another such what which who whom whose why how when where whether if then than
    and or but nor so yet for of in on at to from by with without about above below under over
    into onto upon through across after before during since until while against among between
    behind beyond near inside outside off up down out around along toward towards via per like
    i me we us you he him she it they them myself yourself itself ourselves themselves
    is are was were be been being am has have had having do does did done doing can could will
    would shall should may might must not never always ever just only also even still really
    actually very too quite almost already again once here there now today tonight
    as because though although unless else more most less least much many few lot lots
    one's ones own same other others whatever whoever nobody somebody someone anyone everyone
    nothing something anything everything
    """
)

# Nouns too vague to carry an idea (kept out of key phrases and shot prompts).
GENERIC_NOUNS = wordset(
    """
    thing things way ways time times people person part parts kind kinds lot fact facts idea ideas
    story stories question questions answer answers moment moments detail details reason reasons
    truth point points sense case cases problem problems version versions side sides piece step
    steps start end result results example examples picture look chapter chapters video videos
    number numbers bit place places day days year years minute minutes second seconds
    """
)

_VERB_BASES = wordlist(
    """
    accept add admit agree allow appear arrive ask attack avoid bake become begin believe belong
    betray blame break breathe bring build burn buy call care carry catch cause change charge
    chase cheat check choose claim clean climb close collapse collect come compare connect control
    cook cost count crash create cross cry cut dance dare decide defend deliver destroy die dig
    disappear discover dive do drag draw dream drift drink drive drop earn eat emerge end enter
    erupt escape explain explode face fail fall fear feel fight fill find finish fix flee float
    flood fly follow forget form found gain gallop get give go grab grow guard guess happen hate
    have hear help hide hit hold hope hunt hurt ignore imagine improve invent invest jump keep kill
    know land last laugh launch lead leap learn leave lie lift like listen live look lose love make
    march matter mean meet miss move need notice obey offer open own pass pay plan play pour
    predict prepare pretend protect prove pull push race rain reach read realize rebuild refuse
    remain remember repair replace rescue rest return reveal ride ring rise risk roar roll rule run
    rush sail save say scream search see seem sell send set shake shape share shatter shine shoot
    show shut sing sink sit sleep slide slip smile solve speak spend spin spread stand stare start
    stay steal step stop storm strike study succeed suffer surge survive swim swing take talk teach
    tell think throw touch trade train travel trust try tumble turn understand use vanish wait wake
    walk want warn wash watch wave wear whisper win wish wonder work worry write yell
    boil freeze melt glow heal smell taste sound beat outlast outlive change shrink expand
    evolve adapt communicate sense detect hunt migrate remember feed breed age decay rot
    sleep dream glow bend reflect absorb attract repel spark ignite power fuel cure poison
    """
)

_IRREGULAR = {
    "be": "is are was were been being am",
    "become": "became",
    "begin": "began begun",
    "break": "broke broken",
    "bring": "brought",
    "build": "built",
    "burn": "burnt",
    "buy": "bought",
    "catch": "caught",
    "choose": "chose chosen",
    "come": "came",
    "cut": "cut",
    "dig": "dug",
    "dive": "dove",
    "do": "did done does",
    "draw": "drew drawn",
    "dream": "dreamt",
    "drink": "drank drunk",
    "drive": "drove driven",
    "eat": "ate eaten",
    "fall": "fell fallen",
    "feel": "felt",
    "fight": "fought",
    "find": "found",
    "flee": "fled",
    "fly": "flew flown flies",
    "forget": "forgot forgotten",
    "get": "got gotten",
    "give": "gave given",
    "go": "went gone goes",
    "grow": "grew grown",
    "have": "has had",
    "hear": "heard",
    "hide": "hid hidden",
    "hit": "hit",
    "hold": "held",
    "hurt": "hurt",
    "keep": "kept",
    "know": "knew known",
    "lead": "led",
    "leap": "leapt",
    "leave": "left",
    "lie": "lay lain lying",
    "lose": "lost",
    "make": "made",
    "mean": "meant",
    "meet": "met",
    "pay": "paid",
    "read": "read",
    "ride": "rode ridden",
    "ring": "rang rung",
    "rise": "rose risen",
    "run": "ran",
    "say": "said",
    "see": "saw seen",
    "sell": "sold",
    "send": "sent",
    "set": "set",
    "shake": "shook shaken",
    "shine": "shone",
    "shoot": "shot",
    "shut": "shut",
    "sing": "sang sung",
    "sink": "sank sunk",
    "sit": "sat",
    "sleep": "slept",
    "slide": "slid",
    "speak": "spoke spoken",
    "spend": "spent",
    "spin": "spun",
    "spread": "spread",
    "stand": "stood",
    "steal": "stole stolen",
    "strike": "struck",
    "swim": "swam swum",
    "swing": "swung",
    "take": "took taken",
    "teach": "taught",
    "tell": "told",
    "think": "thought",
    "throw": "threw thrown",
    "understand": "understood",
    "wake": "woke woken",
    "wear": "wore worn",
    "win": "won",
    "write": "wrote written",
}

_DOUBLE_FINAL = wordset("drop stop step plan shop ship grab dig run swim spin hit shut cut")


def _regular_forms(base: str) -> dict[str, str]:
    """Inflected form -> tag ("3sg", "past", "ing") for a regular English verb, near enough."""
    forms: dict[str, str] = {}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms[base[:-1] + "ies"] = "3sg"
        forms[base[:-1] + "ied"] = "past"
    elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms[base + "es"] = "3sg"
        forms[base + "ed"] = "past"
    else:
        forms[base + "s"] = "3sg"
        forms[base + ("d" if base.endswith("e") else "ed")] = "past"
    if base in _DOUBLE_FINAL:
        forms[base + base[-1] + "ed"] = "past"
        forms[base + base[-1] + "ing"] = "ing"
    elif base.endswith("ie"):
        forms[base[:-2] + "ying"] = "ing"
    elif base.endswith("e") and not base.endswith("ee"):
        forms[base[:-1] + "ing"] = "ing"
    else:
        forms[base + "ing"] = "ing"
    return forms


def _verb_forms() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for base in _VERB_BASES:
        for form, tag in _regular_forms(base).items():
            table.setdefault(form, (base, tag))
    for base, irregular in _IRREGULAR.items():
        for form in irregular.split():
            tag = "3sg" if form in {"is", "has", "does", "goes", "flies"} else "past"
            table[form] = (base, tag)
    for base in _VERB_BASES:
        table[base] = (base, "base")
    table.update({"are": ("be", "base"), "am": ("be", "base"), "be": ("be", "base")})
    return table


# Every verb form we know -> (base form, tag): splits phrases, turns ideas into questions.
VERB_FORMS: dict[str, tuple[str, str]] = _verb_forms()

AUXILIARIES = wordset(
    "is are was were can could will would should shall may might must has have had"
)

# Verbs that look good moving on screen: a segment with one of these earns a video shot.
MOTION_VERBS = wordset(
    """
    run race chase fall fly explode crash collapse sink rise spin burst pour rush jump leap dive
    swim climb sail storm flood erupt shatter swing drift surge spread march gallop launch roar
    tumble roll slide flee escape dance fight strike burn wave charge sprint sweep blast
    """
)

# Words that raise stakes in a hook or a title.
STAKES_WORDS = wordset(
    """
    die died dies death deadly dead kill killed lost lose loses danger dangerous risk risked
    disaster catastrophe collapse collapsed destroy destroyed mistake mistakes fail failed failure
    never nobody secret secrets forbidden banned war million billion everything almost warning
    worst impossible vanished disappeared cost costs ruin ruined fear terrifying crisis last
    """
)

NUMBER_WORDS = wordset(
    """
    two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
    hundreds thousand thousands million millions billion billions dozen dozens
    """
)

# Nouns that name a person or a being: with a determiner they make a role ("a lighthouse keeper").
PERSON_NOUNS = wordset(
    """
    keeper girl boy man woman child kid king queen prince princess knight soldier sailor captain
    pilot doctor nurse scientist engineer inventor detective thief hunter farmer fisherman
    teacher student monk priest witch wizard ghost robot astronaut explorer traveller traveler
    stranger mother father daughter son sister brother grandmother grandfather widow orphan spy
    agent chef baker artist painter musician writer merchant miner emperor pharaoh general
    officer guard prisoner survivor hero heroine villain witness boss founder teenager baby
    diver climber driver runner lawyer judge queen sheriff pirate crew dragon alien creature
    monster fox wolf cat dog owl bear bird girlfriend boyfriend wife husband friend neighbour
    neighbor librarian mapmaker clockmaker blacksmith courier messenger gardener
    """
)

# Nouns that name a place: after "in/at/on the" they make a location.
PLACE_NOUNS = wordset(
    """
    city town village harbour harbor port lighthouse forest woods ocean sea island mountain
    mountains valley desert lab laboratory kitchen school house home castle temple church
    cathedral cave caves mine ship boat station street market river lake bridge tower palace
    office factory farm field garden museum library hospital prison courtroom arena stadium
    studio workshop garage basement attic cellar apartment room hall camp base planet moon
    jungle swamp beach coast shore cliff cliffs canyon glacier reef road highway tunnel capital
    kingdom empire country border ruins tomb pyramid bunker observatory spaceship orbit
    galaxy sky skies underground sewer subway airport train lodge cabin hotel inn tavern bar
    restaurant shop store warehouse dock docks pier bay gulf plains plateau hills hill volcano
    marsh wasteland frontier colony outpost fortress citadel monastery mansion manor estate
    classroom hallway corridor graveyard cemetery chapel clinic theatre theater court arctic
    """
)

# Capitalised words that end a place name ("Baker Street", "Crater Lake").
PLACE_SUFFIXES = wordset(
    """
    City Town Street Road River Lake Sea Ocean Island Islands Mountain Mountains Valley Bay
    Forest Desert Park Castle Palace Tower Bridge Harbor Harbour Station Hall Abbey Cathedral
    Church Temple Canyon Falls Peninsula Coast Beach County Kingdom Empire Republic Gulf Strait
    Creek Hill Hills Heights Square Avenue Lane Manor House Museum Institute University School
    Prison Base Lighthouse Village Port Cave Caves Mine Reef Glacier Volcano
    """
)

# Places common enough in ideas to be recognised by name.
KNOWN_PLACES = wordset(
    """
    Rome Pompeii Egypt Greece Athens Sparta Troy Babylon Persia Mesopotamia Atlantis Mars Venus
    Jupiter Saturn Mercury Neptune Pluto Earth Moon Antarctica Arctic Greenland Iceland Amazon
    Sahara Everest Himalayas Alps Andes Siberia Alaska Hawaii Japan China India Russia France
    Germany England Britain Scotland Ireland Wales Spain Italy Portugal Norway Sweden Denmark
    Finland Poland Ukraine Turkey Iran Iraq Israel Mexico Canada Brazil Peru Chile Argentina
    Australia Africa Europe Asia America Kenya Nigeria Morocco Paris London Tokyo Kyoto Berlin
    Venice Florence Madrid Lisbon Moscow Beijing Shanghai Delhi Mumbai Cairo Istanbul
    Constantinople Jerusalem Chicago Boston Seattle Texas California Florida Nevada Chernobyl
    Hiroshima Titanic Alcatraz Stonehenge Petra Angkor Machu Picchu Babylon Carthage Byzantium
    Vienna Prague Amsterdam Dublin Edinburgh Manhattan Brooklyn Hollywood Vegas Sydney
    """
)

# Adjectives of origin an idea often carries, and the setting they suggest.
DEMONYM_SETTINGS = {
    "roman": "ancient Rome",
    "greek": "ancient Greece",
    "egyptian": "ancient Egypt",
    "viking": "Viking Scandinavia",
    "norse": "Viking Scandinavia",
    "aztec": "the Aztec empire",
    "maya": "the Maya lowlands",
    "mayan": "the Maya lowlands",
    "inca": "the Inca empire",
    "mongol": "the Mongol steppe",
    "persian": "ancient Persia",
    "medieval": "a medieval town",
    "victorian": "Victorian London",
    "japanese": "Japan",
    "chinese": "China",
    "samurai": "feudal Japan",
    "soviet": "the Soviet Union",
    "martian": "Mars",
    "lunar": "the Moon",
    "arctic": "the Arctic",
    "antarctic": "Antarctica",
    "deep-sea": "the deep sea",
    "underwater": "the deep sea",
    "space": "deep space",
}

# When the idea names no place, the channel's niche suggests one.
NICHE_SETTINGS = {
    "history": "the archives of the past",
    "science": "a laboratory",
    "space": "deep space",
    "astronomy": "the night sky",
    "nature": "the wild",
    "animal": "the wild",
    "wildlife": "the wild",
    "ocean": "the open ocean",
    "tech": "a workshop",
    "technology": "a workshop",
    "engineering": "a workshop",
    "finance": "a trading floor",
    "money": "a trading floor",
    "business": "a boardroom",
    "crime": "a small town",
    "mystery": "a small town",
    "horror": "an abandoned house",
    "cooking": "a kitchen",
    "food": "a kitchen",
    "travel": "the open road",
    "fitness": "a gym",
    "health": "a clinic",
    "gaming": "a game world",
    "music": "a recording studio",
    "art": "a studio",
    "education": "a classroom",
    "psychology": "the human mind",
    "philosophy": "the human mind",
    "fantasy": "a distant kingdom",
    "sci-fi": "a distant colony",
    "kids": "a storybook village",
}

TITLE_PREFIXES = wordset(
    """
    Dr Dr. Doctor Captain Capt. Professor Prof. King Queen Prince Princess Lord Lady Sir Dame Mr
    Mr. Mrs Mrs. Ms Ms. Miss Saint Detective Inspector Agent General Colonel Sergeant Officer
    Father Uncle Aunt Grandma Grandpa Emperor Empress Pharaoh President Senator Judge Admiral
    Commander Sheriff
    """
)

MONTHS_AND_DAYS = wordset(
    """
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    """
)

# Verbs a person does: "Mara says", "Ward decides" mark a single capitalised word as a character.
PERSON_VERBS = wordset(
    """
    says said asks asked whispers whispered tells told knows knew thinks thought decides decided
    feels felt wants wanted hears heard sees saw realizes realized remembers remembered smiles
    smiled laughs laughed cries cried shouts shouted answers answered replies replied believes
    believed writes wrote admits admitted insists insisted walks walked runs ran waits waited
    """
)

SPEECH_VERBS = wordset(
    "says said asks asked whispers whispered tells told shouts shouted answers answered replies"
    " replied calls called admits admitted insists insisted"
)

FIRST_NAMES = wordlist(
    "Elias Mara Jonah Iris Tomas Nadia Felix Ada Rowan Lena Silas Maya Owen Clara Hugo Esme Theo "
    "Vera Milo Anya Rafael Ines Arlo Freya Cyrus Juno Leo Talia Emil Noor Caspian Wren Idris Zara "
    "Oskar Lyra Ezra Hana Marcus Elena"
)

SURNAMES = wordlist(
    "Ward Quinn Hale Mercer Vance Okafor Lindqvist Moreau Castillo Brandt Ashby Novak Reyes Sato "
    "Fischer Ellery Holloway Kaur Marsh Petrov Dunmore Salas Whitlock Adeyemi Fairbanks Thorne "
    "Iwata Calder Voss Rourke"
)

# Names our own templates may use, plus common ones; a single capitalised word that is one of these
# is taken for a person.
KNOWN_FIRST_NAMES = frozenset(FIRST_NAMES) | wordset(
    "Anna Alice Amelia Ben Charles Charlotte Daniel David Edward Ella Emma Ethan George Grace "
    "Harry Henry Isaac Jack Jacob James Jane John Joseph Julia Kate Leo Liam Lily Lucy Marie "
    "Mary Matthew Michael Mia Nikola Noah Olivia Oliver Paul Peter Rosa Sam Sarah Sofia Sophie "
    "Thomas William Ahmed Ali Fatima Hiro Kenji Yuki Mei Wei Ivan Olga Pierre Jean Carlos Diego "
    "Lucia Pablo Frida Amara Kofi"
)
