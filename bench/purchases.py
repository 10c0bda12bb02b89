"""Credits for sale: Stripe webhooks under duplicates, and the quote's cost.

50 purchases paid at the simulated Stripe; each one's signed ``checkout.session.completed`` is
delivered three times, from 20 threads at once (real PostgreSQL connections, the Django test
client), so 150 deliveries must add exactly 50 ``purchase`` entries. Then the median time of
``GET /api/projects/{id}/quote`` on a project with 60 shots.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from bench.fixtures import bench_user, project_with_shots
from billing.models import EntryKind, LedgerEntry
from billing.services import ledger_disagreements
from vendors.simulator import start_simulator

PURCHASES = 50
COPIES = 3
THREADS = 20
QUOTES = 50


def run() -> Iterator[str]:
    sim = start_simulator(deliver="hold", stripe_webhook_secret="whsec_bench")  # noqa: S106
    settings.STRIPE_API_BASE = sim.vendor_url("stripe")
    settings.STRIPE_SECRET_KEY = sim.keys["stripe"]
    settings.STRIPE_WEBHOOK_SECRET = sim.stripe_webhook_secret
    try:
        user = bench_user("buyer")
        api = APIClient()
        api.force_login(user)
        for _ in range(PURCHASES):
            answer = api.post("/api/billing/checkout", {"pack": "starter"}, format="json")
            session = answer.json()["data"]["url"].rsplit("/", 1)[1]
            sim.stripe_pay(session)
        deliveries = sim.take_callbacks() * COPIES
        times: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(THREADS)

        def worker(mine: list) -> None:
            client = Client()
            try:
                barrier.wait()
                for delivery in mine:
                    started = time.perf_counter()
                    answer = client.post(
                        "/api/stripe/webhook",
                        data=delivery.body,
                        content_type="application/json",
                        headers={"Stripe-Signature": delivery.headers["Stripe-Signature"]},
                    )
                    with lock:
                        times.append(time.perf_counter() - started)
                        statuses.append(answer.status_code)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(deliveries[i::THREADS],)) for i in range(THREADS)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        entries = LedgerEntry.objects.filter(account__user=user, kind=EntryKind.PURCHASE).count()
        consistent = not any(p["user"] == user.username for p in ledger_disagreements())
        yield (
            f"stripe webhooks: {len(deliveries)} deliveries ({COPIES} of each of {PURCHASES} "
            f"paid sessions) from {THREADS} threads in {elapsed:.2f} s; "
            f"{entries} purchase entries (want {PURCHASES}); "
            f"{statuses.count(200)} answered 200; ledger consistent: {consistent}; "
            f"median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.1f} ms per delivery"
        )

        project = project_with_shots(user, 60)
        quote_times = []
        for _ in range(QUOTES):
            started = time.perf_counter()
            answer = api.get(f"/api/projects/{project.pk}/quote")
            quote_times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.content
        yield (
            f"quote: GET /api/projects/{{id}}/quote on a project of 60 shots, median "
            f"{statistics.median(quote_times) * 1000:.1f} ms over {QUOTES} requests "
            "(Django test client, session)"
        )
    finally:
        sim.stop()
