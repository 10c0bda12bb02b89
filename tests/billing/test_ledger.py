"""Charges, refunds and the ledger: exact under real concurrency on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from billing.services import (
    ChargePart,
    credits_adjust,
    credits_charge,
    credits_grant,
    credits_refund,
    credits_refund_unused,
    ledger_disagreements,
    parts_delivered,
)
from projects.models import Run
from projects.services import run_create, run_create_charged
from tests.factories import UserFactory
from vidflow.errors import InsufficientCredits


def _in_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work`` in n threads released together; each thread uses its own DB connection."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _user_with(balance: int) -> User:
    user = UserFactory()
    CreditAccount.objects.create(user=user, balance=0)
    if balance:
        credits_grant(user=user, amount=balance, reason="test setup")
    return user


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_charges_on_10_credits_exactly_10_succeed() -> None:
    user = _user_with(10)

    def charge(i: int) -> str:
        with transaction.atomic():
            run_create_charged(
                owner=user, kind="test", parts=[ChargePart("render", 1)], reason=f"charge {i}"
            )
        return "ok"

    results = _in_threads(50, charge)

    assert results.count("ok") == 10
    assert sum(isinstance(r, InsufficientCredits) for r in results) == 40
    assert CreditAccount.objects.get(user=user).balance == 0
    assert LedgerEntry.objects.filter(account__user=user, kind=EntryKind.CHARGE).count() == 10
    assert Run.objects.filter(owner=user).count() == 10  # refused charges left no run behind
    assert ledger_disagreements() == []


@pytest.mark.django_db(transaction=True)
def test_a_refund_raced_against_a_duplicate_refund_writes_one_entry() -> None:
    user = _user_with(5)
    with transaction.atomic():
        run = run_create_charged(
            owner=user, kind="test", parts=[ChargePart("render", 3)], reason="render"
        )
    charge = LedgerEntry.objects.get(reference=run.pk, kind=EntryKind.CHARGE)

    results = _in_threads(8, lambda i: credits_refund(charge=charge, reason=f"dup {i}"))

    assert sum(r is not None and not isinstance(r, Exception) for r in results) == 1
    assert all(r is None or isinstance(r, LedgerEntry) for r in results)
    assert LedgerEntry.objects.filter(reverses=charge).count() == 1
    assert CreditAccount.objects.get(user=user).balance == 5
    assert Run.objects.get(pk=run.pk).credits_refunded == 3
    assert ledger_disagreements() == []


@pytest.mark.django_db
def test_insufficient_credits_says_what_is_needed() -> None:
    user = _user_with(2)
    with pytest.raises(InsufficientCredits) as raised, transaction.atomic():
        run_create_charged(
            owner=user, kind="test", parts=[ChargePart("a", 2), ChargePart("b", 1)], reason="x"
        )

    assert raised.value.details == {"required": 3, "balance": 2}
    assert not Run.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_charge_outside_a_transaction_is_refused() -> None:
    user = _user_with(2)
    run = run_create(owner=user, kind="test")

    with pytest.raises(RuntimeError, match="atomic"):
        credits_charge(owner_id=user.pk, reference=run.pk, parts=[ChargePart("a", 1)], reason="x")


def _shot_run(user: User) -> tuple[Run, Any]:
    import uuid

    shot_id = uuid.uuid4()
    with transaction.atomic():
        run = run_create_charged(
            owner=user,
            kind="shot.generate",
            parts=[ChargePart("image", 1, shot_id), ChargePart("video", 2, shot_id)],
            reason="shot",
        )
    return run, shot_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("landed", "refunded"),
    [
        ([], 3),  # nothing usable: both steps back
        (["image"], 2),  # image only: keep the image step, refund the video step
        (["animated"], 2),  # an animated still landed instead of the video: same
        (["video"], 0),  # the video landed: nothing to refund
    ],
)
def test_conservative_refund_rule(landed: list[str], refunded: int) -> None:
    user = _user_with(10)
    run, shot_id = _shot_run(user)
    if landed:
        parts_delivered(reference=run.pk, parts=landed, shot_id=shot_id)

    assert credits_refund_unused(reference=run.pk, reason="failed") == refunded
    assert (
        credits_refund_unused(reference=run.pk, reason="failed") == 0
    )  # a retried failure refunds nothing more
    assert CreditAccount.objects.get(user=user).balance == 10 - 3 + refunded
    assert Run.objects.get(pk=run.pk).credits_refunded == refunded


@pytest.mark.django_db
def test_adjustments_cannot_go_below_zero_and_need_a_reason() -> None:
    user = _user_with(3)
    staff = UserFactory(is_staff=True)

    with pytest.raises(InsufficientCredits):
        credits_adjust(user=user, amount=-4, reason="chargeback", actor=staff)
    with pytest.raises(Exception, match="reason"):
        credits_adjust(user=user, amount=-1, reason=" ", actor=staff)
    entry = credits_adjust(user=user, amount=-3, reason="chargeback", actor=staff)

    assert entry.balance_after == 0
    assert entry.actor == staff


@pytest.mark.django_db
def test_ledger_entries_are_append_only() -> None:
    user = _user_with(3)
    entry = LedgerEntry.objects.filter(account__user=user).first()
    assert entry is not None

    entry.amount = 1000
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1000)


@pytest.mark.django_db
def test_check_ledger_passes_then_names_a_tampered_account(
    capsys: pytest.CaptureFixture[str],
) -> None:
    honest = _user_with(7)
    tampered = _user_with(4)
    call_command("check_ledger")

    CreditAccount.objects.filter(user=tampered).update(balance=999)

    with pytest.raises(CommandError, match="1 account"):
        call_command("check_ledger")
    err = capsys.readouterr().err
    assert tampered.username in err
    assert honest.username not in err


@pytest.mark.django_db
def test_grant_credits_command(capsys: pytest.CaptureFixture[str]) -> None:
    user = _user_with(0)

    call_command("grant_credits", user.username, "25", "--reason", "launch promo")

    entry = LedgerEntry.objects.get(account__user=user, kind=EntryKind.GRANT)
    assert (entry.amount, entry.reason, entry.balance_after) == (25, "launch promo", 25)
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_credits", "nobody", "5", "--reason", "x")
