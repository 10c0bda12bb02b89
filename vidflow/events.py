"""Outbound events: what happened to a user's work, told to whoever registered to hear it.

The apps that know the work (``projects``) call :func:`event_emit` inside the transaction that
made the change; the apps that tell the outside world (``webhooks``) register a handler at
start-up (``AppConfig.ready``) with :func:`on_event`. Neither imports the other, and the event
names live here, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models


class EventType(models.TextChoices):
    RUN_SUCCEEDED = "run.succeeded", "A run succeeded"
    RUN_FAILED = "run.failed", "A run failed"
    PROJECT_RENDERED = "project.rendered", "A project's final video was rendered"
    PROJECT_PUBLISHED = "project.published", "A project was published to YouTube"


# (owner_id, event type, data), inside the emitter's transaction; what it returns is ignored.
EventHook = Callable[[Any, str, dict[str, Any]], object]
_hooks: list[EventHook] = []


def on_event(hook: EventHook) -> EventHook:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def event_emit(*, owner_id: Any, event_type: EventType, data: dict[str, Any]) -> None:
    """Tell every registered handler that ``event_type`` happened to ``owner_id``'s work. Call it in
    the transaction of the change, so the event is recorded if and only if the change is."""
    for hook in _hooks:
        hook(owner_id, str(event_type), data)
