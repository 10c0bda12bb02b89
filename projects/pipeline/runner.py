"""Running one run: start it, call its kind, and turn any failure into a failed, refunded run."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from projects.models import Run
from projects.services import run_fail, run_mark_running
from vidflow.api.error_codes import ErrorCode
from vidflow.errors import AppError

from . import RUN_KINDS

logger = logging.getLogger(__name__)


def failure_of(exc: BaseException) -> tuple[str, str]:
    """The run error (code, message) a user sees for an exception; never a traceback."""
    if isinstance(exc, AppError):
        return str(exc.error_code), exc.message
    if isinstance(exc, SoftTimeLimitExceeded):
        return ErrorCode.INTERNAL_ERROR, "The work took longer than its time limit."
    return ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; it has been logged."


def execute_run(*, run_id: Any) -> None:
    """Start the run (unless it was cancelled or already finished) and perform its kind.

    Safe to call again for the same run: a redelivered task finds the run running and the kind
    picks up where the first delivery stopped.
    """
    run = run_mark_running(run_id=run_id)
    if run is None:
        return
    kind = RUN_KINDS.get(run.kind)
    if kind is None:
        logger.error("run %s has unknown kind %s", run.pk, run.kind)
        run_fail(run_id=run.pk, code=ErrorCode.INTERNAL_ERROR, message=f"Unknown kind {run.kind}")
        return
    try:
        kind(run)
    except Exception as exc:
        if not isinstance(exc, AppError | SoftTimeLimitExceeded):
            logger.exception("run %s (%s) failed", run.pk, run.kind)
        code, message = failure_of(exc)
        run_fail(run_id=run.pk, code=code, message=message)


def fail_quietly(run: Run, exc: BaseException) -> None:
    code, message = failure_of(exc)
    run_fail(run_id=run.pk, code=code, message=message)
