"""Exceptions: every failure the API reports becomes a ``VidflowError`` with its stable code.

The API answers ``{"success": false, "error": {"code", "message", "details"}}``; the subclass is
chosen by ``code`` (then by HTTP status for codes this client does not know), so callers can
``except NotFound`` or look at ``err.code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Quote, Run


class VidflowError(Exception):
    """An error answered by the VidFlow API (or met on the way to it)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "ERROR",
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details or {}

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}"
        fields = {k: v for k, v in self.details.items() if isinstance(v, list)}
        if fields:
            parts = (f"{k}: {' '.join(map(str, v))}" for k, v in fields.items())
            text += " (" + "; ".join(parts) + ")"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, {self.message!r})"


class TransportError(VidflowError):
    """The server could not be reached, or the connection broke (no answer to map)."""


class AuthenticationError(VidflowError):
    """401: no credentials, or a bad, expired or revoked token (sign in again)."""


class NotSignedIn(AuthenticationError):
    """No token in the environment and no stored credentials: run ``vidflow login``."""


class PermissionDenied(VidflowError):
    """403: ``FORBIDDEN``, ``INSUFFICIENT_SCOPE`` or ``ACCOUNT_SUSPENDED``."""


class NotFound(VidflowError):
    """404: no such object, or another user's."""


class ValidationError(VidflowError):
    """400: ``details`` maps each field to its messages."""


class Conflict(VidflowError):
    """409 with a code this client does not know more about."""


class InvalidTransition(Conflict):
    """409: the project's state does not allow this yet; the message says what is missing."""


class IdempotencyConflict(Conflict):
    """409: the Idempotency-Key was used for another request, or the first is still running."""


class YouTubeNotConnected(Conflict):
    """409: connect the project's channel to YouTube first."""


class InsufficientCredits(VidflowError):
    """402: not enough credits; nothing was started."""


def not_enough_credits(quote: Quote) -> InsufficientCredits:
    """The refusal for a quote the balance does not cover (nothing was spent)."""
    about = "about " if quote.estimate else ""
    return InsufficientCredits(
        f"this video needs {about}{quote.total} credits; your balance is {quote.balance}. "
        "Nothing was spent: buy credits (the web app's Buy credits page) or ask staff, then "
        "try again.",
        code="INSUFFICIENT_CREDITS",
        status=402,
        details={"required": quote.total, "balance": quote.balance},
    )


class RateLimited(VidflowError):
    """429: too many requests; ``retry_after`` says how many seconds to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ProviderUnavailable(VidflowError):
    """503: the provider for this capability is not set up or not reachable."""


class VendorError(VidflowError):
    """502: a vendor failed."""


class ServerError(VidflowError):
    """5xx: the server failed (``INTERNAL_ERROR``)."""


class OAuthError(VidflowError):
    """An OAuth endpoint's RFC 6749 error (``code`` is its ``error``, e.g. ``invalid_grant``)."""


class AuthorizationDenied(OAuthError):
    """The user denied the device authorization (``access_denied``)."""


class AuthorizationExpired(OAuthError):
    """The device code expired before it was approved (``expired_token``)."""


class RunFailed(VidflowError):
    """A run ended failed or cancelled; ``run`` is its last state, ``code`` its error code."""

    def __init__(self, run: Run) -> None:
        error = run.error
        status = run.status
        message = error.message if error else f"The run was {status}."
        super().__init__(
            f"{run.kind} {status}: {message}",
            code=error.code if error else status.upper(),
        )
        self.run = run


class RunTimeout(VidflowError):
    """A run did not end within the time the caller gave it (it may still finish)."""

    def __init__(self, run: Run, timeout: float) -> None:
        super().__init__(
            f"{run.kind} still {run.status} after {timeout:g}s (run {run.id})", code="TIMEOUT"
        )
        self.run = run


BY_CODE: dict[str, type[VidflowError]] = {
    "UNAUTHENTICATED": AuthenticationError,
    "INVALID_TOKEN": AuthenticationError,
    "INSUFFICIENT_SCOPE": PermissionDenied,
    "FORBIDDEN": PermissionDenied,
    "ACCOUNT_SUSPENDED": PermissionDenied,
    "NOT_FOUND": NotFound,
    "VALIDATION_ERROR": ValidationError,
    "INVALID_TRANSITION": InvalidTransition,
    "IDEMPOTENCY_CONFLICT": IdempotencyConflict,
    "YOUTUBE_NOT_CONNECTED": YouTubeNotConnected,
    "INSUFFICIENT_CREDITS": InsufficientCredits,
    "RATE_LIMITED": RateLimited,
    "PROVIDER_UNAVAILABLE": ProviderUnavailable,
    "VENDOR_ERROR": VendorError,
    "INTERNAL_ERROR": ServerError,
}
BY_STATUS: dict[int, type[VidflowError]] = {
    400: ValidationError,
    401: AuthenticationError,
    402: InsufficientCredits,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
    502: VendorError,
    503: ProviderUnavailable,
}


def error_class(code: str, status: int) -> type[VidflowError]:
    if code in BY_CODE:
        return BY_CODE[code]
    if status in BY_STATUS:
        return BY_STATUS[status]
    return ServerError if status >= 500 else VidflowError
