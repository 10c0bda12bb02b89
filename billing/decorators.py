"""``requireCredits``: the one way a route declares that it spends credits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rest_framework.decorators import action

GENERATE_SCOPE = "generate"
GENERATION_TIER = "generation"


def billable_action(
    *,
    detail: bool = True,
    methods: Sequence[str] = ("post",),
    url_path: str | None = None,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A DRF action that charges credits (requireCredits).

    It needs the ``generate`` scope, counts against the generation rate tier, and its service
    must charge through ``projects.services.run_create_charged`` — the charge, the run and the
    enqueued task commit together, so a 402 INSUFFICIENT_CREDITS leaves nothing behind.
    """
    return action(
        detail=detail,
        methods=[m.lower() for m in methods],  # type: ignore[misc]
        url_path=url_path,
        required_scope=GENERATE_SCOPE,
        rate_tier=GENERATION_TIER,
        billable=True,
        **kwargs,
    )
