"""The local writer's templates.

Slots (filled from :class:`~._facts.Facts`): ``{T}`` topic as it reads mid-sentence, ``{Tthe}`` the
topic with "the" (empty for proper names), ``{S}`` setting, ``{P}`` protagonist's full name,
``{Ps}`` their short name, ``{R}`` their role ("the lighthouse keeper"), ``{N}`` a number phrase
from the idea, ``{A}`` the audience ("you" when unset), ``{Q}`` the idea as a question, ``{q}`` as
a wh-clause, ``{X}`` a secondary phrase, ``{I}`` the idea as a title, ``{n}`` a list count, ``{o}``
a beat's object, ``{b}`` a whole beat, ``{k}`` a step or item number, ``{L}`` a list item's label,
``{Y}`` a title ending, ``{Il}`` a list idea that carries its own count ("7 habits of ..."),
``{Pr}`` the story's premise as a sentence, ``{role}`` the protagonist's role ("a lighthouse
keeper"). A template whose slots are not all known is skipped, so nothing is ever left
half-filled.

Grammar rule that keeps every sentence correct for any topic: ``{T}`` and ``{X}`` are never the
subject of a present-tense verb (the topic may be singular or plural); ``{P}`` is one person.
"""

from __future__ import annotations

# --- titles: (angle, template, modes it suits; "" = all) ---------------------------------------

TITLES: tuple[tuple[str, str, str], ...] = (
    ("question", "{Q}", ""),
    ("how_why", "{I}", "explainer tutorial"),
    ("list", "{I}", "list"),
    ("list", "{I} (Number {n} Surprised Me)", "list"),
    ("how_why", "Why Nobody Talks About {T}", "explainer list"),
    ("how_why", "How We Got {T} So Wrong", "explainer"),
    ("how_why", "How {T} Actually Works, Explained Simply", "explainer tutorial"),
    ("how_why", "Why {T} Could Change Everything", "explainer list"),
    ("list", "{n} Things Nobody Tells You About {T}", "explainer list tutorial"),
    ("list", "{n} Secrets Hidden in {T}", "explainer list story"),
    ("list", "{n} Facts About {T} That Sound Made Up", "explainer list"),
    ("list", "{n} Mistakes Everyone Makes With {T}", "tutorial list"),
    ("list", "{n} Clues Everyone Missed About {T}", "story"),
    ("curiosity_gap", "The Truth About {T}", ""),
    ("curiosity_gap", "What Nobody Tells You About {T}", ""),
    ("curiosity_gap", "{T}: It's Not What You Think", "explainer list story"),
    ("curiosity_gap", "I Looked Into {T}. Here's What I Found", "explainer"),
    ("curiosity_gap", "The Real Story Behind {T}", "explainer story"),
    ("curiosity_gap", "Nobody Expected What Happened Next in {S}", "story"),
    ("stakes", "The Mistake Everyone Makes About {T}", "explainer list"),
    ("stakes", "Why Getting {T} Wrong Costs So Much", "explainer tutorial"),
    ("stakes", "Nobody Believed {P}. Then Came {T}", "story"),
    ("stakes", "{P} Had One Night to Survive {T}", "story"),
    ("stakes", "One Mistake Can Ruin {T}. Here's How to Avoid It", "tutorial"),
    ("stakes", "Everything in {S} Was About to Change", "story"),
    ("the_x_that_y", "{Tthe} That {Y}", "explainer story"),
    ("premise", "{I}", "story"),
)

TITLE_ENDINGS: tuple[str, ...] = (
    "Changed Everything",
    "Nobody Could Explain",
    "Broke All the Rules",
    "History Almost Forgot",
    "Nobody Saw Coming",
    "Still Has Experts Arguing",
)

# --- outline: chapter titles and beats per mode and role ---------------------------------------

