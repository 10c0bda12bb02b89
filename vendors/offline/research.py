"""The default research provider: none. Outlier videos are added by hand until YouTube is set up.

Finding outliers needs view counts of real videos, which only the YouTube Data API has; nothing
offline can make them up honestly, so a search says how to turn the real provider on instead of
answering an empty list that looks like "no outliers exist".
"""

from __future__ import annotations

from vendors.base import OutlierCandidate, ProviderUnavailableError

HOW_TO_ENABLE = (
    "Searching for outlier videos needs the YouTube research provider: set YOUTUBE_API_KEY and "
    "PROVIDER_RESEARCH=youtube, or add reference videos by hand."
)


class ManualResearch:
    """ResearchProvider that cannot search (``PROVIDER_RESEARCH=manual``, the default)."""

    name = "manual"

    def outliers(self, *, query: str, limit: int) -> list[OutlierCandidate]:
        raise ProviderUnavailableError(HOW_TO_ENABLE, vendor=self.name)
