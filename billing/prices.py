"""What each entry of the one price table (``settings.CREDIT_PRICES``) is charged per.

The numbers live only in settings; this says, for people and for ``GET /api/prices``, what one
unit of each billable action is. ``tests/billing/test_prices_api.py`` holds the two together: a
price without a description here is a test failure, not a silent gap.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# action -> (unit, what one unit buys)
UNITS: dict[str, tuple[str, str]] = {
    "script.outline": ("outline", "Write the outline (chapters and beats)"),
    "script.hook": ("hook", "Write the hook"),
    "script.chapters": ("script", "Write every chapter's narration"),
    "script.chapter": ("chapter", "Write one chapter's narration again"),
    "script.analyze": ("analysis", "Analyse the script"),
    "visual_bible.variation": ("picture", "Draw a character or location (per picture)"),
    "voiceover.minute": ("started minute", "Speak the narration (per started minute)"),
    "music": ("music bed", "Make a music bed"),
    "shot.image": ("shot", "Draw a shot's picture (per shot)"),
    "shot.video": ("shot", "Animate an image or video shot (per shot)"),
    "shot.talking_head": ("shot", "Make a talking-head shot's video (per shot)"),
    "render": ("render", "Render final.mp4"),
    "thumbnail": ("thumbnail", "Make the thumbnail"),
    "publish.youtube": ("upload", "Upload to YouTube"),
}


def price_list() -> list[dict[str, Any]]:
    """Every billable action with its credits and unit, in the table's order."""
    return [
        {
            "action": action,
            "credits": int(credits),
            "unit": UNITS.get(action, ("unit", action))[0],
            "description": UNITS.get(action, ("unit", action))[1],
        }
        for action, credits in settings.CREDIT_PRICES.items()
    ]