CHAPTER_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "explainer": {
        "overview": ("The Whole Story of {T}", "{T} in One Go"),
        "opening": ("The Question", "What Everyone Gets Wrong", "Meet {T}", "A Simple Question"),
        "context": ("Where It Started", "The Backstory", "How We Got Here", "Setting the Scene"),
        "mechanism": ("How It Works", "Inside {T}", "Under the Surface", "The Moving Parts"),
        "evidence": ("The Proof", "A Closer Look", "What the Evidence Shows", "Testing the Idea"),
        "twist": ("The Part Nobody Mentions", "The Twist", "What Changes Everything"),
        "implications": ("Why It Matters Now", "The Bigger Picture", "What It Means for {A}"),
        "closing": ("The Answer", "What to Remember", "Putting It Together"),
    },
    "story": {
        "overview": ("{I}",),
        "opening": ("Life in {S}", "Where It Began", "The Quiet Before", "An Ordinary Night"),
        "inciting": ("The First Sign", "Something Changes", "The Discovery", "{Tthe}"),
        "rising": ("Deeper In", "No Turning Back", "Following the Trail", "What {Ps} Found"),
        "twist": ("Not What It Seemed", "The Truth About {T}", "The Turn"),
        "crisis": ("Everything at Stake", "The Breaking Point", "Alone in {S}"),
        "resolution": ("What Remains", "The Last Light", "After It Was Over", "The Answer"),
    },
    "list": {
        "overview": ("{I}",),
        "intro": ("Why This List Matters", "Before We Start", "The Ground Rules"),
        "items": ("Numbers {k}", "Number {k}"),
        "outro": ("The Pattern Behind the List", "Putting It All Together", "What to Try First"),
    },
    "tutorial": {
        "overview": ("{I}",),
        "prep": ("What You Need", "Getting Set Up", "Before You Start"),
        "step": ("The First Step", "The Core Step", "Building On It", "Refining It"),
        "mistakes": ("Common Mistakes", "What Goes Wrong", "Troubleshooting"),
        "result": ("The Result", "Checking Your Work", "Where to Go Next"),
    },
}

BEATS: dict[str, dict[str, tuple[str, ...]]] = {
    "explainer": {
        "overview": (
            "Introduce {T} and the question behind it",
            "Explain the mechanism behind {T}, step by step",
            "Reveal the detail most people miss",
            "Resolve {q}",
        ),
        "opening": (
            "Introduce {T} and the question behind it",
            "Show the common belief about {T}",
            "Ask {q}",
            "Show why {A} should care about {T}",
        ),
        "context": (
            "Describe the origins of {T}",
            "Show {S} as the backdrop",
            "Introduce {X} as the first clue",
            "Contrast the old view of {T} with the new one",
        ),
        "mechanism": (
            "Explain the mechanism behind {T}",
            "Explain the role of {X}",
            "Show a simple everyday comparison",
            "Reveal the step most explanations skip",
        ),
        "evidence": (
            "Show one concrete example of {X}",
            "Contrast what people expect with what actually happens",
            "Explain what the example proves about {T}",
            "Show the strongest evidence for {T}",
        ),
        "twist": (
            "Reveal the detail most people miss about {T}",
            "Contrast the popular version with the real one",
            "Ask what else this changes",
        ),
        "implications": (
            "Explain what {T} can teach us today",
            "Show who is affected by {X}",
            "Ask what comes next for {T}",
        ),
        "closing": (
            "Resolve {q}",
            "Show the one idea to remember about {T}",
            "Explain what {T} can teach us",
        ),
    },
    "story": {
        "overview": (
            "Introduce {P} in {S}",
            "Show the first sign of {T}",
            "Reveal the truth about {T}",
            "Resolve what happens to {Ps} and {T}",
        ),
        "opening": (
            "Introduce {P}, {role}, in {S}",
            "Introduce {P} in {S}",
            "Show an ordinary day in {S}",
            "Hint at {T}",
            "Show what {Ps} cares about most",
        ),
        "inciting": (
            "Show the first sign of {T}",
            "Show {Ps} trying to explain it away",
            "Ask what {T} could mean",
            "Reveal that nobody else has noticed",
        ),
        "rising": (
            "Show {Ps} searching {S} for answers",
            "Reveal a clue connected to {T}",
            "Reveal what {Ps} stands to lose",
            "Show the first real danger",
        ),
        "twist": (
            "Reveal the truth about {T}",
            "Contrast what {Ps} believed with what is real",
            "Show the moment everything changes",
        ),
        "crisis": (
            "Show {Ps} alone against {T}",
            "Ask whether {Ps} can still turn back",
            "Show the choice {Ps} has to make",
        ),
        "resolution": (
            "Resolve what happens to {Ps} and {T}",
            "Show {S} after it is over",
            "Show the last image of {S}",
        ),
    },
    "list": {
        "overview": ("Introduce {T}", "Show the pattern behind the list"),
        "intro": (
            "Introduce {T} and why the list matters",
            "Show what most lists about {T} get wrong",
            "Ask which one {A} already knew",
        ),
        "outro": (
            "Show the pattern that connects every item",
            "Explain which one to try first",
            "Ask which one {A} would add",
        ),
    },
    "tutorial": {
        "overview": (
            "Gather what you need for {T}",
            "Start with the simplest version of {T}",
            "Check the result",
            "Fix the most common mistake",
        ),
        "prep": (
            "Gather what you need for {T}",
            "Set up a clean, calm space to work",
            "Decide what a good result looks like",
        ),
        "step": (
            "Start with the simplest version of {T}",
            "Take the core step slowly and watch what changes",
            "Adjust one thing at a time",
            "Repeat the step until it feels natural",
        ),
        "mistakes": (
            "Fix the most common mistake with {T}",
            "Spot the warning signs early",
            "Recover when something goes wrong",
        ),
        "result": (
            "Check the result against what you expected",
            "Compare your result with a good one",
            "Plan the next thing to try",
        ),
    },
}

