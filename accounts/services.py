"""Account lifecycle: sign-up and moderation.

Accounts sit at the bottom of the layers, so what other apps do when an account is made or
suspended (open its credit account with the sign-up grant; cancel its work in flight) is
registered by those apps at start-up (``AppConfig.ready``) with :func:`on_user_created` and
:func:`on_user_suspended`, and runs here in the same order every time.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .models import User

# (user) -> None, inside sign-up's transaction.
UserCreatedHook = Callable[[User], None]
# (user, actor, reason) -> how many runs it cancelled, after the suspension is committed.
UserSuspendedHook = Callable[[User, User, str], int]
_created_hooks: list[UserCreatedHook] = []
_suspended_hooks: list[UserSuspendedHook] = []


def on_user_created(hook: UserCreatedHook) -> UserCreatedHook:
    if hook not in _created_hooks:
        _created_hooks.append(hook)
    return hook


def on_user_suspended(hook: UserSuspendedHook) -> UserSuspendedHook:
    if hook not in _suspended_hooks:
        _suspended_hooks.append(hook)
    return hook


@transaction.atomic
def user_create(*, username: str, email: str, password: str) -> User:
    """A new account with what the other apps open for it (its credit account and the sign-up
    grant), all or nothing."""
    user = User.objects.create_user(username=username, email=email, password=password)
    for hook in _created_hooks:
        hook(user)
    return user


def user_suspend(*, user: User, actor: User, reason: str) -> int:
    """Suspend an account: its API calls answer ACCOUNT_SUSPENDED from now on, and its work in
    flight is cancelled with unused credit refunded. Returns how many runs were cancelled."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.suspended_at = timezone.now()
        locked.suspension_reason = reason
        locked.save(update_fields=["suspended_at", "suspension_reason"])
    return sum(hook(user, actor, reason) for hook in _suspended_hooks)


def user_reinstate(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(suspended_at=None, suspension_reason="")
