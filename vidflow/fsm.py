"""State machines that explain themselves.

django-fsm-2 knows whether a transition may run; users need to know *why not*. A transition's
conditions here are :class:`Requirement` objects carrying the sentence to show when they fail, and
:func:`apply_transition` raises :class:`InvalidTransition` with that sentence (409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from vidflow.errors import InvalidTransition


@dataclass(frozen=True)
class Requirement:
    """A transition condition with the message a user sees when it does not hold."""

    check: Callable[[Any], bool]
    message: str

    def __call__(self, instance: Any) -> bool:
        return bool(self.check(instance))


def transition_meta(instance: models.Model, name: str) -> tuple[Any, Any, Any]:
    method = getattr(instance, name)
    meta = method._django_fsm
    state = meta.field.get_state(instance)
    return method, meta, state


def unmet_requirement(instance: models.Model, name: str) -> str | None:
    """The sentence saying why transition ``name`` cannot run now, or None if it can."""
    _method, meta, state = transition_meta(instance, name)
    if not meta.has_transition(state):
        sources = sorted(str(s) for s in meta.transitions)
        label = name.replace("_", " ")
        return f"Cannot {label} while {instance._meta.verbose_name} is {state}" + (
            f" (possible from: {', '.join(sources)})." if sources else "."
        )
    transition = meta.get_transition(state)
    for condition in transition.conditions or ():
        if not condition(instance):
            return getattr(condition, "message", f"Cannot {name.replace('_', ' ')} now.")
    return None


def apply_transition(instance: models.Model, name: str, *args: Any, **kwargs: Any) -> Any:
    """Run transition ``name`` on an instance the caller has locked, or raise InvalidTransition.

    The caller saves the instance and records the event, inside its transaction.
    """
    problem = unmet_requirement(instance, name)
    if problem:
        raise InvalidTransition(problem)
    return getattr(instance, name)(*args, **kwargs)
