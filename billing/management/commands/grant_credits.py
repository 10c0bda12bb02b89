from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from billing.services import credits_grant
from vidflow.errors import AppError


class Command(BaseCommand):
    help = "Grant credits to a user (written to the ledger with the reason)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="username or email")
        parser.add_argument("amount", type=int)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, user: str, amount: int, reason: str, **options: Any) -> None:
        account = (
            User.objects.filter(username=user).first()
            or User.objects.filter(email__iexact=user).first()
        )
        if account is None:
            raise CommandError(f"No user {user!r}")
        try:
            entry = credits_grant(user=account, amount=amount, reason=reason)
        except AppError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Granted {amount} to {account.username}; balance {entry.balance_after}"
            )
        )
