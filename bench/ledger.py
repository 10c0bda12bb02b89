"""Ledger under contention: 200 concurrent charges on one account, real PostgreSQL connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from django.db import connection, transaction

from bench.fixtures import bench_user
from billing.models import CreditAccount
from billing.services import ChargePart, credits_grant, ledger_disagreements
from projects.services import run_create_charged
from vidflow.errors import InsufficientCredits

ATTEMPTS = 200
THREADS = 20
CREDIT = 150  # fewer credits than attempts, so some charges must be refused


def run() -> Iterator[str]:
    user = bench_user()
    signup = CreditAccount.objects.get(user=user).balance
    credits_grant(user=user, amount=CREDIT - signup, reason="bench")
    start_balance = CreditAccount.objects.get(user=user).balance
    lock = threading.Lock()
    outcome = {"ok": 0, "refused": 0, "errors": 0}
    per_thread = ATTEMPTS // THREADS
    barrier = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                try:
                    with transaction.atomic():
                        run_create_charged(
                            owner=user, kind="bench", parts=[ChargePart("render", 1)], reason="b"
                        )
                    key = "ok"
                except InsufficientCredits:
                    key = "refused"
                except Exception:
                    key = "errors"
                with lock:
                    outcome[key] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    balance = CreditAccount.objects.get(user=user).balance
    overdrafts = max(0, outcome["ok"] - start_balance) + (1 if balance < 0 else 0)
    consistent = not any(p["user"] == user.username for p in ledger_disagreements())
    yield (
        f"ledger under contention: {ATTEMPTS} charges from {THREADS} threads in {elapsed:.2f}s "
        f"= {ATTEMPTS / elapsed:.0f} charges/s; succeeded {outcome['ok']}, refused "
        f"{outcome['refused']}, errors {outcome['errors']}; overdrafts {overdrafts} (goal 0); "
        f"balance {balance}; ledger sum = balance: {consistent}"
    )
