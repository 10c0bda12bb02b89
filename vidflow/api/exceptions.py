"""API errors raised by services and views; the exception handler turns them into envelopes.

Services raise these (not HTTP responses) so that the same rule answers the same way whether it is
reached from a viewset, a callback or a Celery task.
"""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException

from .auth import bearer_challenge
from .error_codes import ErrorCode


class ApiError(APIException):
    """An error with a stable code, a message for people and optional structured details."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    error_code: ErrorCode = ErrorCode.VALIDATION_ERROR
    default_message = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(detail=self.message, code=str(self.error_code))


class ValidationFailed(ApiError):
    status_code = status.HTTP_400_BAD_REQUEST
    error_code = ErrorCode.VALIDATION_ERROR
    default_message = "The request is invalid."


class NotFound(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    error_code = ErrorCode.NOT_FOUND
    default_message = "Not found."


class Forbidden(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    error_code = ErrorCode.FORBIDDEN
    default_message = "You may not do this."


class AccountSuspended(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    error_code = ErrorCode.ACCOUNT_SUSPENDED
    default_message = "This account is suspended."


class InsufficientScope(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    error_code = ErrorCode.INSUFFICIENT_SCOPE

    def __init__(self, scope: str) -> None:
        super().__init__(
            f"This token lacks the '{scope}' scope.",
            details={"requiredScope": scope},
            headers={"WWW-Authenticate": bearer_challenge(error="insufficient_scope", scope=scope)},
        )


class InvalidTransition(ApiError):
    """The state machine does not allow this now; the message says what is missing."""

    status_code = status.HTTP_409_CONFLICT
    error_code = ErrorCode.INVALID_TRANSITION
    default_message = "This is not possible in the current state."


class InsufficientCredits(ApiError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    error_code = ErrorCode.INSUFFICIENT_CREDITS
    default_message = "Not enough credits."


class RateLimited(ApiError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    error_code = ErrorCode.RATE_LIMITED
    default_message = "Too many requests."


class IdempotencyConflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    error_code = ErrorCode.IDEMPOTENCY_CONFLICT
    default_message = "This Idempotency-Key was used with a different request."


class ProviderUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    error_code = ErrorCode.PROVIDER_UNAVAILABLE
    default_message = "The provider for this capability is not available."


class VendorError(ApiError):
    status_code = status.HTTP_502_BAD_GATEWAY
    error_code = ErrorCode.VENDOR_ERROR
    default_message = "The vendor failed."


class YoutubeNotConnected(ApiError):
    status_code = status.HTTP_409_CONFLICT
    error_code = ErrorCode.YOUTUBE_NOT_CONNECTED
    default_message = "Connect a YouTube channel first."
