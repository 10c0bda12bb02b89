"""Reads for the device flow pages and the connected apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from accounts.models import User

from .models import TokenActivity


@dataclass(frozen=True)
class ScopeLine:
    name: str
    description: str


def scope_lines(scope: str) -> list[ScopeLine]:
    """Each scope of a space-separated list, with the words the approval page shows."""
    return [ScopeLine(name, settings.OAUTH_SCOPES.get(name, name)) for name in scope.split()]


@dataclass(frozen=True)
class ConnectedApp:
    application_id: int
    client_id: str
    name: str
    scopes: list[ScopeLine]
    connected_at: datetime  # the earliest sign-in still alive
    last_used_at: datetime | None
    sign_ins: int  # live token families (e.g. the CLI on two machines)


def connected_apps_for(user: User) -> list[ConnectedApp]:
    """Clients holding a live refresh token for ``user``, with when they were last used.

    A refresh token is alive until revoked or until REFRESH_TOKEN_EXPIRE_SECONDS after its access
    token expired (django-oauth-toolkit's rule).
    """
    oldest_alive = timezone.now() - timedelta(seconds=settings.OAUTH_REFRESH_TOKEN_SECONDS)
    live = (
        get_refresh_token_model()
        .objects.filter(
            user=user,
            revoked__isnull=True,
            access_token__isnull=False,
            access_token__expires__gt=oldest_alive,
        )
        .select_related("application", "access_token")
        .order_by("created")
    )
    last_used = {
        activity.application_id: activity.last_used_at
        for activity in TokenActivity.objects.filter(user=user)
    }
    grouped: dict[int, list[Any]] = {}
    for token in live:
        grouped.setdefault(token.application_id, []).append(token)
    apps = []
    for application_id, tokens in grouped.items():
        application = tokens[0].application
        scopes: list[str] = []
        for token in tokens:
            scopes += [s for s in token.access_token.scope.split() if s not in scopes]
        apps.append(
            ConnectedApp(
                application_id=application_id,
                client_id=application.client_id,
                name=application.name or application.client_id,
                scopes=scope_lines(" ".join(scopes)),
                connected_at=tokens[0].created,
                last_used_at=last_used.get(application_id),
                sign_ins=len({token.token_family for token in tokens}),
            )
        )
    return sorted(apps, key=lambda app: app.name.lower())
