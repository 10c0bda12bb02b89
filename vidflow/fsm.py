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
from django_fsm import FSMFieldMixin, FSMModelMixin

from vidflow.errors import InvalidTransition


class FSMModel(FSMModelMixin):  # a mixin: list it before the model base
    """A model with protected state fields whose ``refresh_from_db`` is safe in threads.

    django-fsm-2's own ``refresh_from_db`` turns the ``protected`` flag of the state field off
    and on again, and that flag lives on the field object every thread shares: a refresh in one
    request thread while another thread refreshes the same model then fails with "Direct status
    modification is not allowed" (8 concurrent long polls of a run answered 500s). This one
    never touches the flag: it takes the instance's own state values out of the way and lets
    Django load them back.
    """

    def refresh_from_db(
        self, using: str | None = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        protected = {
            f.attname
            for f in self._meta.concrete_fields
            if isinstance(f, FSMFieldMixin) and f.protected
        }
        if fields is None:
            # Name the loaded fields: a state value taken out of ``__dict__`` would otherwise
            # count as deferred and not be reloaded. Django clears these caches itself for a
            # refresh of every field.
            self._prefetched_objects_cache: dict[str, Any] = {}
            for rel in self._meta.related_objects:
                if rel.is_cached(self):
                    rel.delete_cached_value(self)
            deferred = self.get_deferred_fields()
            fields = [f.attname for f in self._meta.concrete_fields if f.attname not in deferred]
        fields = list(fields)
        held = {
            name: self.__dict__.pop(name)
            for name in protected & set(fields)
            if name in self.__dict__
        }
        try:
            models.Model.refresh_from_db(
                self, using=using, fields=fields, from_queryset=from_queryset
            )
        except BaseException:
            self.__dict__.update(held)
            raise


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
