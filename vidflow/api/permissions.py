"""Permissions applied to every API route: an active account, and the scope a token needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .exceptions import AccountSuspended, InsufficientScope

Handler = TypeVar("Handler", bound=Callable[..., Any])

READ_SCOPE = "projects:read"
WRITE_SCOPE = "projects:write"


class IsActiveAccount(BasePermission):
    """Signed in (session or token) and not suspended by staff."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(user, "is_suspended", False):
            raise AccountSuspended()
        return True


def route_attr(request: Request, view: Any, name: str, default: Any = None) -> Any:
    """A policy mark for this request's handler: set on the handler function by a decorator
    (``billing.decorators.billable``), else on the view (or by a router action's kwargs)."""
    action = getattr(view, "action", None) or (request.method or "").lower()
    handler = getattr(view, action, None)
    value = getattr(handler, name, None)
    if value is None:
        value = getattr(view, name, None)
    return default if value is None else value


def required_scope(request: Request, view: Any) -> str | None:
    """The scope a request needs: its handler's own (``@billable`` → generate), else the view's
    read or write scope."""
    scope = route_attr(request, view, "required_scope")
    if scope:
        return str(scope)
    if request.method in SAFE_METHODS:
        return getattr(view, "read_scope", READ_SCOPE)
    return getattr(view, "write_scope", WRITE_SCOPE)


class HasRequiredScope(BasePermission):
    """Bearer tokens carry scopes; a browser session may do everything its user may do."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        allow_scopes = getattr(token, "allow_scopes", None)
        if allow_scopes is None:  # session: no token, no scope restriction
            return True
        scope = required_scope(request, view)
        if scope and not allow_scopes([scope]):
            raise InsufficientScope(scope)
        return True


def route_policy(
    *, scope: str | None = None, rate_tier: str | None = None
) -> Callable[[Handler], Handler]:
    """Mark a viewset handler with the scope it needs and/or its rate tier (read per request by
    :func:`route_attr`)."""

    def mark(handler: Handler) -> Handler:
        if scope is not None:
            handler.required_scope = scope  # type: ignore[attr-defined]
        if rate_tier is not None:
            handler.rate_tier = rate_tier  # type: ignore[attr-defined]
        return handler

    return mark