# A role's second and later chapters (long videos) take these instead, built on {X}, which
# rotates through the idea's phrases and the aspects below, so no beat repeats.
BEATS_AGAIN: dict[str, dict[str, tuple[str, ...]]] = {
    "explainer": {
        "context": ("Describe {X}", "Show how {X} shaped {T}", "Contrast {X} then and now"),
        "mechanism": (
            "Explain the role of {X}",
            "Show {X} up close",
            "Reveal what {X} adds to the picture",
        ),
        "evidence": (
            "Show one example of {X} in action",
            "Contrast what people expect from {X} with what happens",
            "Explain what {X} proves about {T}",
        ),
    },
    "story": {
        "rising": (
            "Show {Ps} following a new clue",
            "Reveal a second sign of {T}",
            "Show {S} changing around {Ps}",
            "Show {Ps} making a risky choice",
        ),
    },
    "tutorial": {
        "step": (
            "Repeat the core step with more care",
            "Adjust one more thing and compare",
            "Try a slightly harder version of {T}",
            "Compare this attempt with the last one",
        ),
    },
}
CHAPTER_TITLES_AGAIN: dict[str, tuple[str, ...]] = {
    "explainer": ("A Closer Look at {X}", "The Role of {X}", "{X}"),
    "story": ("A New Clue", "Closer Still", "The Second Sign", "Further In", "No Way Back"),
    "tutorial": ("Going Further", "Another Pass", "Building On It", "Refining It"),
}

# Secondary phrases for explainers whose idea has few of its own.
ASPECTS: tuple[str, ...] = (
    "the history of {T}",
    "the science behind {T}",
    "the people behind {T}",
    "the limits of {T}",
    "the myths about {T}",
    "the everyday side of {T}",
    "the future of {T}",
)

# Sentences that repeat a beat's own object, so they are new wherever the beat is new.
ECHOES: dict[str, dict[str, tuple[str, ...]]] = {
    "explainer": {
        "any": (
            "Everything here comes back to {o}.",
            "Understanding {o} changes the whole picture.",
        ),
        "np": ("Take a second look at {o}.", "Much of the story turns on {o}."),
        "wh": ("Few people ever stop to ask {o}.",),
    },
    "story": {
        "np": ("{Ps} cannot stop thinking about {o}.", "Nothing prepares {Ps} for {o}."),
        "any": (),
        "wh": ("Later, {Ps} will remember {o}.",),
    },
    "list": {
        "item": ("Do not underestimate {L}.", "People often overlook {L}."),
    },
    "tutorial": {
        "any": (
            "Once you {b}, the rest gets easier.",
            "It is tempting to skip this, but do not: {b}.",
            "If you only remember one thing from this part, {b}.",
        ),
    },
}

