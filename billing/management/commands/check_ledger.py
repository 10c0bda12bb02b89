from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.services import ledger_disagreements


class Command(BaseCommand):
    help = (
        "Verify every credit balance equals the sum of its ledger; exit 1 naming those that don't."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_disagreements()
        for p in problems:
            self.stderr.write(
                f"{p['user']}: balance {p['balance']}, ledger sum {p['ledgerSum']}, "
                f"last balance_after {p['lastBalanceAfter']}"
            )
        if problems:
            raise CommandError(f"{len(problems)} account(s) disagree with their ledger")
        self.stdout.write(self.style.SUCCESS("Every balance equals the sum of its ledger."))
