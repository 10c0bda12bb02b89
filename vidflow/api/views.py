"""The base every API viewset builds on, so auth, scopes, envelope, rate tiers and idempotency
apply the same way to every route."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping
from contextlib import ExitStack
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from drf_spectacular.openapi import AutoSchema
from rest_framework import viewsets
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.mediatypes import media_type_matches

from accounts.models import User
from vidflow import idempotency
from vidflow.api.envelope import _validation_details
from vidflow.api.etags import ETagMixin
from vidflow.api.serializers import StrictSerializer, wrong_types
from vidflow.errors import AppError, ValidationFailed
from vidflow.ratelimit import RateTierMixin

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _body_for_fingerprint(request: Request) -> bytes:
    """The raw body; for a form the middleware already parsed (its stream is read), its fields
    and its files' digests instead (``vidflow.api.middleware.ControlCharacterMiddleware``)."""
    django_request = request._request
    try:
        return django_request.body
    except RawPostDataException:
        digest = hashlib.sha256()
        for name, values in sorted(django_request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name in sorted(django_request.FILES):
            upload = django_request.FILES[name]
            digest.update(repr((name, upload.name, upload.size)).encode())  # type: ignore[union-attr]
            for chunk in upload.chunks():  # type: ignore[union-attr]
                digest.update(chunk)
            upload.seek(0)  # type: ignore[union-attr]
        return b"form:" + digest.hexdigest().encode()


class _Replay(Exception):
    """Carries a stored answer out of ``initial`` (control flow, not an error)."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class IdempotentPostMixin:
    """POSTs carrying ``Idempotency-Key`` run once; retries get the first answer back.

    Checked after authentication (keys are per user), before the action runs. A keyed POST runs
    in one transaction with its key's record, committed only once its answer is stored beside
    it (``vidflow.idempotency`` says why); the tasks it queued are sent after that commit. If a
    send fails then (the broker is unreachable), the run was failed and refunded, the stored
    answer is withdrawn and the client gets the retryable 503 instead.
    """

    _idempotency_claim: idempotency.Claim | None = None
    _idempotency_transaction: ExitStack | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        key = request.headers.get(idempotency.HEADER)
        if request.method != "POST" or key is None:
            return
        body = _body_for_fingerprint(request)
        scope = ExitStack()
        scope.enter_context(transaction.atomic())
        try:
            outcome = idempotency.idempotency_begin(
                user=request.user,  # type: ignore[arg-type]
                key=key,
                print_=idempotency.fingerprint(
                    method="POST", path=request._request.get_full_path(), body=body
                ),
            )
        except BaseException:
            scope.__exit__(*sys.exc_info())
            raise
        if isinstance(outcome, HttpResponse):
            scope.close()
            raise _Replay(outcome)
        self._idempotency_transaction = scope
        self._idempotency_claim = outcome

    def commit_before_waiting(self, provisional: Response) -> None:
        """For an action that waits on the work it queued (a worker must see it committed):
        store ``provisional`` as the key's answer for now and commit. A retry after a crash
        from here on gets it (the run that was started); the final answer replaces it."""
        if self._idempotency_transaction is None:
            return
        self.finalize_response(self.request, provisional)  # type: ignore[attr-defined]
        scope, self._idempotency_transaction = self._idempotency_transaction, None
        try:
            scope.close()
        except AppError:
            self._idempotency_withdraw()
            raise

    def _idempotency_withdraw(self) -> None:
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            idempotency.idempotency_release(claim=claim)

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        claim = self._idempotency_claim
        if claim is not None:
            if isinstance(response, Response):
                response.render()
            stored = idempotency.idempotency_finish(claim=claim, response=response)
            if not stored and self._idempotency_transaction is not None:
                transaction.set_rollback(True)  # nothing of a refused or failed request stays
        return response

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except BaseException:
            scope, self._idempotency_transaction = self._idempotency_transaction, None
            if scope is not None:
                scope.__exit__(*sys.exc_info())  # roll back: nothing ran, nothing stored
            raise
        scope, self._idempotency_transaction = self._idempotency_transaction, None
        if scope is None:
            return response
        try:
            scope.close()  # commit the work with its answer; queued tasks are sent now
        except AppError as exc:  # a send failed after the commit (vidflow.queue)
            self._idempotency_withdraw()
            response = self.finalize_response(self.request, self.handle_exception(exc))  # type: ignore[attr-defined]
        return response


class _NotDeclared(AutoSchema):
    """Answers for an operation whose ``@extend_schema`` does not name its request body."""

    def get_request_serializer(self) -> Any:
        return _NOT_DECLARED


_NOT_DECLARED = object()


def declared_body(view: Any, request: Request) -> Any:
    """The request body the view's action declares with ``@extend_schema(request=...)``: a
    serializer (class or instance), ``None`` for no body, or ``_NOT_DECLARED``."""
    handler = getattr(view, str(getattr(view, "action", "") or ""), None)
    schema_class = getattr(handler, "kwargs", {}).get("schema")
    if schema_class is None:
        return _NOT_DECLARED
    probe = type("Probe", (schema_class, _NotDeclared), {})()
    probe.view = view
    probe.method = request.method
    return probe.get_request_serializer()


class DeclaredBodyMixin:
    """One rule for every write route, before anything runs (or is charged): the body holds only
    the fields the route declares (``@extend_schema(request=...)``, the same declaration the
    OpenAPI schema shows), and none when it declares none. An unknown field is a 400
    ``VALIDATION_ERROR`` naming it, as ``StrictSerializer`` words it (routes that validate with a
    ``StrictSerializer`` are left to it, which reports every field's error at once)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._refuse_unread_media_type(request)

    def _refuse_unread_media_type(self, request: Request) -> None:
        """A body in a media type the route does not read is a 415, before anything runs
        (DRF would only notice when the body is parsed, and reads a form it cannot parse as
        empty). A body-less write may carry any Content-Type."""
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        content_type = request.content_type or ""
        has_body = int(request.META.get("CONTENT_LENGTH") or 0) > 0
        if not content_type or not (has_body or content_type.startswith("multipart/")):
            return
        parsers = self.get_parsers()  # type: ignore[attr-defined]
        if any(media_type_matches(p.media_type, content_type) for p in parsers):
            return
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            try:  # an empty form (what some clients send for "no body") is no body
                django_request = request._request
                if not django_request.POST and not django_request.FILES:
                    return
            except Exception:  # noqa: S110 - unreadable (no boundary): refused below
                pass
        raise UnsupportedMediaType(content_type)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Checked as the action starts: after everything ``initial`` decides (authentication,
        # scope, rate tier, the project of a stage route), before the action runs.
        method = str(request.method).lower()
        handler = getattr(self, method, None)
        if handler is not None and method in ("post", "put", "patch"):

            def checked(drf_request: Request, *a: Any, **kw: Any) -> Any:
                self._refuse_undeclared_fields(drf_request)
                return handler(drf_request, *a, **kw)

            setattr(self, method, checked)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def _refuse_wrong_types(self, declared: Any, request: Request) -> None:
        """JSON values of another type than declared (0 for a string or a boolean): 400, with
        the serializer's own errors for the other fields."""
        option = declared.get("application/json") if isinstance(declared, dict) else declared
        if (
            option is None
            or not (isinstance(option, type) or hasattr(option, "fields"))
            or not str(request.content_type or "").startswith("application/json")
        ):
            return
        try:
            serializer = option() if isinstance(option, type) else option
        except Exception:
            return
        if not hasattr(serializer, "fields"):
            return
        errors = wrong_types(serializer, request.data)
        if not errors:
            return
        try:
            full = type(serializer)(
                data=request.data,
                partial=request.method == "PATCH",
                context={"request": request, "view": self},
            )
            if not full.is_valid():
                errors = {**_validation_details(full.errors), **errors}
        except Exception:  # noqa: S110 - its own errors come when the route runs it
            pass
        raise ValidationFailed("Invalid input: " + ", ".join(sorted(errors)) + ".", details=errors)

    def _refuse_undeclared_fields(self, request: Request) -> None:
        declared = declared_body(self, request)
        if declared is _NOT_DECLARED:
            return
        self._refuse_wrong_types(declared, request)
        strict = isinstance(declared, StrictSerializer) or (
            isinstance(declared, type) and issubclass(declared, StrictSerializer)
        )
        if strict:
            return  # a StrictSerializer refuses unknown fields itself, with the others' errors
        data = request.data
        if not data:
            return
        if not isinstance(data, Mapping):
            raise ValidationFailed("The body must be a JSON object.")
        allowed: set[str] = set()
        # One serializer, or one per media type ({"multipart/form-data": Serializer, ...}).
        for option in declared.values() if isinstance(declared, dict) else [declared]:
            if isinstance(option, dict):  # a raw JSON schema: {"type": "object", "properties"}
                allowed |= set(option.get("properties") or {})
                continue
            if option is None or not hasattr(option, "fields"):
                continue
            serializer = option() if isinstance(option, type) else option
            fields = getattr(serializer, "fields", {})
            allowed |= {name for name, field in fields.items() if not field.read_only}
        unknown = sorted(str(key) for key in data if key not in allowed)
        if unknown:
            message = (
                "This route takes no body fields."
                if declared is None
                else "Invalid input: " + ", ".join(unknown) + "."
            )
            raise ValidationFailed(message, details={key: ["Unknown field."] for key in unknown})


class ApiViewSet(
    IdempotentPostMixin, DeclaredBodyMixin, ETagMixin, RateTierMixin, viewsets.GenericViewSet
):
    """Thin viewsets: validate, call one service, serialize.

    Every request is authenticated (bearer token, then session), checked for its scope
    (``read_scope``/``write_scope`` or the action's ``required_scope``), counted against its rate
    tier (the action's ``rate_tier``, else ``api``/``oauth_bearer``), and only then looks at its
    ``Idempotency-Key``, so a refused request never claims a key. Objects a viewset names in
    ``etag_reads``/``etag_writes`` carry an ETag (``vidflow.api.etags``).
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
