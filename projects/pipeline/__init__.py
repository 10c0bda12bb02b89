"""The generation pipeline: what each kind of run does, step by step, and what all stages share
(the runner, vendor jobs, artifacts, the fan-in that settles a run of many items).

A run kind is a function ``(run) -> None`` registered with :func:`run_kind`. It is called by a
Celery task with the run already marked running; it either finishes the run itself
(``run_succeed``) or hands work to vendors and returns, leaving the run running until the vendors'
outcomes arrive: each finished vendor job goes to the handler registered with :func:`job_handler`
for the purpose it was opened for. Every step is safe to repeat: a redelivered task finds the
artifacts and vendor jobs the first delivery left and carries on from there. Stages register both
the same way, with these decorators in their ``runs`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projects.models import Run

RunKindFn = Callable[["Run"], None]
JobHandlerFn = Callable[[Any], None]  # (VendorJob) -> None
RUN_KINDS: dict[str, RunKindFn] = {}
JOB_HANDLERS: dict[str, JobHandlerFn] = {}


def run_kind(name: str) -> Callable[[RunKindFn], RunKindFn]:
    """Register the function that performs runs of this kind."""

    def register(fn: RunKindFn) -> RunKindFn:
        if name in RUN_KINDS:
            raise ValueError(f"run kind {name!r} registered twice")
        RUN_KINDS[name] = fn
        return fn

    return register


def job_handler(*purposes: str) -> Callable[[JobHandlerFn], JobHandlerFn]:
    """Register the function that continues a run when a vendor job opened for one of these
    purposes finishes (it gets the finished ``VendorJob``)."""

    def register(fn: JobHandlerFn) -> JobHandlerFn:
        for purpose in purposes:
            if purpose in JOB_HANDLERS:
                raise ValueError(f"job purpose {purpose!r} registered twice")
            JOB_HANDLERS[purpose] = fn
        return fn

    return register