LIST_LABELS: tuple[str, ...] = (
    "the one everyone skips",
    "the one that sounds too simple",
    "the hidden one",
    "the slow one that pays off",
    "the uncomfortable one",
    "the one experts swear by",
    "the counterintuitive one",
    "the one you can start today",
    "the one that surprises most people",
    "the easiest one to forget",
    "the one that changes the others",
)
LIST_LAST_LABEL = "the one that ties it all together"

# --- narration ---------------------------------------------------------------------------------

# Beat verb -> family. Everything else is treated as "show".
FAMILIES: dict[str, str] = {
    "introduce": "introduce",
    "meet": "introduce",
    "start": "introduce",
    "show": "show",
    "describe": "show",
    "picture": "show",
    "hint": "hint",
    "tease": "hint",
    "explain": "explain",
    "unpack": "explain",
    "clarify": "explain",
    "reveal": "reveal",
    "uncover": "reveal",
    "ask": "ask",
    "wonder": "ask",
    "question": "ask",
    "contrast": "contrast",
    "compare": "contrast",
    "resolve": "resolve",
    "recap": "resolve",
    "end": "resolve",
    "close": "resolve",
    "summarize": "resolve",
    "summarise": "resolve",
    "conclude": "resolve",
}

# Lead sentences: a beat's object is either a noun phrase ("np") or a wh-clause ("wh").
LEADS: dict[str, dict[str, tuple[str, ...]]] = {
    "introduce": {
        "np": ("Meet {o}.", "It all begins with {o}.", "Start with {o}."),
        "wh": ("Let's begin with {o}.", "First, consider {o}."),
    },
    "introduce_story": {
        "np": ("Meet {o}.", "Our story begins with {o}."),
        "wh": ("Our story begins with {o}.",),
    },
    "show": {
        "np": ("Now look at {o}.", "Consider {o}.", "Take {o}."),
        "wh": ("Here is {o}.", "Think about {o}."),
    },
    "show_story": {
        "np": ("Picture {o}.", "Imagine {o}.", "See {o}."),
        "wh": ("Notice {o}.", "Watch {o}."),
    },
    "hint": {
        "np": ("Somewhere close by, there is {o}.", "Nobody sees it coming yet: {o}."),
        "wh": ("Nobody knows yet {o}.",),
    },
    "explain": {
        "np": ("Here is the key: {o}.", "To understand it, look at {o}."),
        "wh": ("Here is {o}.", "So let's see {o}."),
    },
    "reveal": {
        "np": ("Then comes the revelation: {o}.", "And that is when it surfaces: {o}."),
        "wh": ("Then it becomes clear {o}.", "This is the moment it becomes clear {o}."),
    },
    "ask": {
        "np": ("Which raises a question about {o}.",),
        "wh": ("The question is {o}.", "Which leaves one question: {o}."),
    },
    "contrast": {
        "np": ("Compare {o}.", "Now compare {o}."),
        "wh": ("Compare {o}.", "Now compare {o}."),
    },
    "resolve": {
        "np": ("In the end, it comes down to {o}.", "Finally, there is {o}."),
        "wh": ("In the end, this is {o}.", "And so we come to {o}."),
    },
    "instruct": {
        "any": ("Now, {b}.", "Next, {b}.", "Step {k}: {b}."),
        "first": ("First, {b}.", "Step 1: {b}."),
    },
    "item": {
        "any": ("Number {k}: {L}.", "Number {k} on the list is {L}."),
    },
    "free": {
        "any": ("Now, {b}.", "Here is where {b}."),
    },
}

# Families whose follow-up sentences suit any beat (opening and closing lines do not).
BORROWABLE = frozenset({"show", "hint", "explain", "ask", "contrast", "danger", "item", "instruct"})

ELABORATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "story": {
        "introduce": (
            "{P} knows every corner of {S}.",
            "For {Ps}, {S} is simply home.",
            "Nobody else pays much attention to {S}, but {Ps} does.",
            "Each day in {S} looks almost exactly like the one before.",
            "{Ps} has a routine, and the routine has never failed.",
        ),
        "show": (
            "The air in {S} feels different now.",
            "{Ps} stops, listens, and waits.",
            "At first it is easy to explain away.",
            "Small details start to add up.",
            "{Ps} notices what everyone else walks past.",
            "Every step through {S} feels heavier than the last.",
            '"Is anyone there?" {Ps} calls out.',
            "A door slams somewhere in {S}, and {Ps} spins around.",
            "The wind rises, and the shadows seem to move with it.",
            "Shadows drift across the walls of {S}.",
            "A faint sound carries through {S}.",
            "{Ps} counts the seconds in silence.",
            "Something has been moved, just slightly.",
            "The floorboards creak under every step.",
        ),
        "hint": (
            "It is faint at first, easy to miss.",
            "{Ps} has no idea how close it already is.",
            "Later, {Ps} will remember this as the moment it started.",
        ),
        "explain": (
            "Piece by piece, the pattern begins to make sense.",
            "{Ps} works through it slowly, one clue at a time.",
            '"It was here all along," {Ps} says quietly.',
            "The clues start to line up.",
            "{Ps} finally sees the pattern.",
        ),
        "reveal": (
            "Nothing about {T} is what it seemed.",
            "{Ps} finally understands what has been happening all along.",
            "The truth has been hiding in plain sight.",
            "Everything {Ps} believed about {S} shifts in a single moment.",
        ),
        "ask": (
            "Every answer only opens another question.",
            "{Ps} could walk away now, and nobody would ever know.",
            "Is it a warning, or an invitation?",
            '"What do you want from me?" {Ps} whispers.',
            "What if it has been watching all along?",
            "How long has this been going on?",
        ),
        "contrast": (
            "A week ago, {S} felt safe.",
            "The difference is impossible to ignore now.",
            "Nothing in {S} looks the way it did yesterday.",
            "Yesterday, none of this would have made sense.",
        ),
        "danger": (
            "{Ps} races through {S}, heart pounding.",
            "Something crashes in the dark behind {Ps}.",
            '"I am not leaving," {Ps} says, and means it.',
            "{Ps} runs for the door.",
            "The lights flicker and die.",
            "Glass shatters somewhere below.",
        ),
        "resolve": (
            "When it is over, {S} is quiet again.",
            "{Ps} is not the same person who started this.",
            "Some questions about {T} will never be answered.",
            "{Ps} will carry this story for a long time.",
        ),
    },
    "explainer": {
        "introduce": (
            "Most people never think twice about {T}.",
            "On the surface, there is nothing special about {T}.",
            "But the story of {T} is stranger than it first appears.",
            "You have probably heard of {T} before, but not like this.",
        ),
        "show": (
            "Look closely and a pattern starts to appear.",
            "The details are where it gets interesting.",
            "That is the part that usually gets left out.",
            "You can see it most clearly in {S}.",
            "It is easy to miss if you do not know where to look.",
            "The closer you look, the stranger it gets.",
            "It is hiding in the details most people skim past.",
            "Put next to something familiar, it suddenly makes sense.",
        ),
        "hint": ("Keep an eye on it, because it comes back later.",),
        "explain": (
            "The key is the role of {X} in all of this.",
            "It comes down to a few simple ideas working together.",
            "Each step on its own is ordinary; together they are remarkable.",
            "Once you see the mechanism, the magic around {T} disappears.",
            "Think of it as a chain, where every link depends on the one before it.",
            "Start with the simplest piece and the rest follows.",
            "None of the parts is mysterious on its own.",
            "The trick is in how the pieces are arranged.",
            "Small causes, added up, make the big effect.",
            "Change one piece and the whole thing behaves differently.",
            "Remember this detail; it matters at the end.",
        ),
        "reveal": (
            "And here is the twist most explanations skip.",
            "The real answer runs against what most of us were taught.",
            "That single detail changes how the whole story of {T} reads.",
            "This is the part that changes the answer.",
            "It turns out the obvious explanation is only half right.",
        ),
        "ask": (
            "So why does it matter?",
            "And if that is true, what else have we got wrong about {T}?",
            "It is a simple question with a surprisingly deep answer.",
            "What would happen if one piece were missing?",
            "How did this go unnoticed for so long?",
        ),
        "contrast": (
            "The popular version of the story is much simpler, and much less accurate.",
            "Put side by side, the difference is hard to miss.",
            "On paper they look alike; in practice they could not be more different.",
            "One version is easy to remember; the other is true.",
            "The gap between the two is where the interesting part lives.",
        ),
        "resolve": (
            "So next time, look at {T} with fresh eyes.",
            "That is the real story of {T}.",
            "The answer was never one thing; it was all of these pieces together.",
        ),
    },
    "list": {
        "item": (
            "It sounds small, but it changes how everything else plays out.",
            "This one is easy to overlook, and that is exactly why it matters.",
            "Most people know about it and still never act on it.",
            "Try it for a week and the difference shows.",
            "It works because it is simple enough to repeat every day.",
            "It is the one that {A} tend to underestimate.",
            "You will notice the effect sooner than you expect.",
            "It costs almost nothing to start.",
            "Skip it, and the rest of the list works less well.",
            "It is simple, but simple is not the same as easy.",
            "The people who do it rarely talk about it.",
            "Start small with this one; it grows on its own.",
            "Give it a fair try before you judge it.",
            "Almost everyone has tried it once; few keep it up.",
            "It is small enough to start this week.",
            "You do not need any special tools for it.",
            "It gets easier every time you repeat it.",
            "It makes the rest of the list easier.",
            "Try it once and see how it feels.",
            "The hard part is starting; the rest takes care of itself.",
        ),
    },
    "tutorial": {
        "instruct": (
            "Take your time with this part.",
            "If something feels off, stop and check before moving on.",
            "This is where most beginners rush.",
            "A little patience here saves a lot of time later.",
            "Do not worry about perfection yet; aim for consistent.",
            "Watch closely: the small changes here are the ones that count.",
            "Write down what you did, so you can repeat what worked.",
            "If you are unsure, do less rather than more.",
            "Keep your tools and your space tidy as you go.",
            "Pause here and compare with where you started.",
            "It will feel slow the first time, and quick by the third.",
            "Small, steady adjustments beat big guesses.",
            "When in doubt, go back one step and try again.",
            "The goal here is control, not speed.",
            "You will know it is right when it looks and feels even.",
            "Most problems later start with a shortcut here.",
            "Set a timer if it helps you stay consistent.",
            "Look at the result, not just the process.",
            "Clean up before you move on; it saves confusion later.",
            "If it goes wrong, note what you changed last.",
            "Your first attempt is practice, not a test.",
            "Trust the process, but check the result.",
        ),
    },
}

