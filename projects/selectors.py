"""Reads: ownership-scoped lookups and the project payload.

The payload costs the same number of queries for 1 shot or 300 (tests/projects/test_payload.py
holds it to that; ``make bench`` prints the count).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from vidflow.errors import NotFound

from .models import (
    Channel,
    Project,
    Run,
)
from .payload import project_with_payload


def parse_id(value: Any, what: str = "Object") -> uuid.UUID:
    """A UUID from a path or query parameter; anything else is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"{what} not found.") from None


def projects_for(user: User) -> QuerySet[Project]:
    return Project.objects.filter(owner=user)


def project_get(*, user: User, project_id: Any) -> Project:
    """The user's project, or 404 — another user's project is indistinguishable from none."""
    project = projects_for(user).filter(pk=parse_id(project_id, "Project")).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


def channel_get(*, user: User, channel_id: Any) -> Channel:
    channel = Channel.objects.filter(owner=user, pk=parse_id(channel_id, "Channel")).first()
    if channel is None:
        raise NotFound("Channel not found.")
    return channel


def run_get(*, user: User, run_id: Any) -> Run:
    run = Run.objects.filter(owner=user, pk=parse_id(run_id, "Run")).first()
    if run is None:
        raise NotFound("Run not found.")
    return run


RUN_WAIT_INTERVAL = 0.25


def run_wait(*, user: User, run_id: Any, seconds: float) -> Run:
    """The user's run, once it has finished or its progress has moved, or as it is after
    ``seconds`` (a long poll; 0 answers at once). Each look re-reads the row (a new instance;
    nothing shared between request threads is touched)."""
    run = run_get(user=user, run_id=run_id)
    seen = (run.status, run.progress_done, run.progress_total)
    deadline = time.monotonic() + seconds
    while run.is_active and time.monotonic() < deadline:
        time.sleep(RUN_WAIT_INTERVAL)
        fresh = Run.objects.filter(pk=run.pk).first()
        if fresh is None:  # deleted meanwhile (its account was): answer with the last look
            break
        run = fresh
        if (run.status, run.progress_done, run.progress_total) != seen:
            break
    return run


def recent_runs(*, user: User, limit: int = 50) -> list[Run]:
    """The user's latest runs with their projects (a deleted project's runs stay listed)."""
    return list(Run.objects.filter(owner=user).select_related("project")[:limit])


def project_detail(*, user: User, project_id: Any) -> Project:
    """The user's project with ``.payload`` (see projects.payload) filled in."""
    project = project_with_payload(owner_id=user.pk, project_id=parse_id(project_id, "Project"))
    if project is None:
        raise NotFound("Project not found.")
    return project
