"""``requireCredits``: the one way a route declares that it spends credits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

GENERATE_SCOPE = "generate"
GENERATION_TIER = "generation"
FREE_SUGGEST_TIER = "free_suggest"

Handler = TypeVar("Handler", bound=Callable[..., Any])


def billable(handler: Handler) -> Handler:
    """Mark a viewset handler as spending credits (requireCredits).

    It then needs the ``generate`` scope and counts against the generation rate tier
    (``vidflow.api.permissions.route_attr`` reads these marks), and its service must charge
    through ``projects.stages.start_run`` / ``projects.services.run_create_charged``: the charge,
    the run and the enqueued task commit together, so a 402 INSUFFICIENT_CREDITS leaves nothing
    behind.
    """
    handler.required_scope = GENERATE_SCOPE  # type: ignore[attr-defined]
    handler.rate_tier = GENERATION_TIER  # type: ignore[attr-defined]
    handler.billable = True  # type: ignore[attr-defined]
    return handler


def free_suggestion(handler: Handler) -> Handler:
    """Mark a non-billable suggestion handler: its own rate tier, apart from generation."""
    handler.rate_tier = FREE_SUGGEST_TIER  # type: ignore[attr-defined]
    return handler


def queues_work(handler: Handler) -> Handler:
    """Mark a free handler that still sends work to the workers: it shares the generation rate
    tier with billable routes (but needs no ``generate`` scope, since it spends nothing)."""
    handler.rate_tier = GENERATION_TIER  # type: ignore[attr-defined]
    return handler
