"""The generation pipeline: what each kind of run does, step by step.

A run kind is a function ``(run) -> None`` registered with :func:`run_kind`. It is called by a
Celery task with the run already marked running; it either finishes the run itself
(``run_succeed``) or hands work to vendors and returns, leaving the run running until the vendors'
outcomes arrive (``jobs.job_landed``). Every step is safe to repeat: a redelivered task finds the
artifacts and vendor jobs the first delivery left and carries on from there.
"""

from __future__ import annotations

from collections.abc import Callable

from projects.models import Run

RunKind = Callable[[Run], None]
RUN_KINDS: dict[str, RunKind] = {}


def run_kind(name: str) -> Callable[[RunKind], RunKind]:
    def register(fn: RunKind) -> RunKind:
        if name in RUN_KINDS:
            raise ValueError(f"run kind {name!r} registered twice")
        RUN_KINDS[name] = fn
        return fn

    return register
