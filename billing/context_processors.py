from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import CreditAccount


def credits(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's balance for the page header (one query)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"credit_balance": None}
    balance = CreditAccount.objects.filter(user=user).values_list("balance", flat=True).first()
    return {"credit_balance": balance if balance is not None else 0}
