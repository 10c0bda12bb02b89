from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import endpoints_turned_off_by_failure


def notices(request: HttpRequest) -> dict[str, Any]:
    """Webhooks that repeated failure turned off, for the notice on every page (one query): the
    web app's notice, instead of an e-mail."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"webhook_notices": []}
    return {"webhook_notices": endpoints_turned_off_by_failure(user)}
