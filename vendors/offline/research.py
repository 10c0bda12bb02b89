"""The offline research provider: outlier videos are added by hand.

Finding outliers (videos that beat their channel's median views many times over) needs YouTube
search, which needs the network, an API key and daily quota (100 ``search.list`` calls a day for
an unaudited project, docs/vendors.md). Offline there is nothing to search, and a guessed or
invented list would mislead a creator into copying videos that do not exist. So this provider
finds nothing: the creator pastes the outlier videos they found into the project
(``/outlier-videos``), and their titles reach the writer as ``StoryContext.references``.
``PROVIDER_RESEARCH=youtube`` searches for real.
"""

from __future__ import annotations

from vendors.base import OutlierCandidate


class ManualResearch:
    """:class:`vendors.base.ResearchProvider` that leaves research to the creator."""

    name = "manual"

    def outliers(self, *, query: str, limit: int) -> list[OutlierCandidate]:
        """Always empty: outliers are entered by hand (see the module docstring)."""
        return []
