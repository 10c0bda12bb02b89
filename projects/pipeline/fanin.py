"""The fan-in of a run made of many items (a shot each, a drawing each): the one place that
decides when such a run is finished, and how.

Every item that finishes, fails or goes away calls :func:`settle`. It locks the run, so items
settling at once count each other; asks the stage for a :class:`Tally` of its items; records the
progress; and when every item is settled, finishes the run: failed (refunding what was not
delivered) when the tally names a failure, succeeded otherwise (refunding what was charged for
but not delivered, if anything). Safe to call any number of times: a finished run is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from billing.services import credits_refund_unused
from projects.models import ACTIVE_RUN_STATUSES, Run
from projects.services import run_fail, run_progress, run_succeed


@dataclass(frozen=True)
class Tally:
    """Where a run's items stand."""

    total: int
    settled: int
    result: dict[str, Any] = field(default_factory=dict)
    # (error code, message) when the finished run failed; None when it succeeded.
    failure: tuple[str, str] | None = None


def settle(*, run_id: Any, tally: Callable[[Run], Tally | None]) -> None:
    """Count the run's settled items; when all are, finish the run. ``tally`` returns None when
    the run is not (or no longer) one this stage can count."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if run.status not in ACTIVE_RUN_STATUSES:
            return
        counted = tally(run)
        if counted is None:
            return
        run_progress(run_id=run.pk, done=counted.settled)
        if counted.settled < counted.total:
            return
        if counted.failure is not None:
            code, message = counted.failure
            run.result = counted.result
            run.save(update_fields=["result"])
            run_fail(run_id=run.pk, code=code, message=message)
            return
        run_succeed(run_id=run.pk, result=counted.result)
        credits_refund_unused(
            reference=run.pk, reason=f"Refund: {run.kind} did not deliver everything charged for"
        )
