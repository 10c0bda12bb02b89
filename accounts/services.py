"""Account lifecycle: sign-up (with the welcome credits) and moderation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billing.services import account_open
from projects.models import ACTIVE_RUN_STATUSES, Run
from projects.services import run_cancel

from .models import User


@transaction.atomic
def user_create(*, username: str, email: str, password: str) -> User:
    """A new account with its credit account and the sign-up grant, all or nothing."""
    user = User.objects.create_user(username=username, email=email, password=password)
    account_open(user=user)
    return user


def user_suspend(*, user: User, actor: User, reason: str) -> int:
    """Suspend an account: its API calls answer ACCOUNT_SUSPENDED from now on, and its work in
    flight is cancelled with unused credit refunded. Returns how many runs were cancelled."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.suspended_at = timezone.now()
        locked.suspension_reason = reason
        locked.save(update_fields=["suspended_at", "suspension_reason"])
    cancelled = 0
    for run_id in Run.objects.filter(owner=user, status__in=ACTIVE_RUN_STATUSES).values_list(
        "pk", flat=True
    ):
        run_cancel(run_id=run_id, actor=actor, reason=f"account suspended: {reason}")
        cancelled += 1
    return cancelled


def user_reinstate(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(suspended_at=None, suspension_reason="")
