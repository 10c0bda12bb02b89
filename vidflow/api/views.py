"""The base every API viewset builds on, so auth, scopes, envelope, rate tiers and idempotency
apply the same way to every route."""

from __future__ import annotations

from rest_framework import viewsets

from accounts.models import User

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class ApiViewSet(viewsets.GenericViewSet):
    """Thin viewsets: validate, call one service, serialize."""

    @property
    def user(self) -> User:
        """The signed-in account (the default permissions refuse everyone else first)."""
        user = self.request.user
        assert isinstance(user, User)
        return user
