"""A worker killed mid-run, whole (SIGKILL to its main process and pool at once, as a lost machine):
nothing acknowledges or requeues its task, and the broker would hand the message back only after
its visibility timeout. The run's lease goes silent, the reaper on the surviving worker's beat
sends the work again, and the run is started again within the stated recovery time
(RUN_RECOVERY_SECONDS), finishes, and is charged once (docs/reliability.md, item 33; issue 11,
break 12)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from billing.services import ledger_disagreements
from projects.models import Chapter, Run
from projects.pipeline.models import RunLease
from tests.factories import ProjectFactory
from tests.workers import Worker, wait_for
from vendors.simulator import Simulator, start_simulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHAT = "chat/completions"
# The workers run with short leases so the test waits seconds, not the default minute; the
# recovery figure is the same sum the settings state (lease + reaper interval + 5 s).
LEASES = {"RUN_HEARTBEAT_SECONDS": "2", "RUN_LEASE_SECONDS": "8", "RUN_REAPER_SECONDS": "3"}
RECOVERY_SECONDS = 8 + 3 + 5


@pytest.fixture(scope="module")
def simulator() -> Iterator[Simulator]:
    sim = start_simulator(deliver="http")
    yield sim
    sim.stop()


def _started_again(run: Run) -> bool:
    """The surviving worker took the run's work: its lease counts a second start (or the work
    already ended, and the lease with it)."""
    run.refresh_from_db()
    return not run.is_active or RunLease.objects.filter(run=run, starts__gte=2).exists()


def _finished(run: Run) -> Run | None:
    run.refresh_from_db()
    return None if run.is_active else run


def test_a_worker_killed_mid_run_is_replaced_within_the_recovery_time_and_charged_once(
    api: APIClient,
    user: User,
    start_worker: Callable[..., Worker],
    simulator: Simulator,
    tmp_path: Path,
) -> None:
    # Given a worker writing an outline through a text vendor that takes its time to answer
    simulator.reset()
    first = start_worker(
        PROVIDER_TEXT="openai", OPENAI_BASE_URL=f"{simulator.url}/openai/v1",
        OPENAI_API_KEY=simulator.keys["openai"], VENDOR_TIMEOUT="300", CONCURRENCY="1",
        **LEASES,
    )  # fmt: skip
    simulator.stall_next("openai", 150, path=CHAT)
    project = ProjectFactory(owner=user, selected_title="Voyager")
    balance = CreditAccount.objects.get(user=user).balance
    response = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")
    assert response.status_code == 200, response.content
    run = Run.objects.get(pk=response.json()["data"]["runId"])
    wait_for(lambda: simulator.requests("openai", CHAT), timeout=60, message=first.log())
    assert RunLease.objects.filter(run=run, starts=1).exists()
    # and a second worker (with beat, so the reaper runs) waiting on the same queue
    second = first.another(tmp_path / "second.log", beat=True)
    try:
        # When the first worker dies mid-run
        first.kill()
        asked_before = len(simulator.requests("openai", CHAT))

        # Then the second one starts the run again within the stated recovery time
        wait_for(
            lambda: _started_again(run), timeout=RECOVERY_SECONDS,
            message=f"not started again {RECOVERY_SECONDS} s after the kill\n{second.log()}",
        )  # fmt: skip
        # and finishes it
        wait_for(lambda: _finished(run), timeout=120, message=second.log())
    finally:
        second.stop()

    assert run.status == "succeeded", run.error
    assert len(simulator.requests("openai", CHAT)) > asked_before  # the work was really redone
    assert Chapter.objects.filter(project=project).count() == run.result["chapters"] > 0
    # charged once, nothing refunded, and the ledger agrees with the balance
    price = settings.CREDIT_PRICES["script.outline"]
    charges = LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.CHARGE)
    assert list(charges.values_list("part", "amount")) == [("outline", -price)]
    assert not LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.REFUND).exists()
    assert (run.credits_charged, run.credits_refunded) == (price, 0)
    assert CreditAccount.objects.get(user=user).balance == balance - price
    assert ledger_disagreements() == []
    assert not RunLease.objects.filter(run=run).exists()
