"""The base every API viewset builds on, so auth, scopes, envelope, rate tiers and idempotency
apply the same way to every route."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from vidflow import idempotency
from vidflow.ratelimit import RateTierMixin

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class _Replay(Exception):
    """Carries a stored answer out of ``initial`` (control flow, not an error)."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class IdempotentPostMixin:
    """POSTs carrying ``Idempotency-Key`` run once; retries get the first answer back.

    Checked after authentication (keys are per user), before the action runs.
    """

    _idempotency_claim: idempotency.Claim | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        key = request.headers.get(idempotency.HEADER)
        if request.method != "POST" or key is None:
            return
        body = request._request.body
        outcome = idempotency.idempotency_begin(
            user=request.user,  # type: ignore[arg-type]
            key=key,
            print_=idempotency.fingerprint(
                method="POST", path=request._request.get_full_path(), body=body
            ),
        )
        if isinstance(outcome, HttpResponse):
            raise _Replay(outcome)
        self._idempotency_claim = outcome

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        claim = self._idempotency_claim
        if claim is not None:
            self._idempotency_claim = None
            if isinstance(response, Response):
                response.render()
            idempotency.idempotency_finish(claim=claim, response=response)
        return response


class ApiViewSet(IdempotentPostMixin, RateTierMixin, viewsets.GenericViewSet):
    """Thin viewsets: validate, call one service, serialize.

    Every request is authenticated (bearer token, then session), checked for its scope
    (``read_scope``/``write_scope`` or the action's ``required_scope``), counted against its rate
    tier (the action's ``rate_tier``, else ``api``/``oauth_bearer``), and only then looks at its
    ``Idempotency-Key``, so a refused request never claims a key.
    """

    # Policy marks, read per request by ``vidflow.api.permissions.route_attr``: on a handler
    # function (``billing.decorators.billable`` / ``free_suggestion`` / ``queues_work``) or, for
    # router ``@action(...)`` routes, as action keywords (DRF refuses keywords the class lacks).
    required_scope: str | None = None
    rate_tier: str | None = None
    billable: bool = False

    @property
    def user(self) -> User:
        """The signed-in account (the default permissions refuse everyone else first)."""
        user = self.request.user
        assert isinstance(user, User)
        return user