FILLERS: dict[str, tuple[str, ...]] = {
    "story": (
        "The silence that follows is heavy.",
        "Outside, the weather turns.",
        "A light flickers, then steadies.",
        "Far away, a bell rings once.",
        "{Ps} takes a slow breath.",
        "Every sound seems louder than it should.",
        "There is no one else to ask.",
        "Time seems to slow down.",
        "It is the kind of moment that splits a life into before and after.",
        "{Ps} keeps going anyway.",
        "The feeling will not go away.",
        "{S} has kept its secrets for a long time.",
        "Nobody would believe this, not yet.",
        "The night stretches on.",
        "Somewhere in {S}, something shifts.",
        "The clock keeps ticking.",
        "Cold air slips in under the door.",
        "{Ps} does not sleep that night.",
        "Hours pass like minutes.",
        "The quiet is the worst part.",
    ),
    "explainer": (
        "This is where most explanations stop, and where ours keeps going.",
        "None of this happened by accident.",
        "With {N}, even small effects add up.",
        "The pieces only make sense together.",
        "And that changes how we should think about {T}.",
        "Once you notice it, you start seeing it everywhere.",
        "It is a better story than the one most of us learned.",
        "The full picture takes a moment to come together.",
        "This is the kind of detail that rewards a closer look.",
    ),
    "list": (
        "Keep count, because the order matters.",
        "None of these are complicated on their own.",
        "The trick is doing them together.",
        "You do not need all of them at once.",
        "Take notes if you want to try these later.",
        "Each one builds on the last.",
        "Pick one to start with; the others can wait.",
        "Some of these will feel obvious, and that is fine.",
        "Let's keep going.",
        "This is where the list gets interesting.",
        "So far, so good.",
    ),
    "tutorial": (
        "Go at your own pace.",
        "There is no single right way, only a reliable one.",
        "Practice makes this part automatic.",
        "Check your progress before moving on.",
        "Every expert started exactly here.",
        "Mistakes at this stage are cheap; learn from them.",
        "Keep it simple for the first few tries.",
        "Consistency matters more than any single trick.",
    ),
}

