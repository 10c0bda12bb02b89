"""The one error type of the code below the API: ``AppError``, framework-free.

Services, pipeline steps and providers raise an ``AppError`` subclass with a stable code from
:class:`ErrorCode`, an HTTP status, a message for people and optional structured details; the API
layer (``vidflow.api.envelope``) turns any of them into the envelope, and the pipeline's runner
turns them into a failed run's error. Nothing here knows DRF or Django, so every layer may raise
them (``vendors`` included) and the envelope needs to know no layer above ``vidflow``.
"""

from __future__ import annotations

from typing import Any

from vidflow.api.error_codes import ErrorCode


class AppError(Exception):
    """An error with a stable code, a message for people and optional structured details."""

    status_code: int = 400
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
        super().__init__(self.message)


class ValidationFailed(AppError):
    status_code = 400
    error_code = ErrorCode.VALIDATION_ERROR
    default_message = "The request is invalid."


class NotFound(AppError):
    status_code = 404
    error_code = ErrorCode.NOT_FOUND
    default_message = "Not found."


class Forbidden(AppError):
    status_code = 403
    error_code = ErrorCode.FORBIDDEN
    default_message = "You may not do this."


class AccountSuspended(AppError):
    status_code = 403
    error_code = ErrorCode.ACCOUNT_SUSPENDED
    default_message = "This account is suspended."


class InvalidTransition(AppError):
    """The state machine does not allow this now; the message says what is missing."""

    status_code = 409
    error_code = ErrorCode.INVALID_TRANSITION
    default_message = "This is not possible in the current state."


class InsufficientCredits(AppError):
    status_code = 402
    error_code = ErrorCode.INSUFFICIENT_CREDITS
    default_message = "Not enough credits."


class RateLimited(AppError):
    status_code = 429
    error_code = ErrorCode.RATE_LIMITED
    default_message = "Too many requests."


class IdempotencyConflict(AppError):
    status_code = 409
    error_code = ErrorCode.IDEMPOTENCY_CONFLICT
    default_message = "This Idempotency-Key was used with a different request."


class ProviderUnavailable(AppError):
    status_code = 503
    error_code = ErrorCode.PROVIDER_UNAVAILABLE
    default_message = "The provider for this capability is not available."


class VendorError(AppError):
    status_code = 502
    error_code = ErrorCode.VENDOR_ERROR
    default_message = "The vendor failed."


class PreconditionFailed(AppError):
    """An ``If-Match`` that names another version than the current one: someone changed the
    object since the client read it. Nothing was changed; read it again and retry."""

    status_code = 412
    error_code = ErrorCode.PRECONDITION_FAILED
    default_message = "The object changed since you read it (If-Match does not match its ETag)."


class YoutubeNotConnected(AppError):
    status_code = 409
    error_code = ErrorCode.YOUTUBE_NOT_CONNECTED
    default_message = "Connect a YouTube channel first."
