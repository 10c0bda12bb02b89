"""``requireCredits``: the one way a route declares that it spends credits, and its cousins for
free routes that still have a tier of their own."""

from __future__ import annotations

from vidflow.api.permissions import Handler, route_policy

GENERATE_SCOPE = "generate"
GENERATION_TIER = "generation"
FREE_SUGGEST_TIER = "free_suggest"


def billable(handler: Handler) -> Handler:
    """Mark a viewset handler as spending credits (requireCredits).

    It then needs the ``generate`` scope and counts against the generation rate tier
    (``vidflow.api.permissions.route_attr`` reads these marks), and its service must charge
    through ``projects.stages.run_launch`` / ``projects.services.run_create_charged``: the charge,
    the run and the enqueued task commit together, so a 402 INSUFFICIENT_CREDITS leaves nothing
    behind.
    """
    route_policy(scope=GENERATE_SCOPE, rate_tier=GENERATION_TIER)(handler)
    handler.billable = True  # type: ignore[attr-defined]
    return handler


# A non-billable suggestion: its own rate tier, so suggestions never eat the generation budget.
free_suggestion = route_policy(rate_tier=FREE_SUGGEST_TIER)
# A free route that still sends work to the workers: it shares the generation tier (but needs no
# ``generate`` scope, since it spends nothing).
queues_work = route_policy(rate_tier=GENERATION_TIER)