TONE_FILLERS: dict[str, tuple[str, ...]] = {
    "dramatic": (
        "Nobody is ready for what comes next.",
        "Every second counts now.",
        "And it is only getting started.",
    ),
    "playful": (
        "Yes, really.",
        "Stay with me here, it gets better.",
        "Spoiler: it gets weirder.",
    ),
    "calm": (
        "Let's take that one step at a time.",
        "There is no rush; the idea is simple once it clicks.",
    ),
    "neutral": (),
}

# Fillers that suit any non-fiction video.
COMMON_FILLERS: tuple[str, ...] = (
    "It is worth slowing down here.",
    "That sounds obvious, but it is not.",
    "Here is what that looks like in practice.",
    "Keep that in mind, because it comes back later.",
    "The simple version is useful, but it leaves out the best part.",
    "It is a small detail with big consequences.",
    "That is easy to say and harder to see.",
    "Hold on to that thought.",
    "Here is the important part.",
    "That is the short version.",
    "This is where it starts to click.",
    "It is not as complicated as it sounds.",
    "This part surprises almost everyone.",
)

# Short complete sentences used to land a chapter on its word budget.
SHORT: tuple[str, ...] = (
    "It matters.",
    "Think about that.",
    "Remember that.",
    "That changes things.",
    "And it works.",
    "Keep watching.",
    "Here is why.",
)

# --- hooks -------------------------------------------------------------------------------------

HOOKS: dict[str, tuple[str, ...]] = {
    "explainer": (
        "{Q} Most people guess wrong, and the real answer is hiding in plain sight.",
        "Everyone thinks they understand {T}. Almost nobody does. {Q}",
        "There is one detail about {T} that almost nobody notices. {Q}",
        "{N}. That is the number at the heart of {T}. {Q}",
    ),
    "story": (
        "{Pr}. What happens next will change everything in {S}. Would you have stayed?",
        "{Pr}. Nobody else believes it. What would you do?",
        "{P} has never been afraid of {S}. Tonight, that changes. What is waiting out there?",
        "{Pr}. It should have been an ordinary night. Why does {Ps} keep going?",
    ),
    "list": (
        "{n} things about {T} that most people never learn, and the last one changes "
        "everything. How many do you already know?",
        "You have probably heard of {T}. But do you know all {n} of these?",
        "{Il}. The last one changes everything. How many do you already know?",
        "{Il}. Most people only know two of them. How many do you know?",
    ),
    "tutorial": (
        "Most people get {T} wrong the first time. What if one small change fixed it?",
        "{Q} It is easier than you think, if you avoid one common mistake.",
    ),
}

# --- publishing --------------------------------------------------------------------------------

SUMMARIES: dict[str, tuple[str, ...]] = {
    "explainer": (
        "In this video we dig into {T}: where it comes from, how it works, and the detail most "
        "explanations leave out.",
        "This video takes {T} apart piece by piece, from the background to the part almost "
        "nobody mentions.",
    ),
    "story": (
        "An original short story about {T}, set in {S}, following {P}.",
        "A narrated story set in {S}: {P}, {T}, and a choice that cannot be undone.",
    ),
    "list": ("A countdown of what actually matters about {T}, with an example for each.",),
    "tutorial": ("A clear, step-by-step walkthrough of {T}, including the mistakes to avoid.",),
}

CALLS_TO_ACTION: tuple[str, ...] = (
    "If this changed how you see {T}, subscribe for more, and tell me in the comments what "
    "you want covered next.",
    "Subscribe for more videos like this, and share it with someone who would enjoy it.",
    "Enjoyed this? Like the video, subscribe, and leave a comment with your own take.",
)
