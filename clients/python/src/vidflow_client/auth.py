"""Signing in: the OAuth device flow (RFC 8628), refresh with rotation, revocation (RFC 7009),
and where the tokens are kept between runs.

The OAuth endpoints answer as the RFCs say (form-encoded requests, ``{"error": ...}`` answers),
not in the API envelope, so they are spoken here rather than through ``VidflowClient._request``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .errors import (
    AuthorizationDenied,
    AuthorizationExpired,
    OAuthError,
    RateLimited,
    TransportError,
)

CLI_CLIENT_ID = "vidflow-cli"
MCP_CLIENT_ID = "vidflow-mcp"
ALL_SCOPES = "projects:read projects:write generate publish billing:read"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: slow_down adds 5 seconds to the interval, for good
# A token this close to its expiry is refreshed before use rather than after a 401.
EXPIRY_MARGIN = 30.0


def config_dir() -> Path:
    """``$VIDFLOW_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/vidflow``, else ``~/.config/vidflow``."""
    if os.environ.get("VIDFLOW_CONFIG_DIR"):
        return Path(os.environ["VIDFLOW_CONFIG_DIR"]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "vidflow"


@dataclass
class Tokens:
    """An access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str | None = None
    expires_at: float | None = None  # epoch seconds
    scope: str = ""
    token_type: str = "Bearer"  # noqa: S105 (a token type, not a secret)

    @classmethod
    def from_response(cls, data: dict[str, Any], *, now: float | None = None) -> Tokens:
        expires_in = data.get("expires_in")
        now = time.time() if now is None else now
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=now + float(expires_in) if expires_in is not None else None,
            scope=data.get("scope", ""),
            token_type=data.get("token_type", "Bearer"),
        )

    def expired(self, *, margin: float = EXPIRY_MARGIN) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at - margin


@dataclass
class DeviceCode:
    """What the user needs to approve this device: open ``verification_uri`` and type
    ``user_code`` (or open ``verification_uri_complete``)."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int
    started_at: float = field(default_factory=time.monotonic)


if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _lock_exclusive(fd: int) -> None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:  # LK_LOCK gives up after 10 s: keep waiting
                continue

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_exclusive(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class CredentialStore:
    """Tokens on disk, one entry per (server, client id), in ``credentials.json``.

    The file is written whole to a temporary file in the same directory (mode 0600) and renamed
    over the old one, so a crash never leaves half a file and the tokens are never readable by
    other users, even for a moment.

    Several processes may share the file (two ``vidflow-mcp`` servers, the CLI beside them):
    every change, and every refresh (``VidflowClient``), happens under :meth:`locked`, an
    exclusive lock on ``credentials.json.lock`` beside it, so no process writes over another's
    entry, and a process about to refresh can read the file again first and find that another
    has just refreshed (the server rotates refresh tokens: presenting the old one again would be
    taken for a replay and end the sign-in for both).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "credentials.json"
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._lock_fd: int | None = None

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock shared by every process using this file (re-entrant in a process).
        It is released when the block ends, or by the system if the process dies."""
        with self._thread_lock:
            if self._depth == 0:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    _lock_exclusive(fd)
                except BaseException:
                    os.close(fd)
                    raise
                self._lock_fd = fd
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._lock_fd is not None:
                    fd, self._lock_fd = self._lock_fd, None
                    try:
                        _unlock(fd)
                    finally:
                        os.close(fd)

    @staticmethod
    def key(base_url: str, client_id: str) -> str:
        return f"{base_url.rstrip('/')} {client_id}"

    def _read_all(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # unreadable or corrupt: as if signed out
        return data if isinstance(data, dict) else {}

    def _write_all(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".credentials-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def load(self, base_url: str, client_id: str) -> Tokens | None:
        entry = self._read_all().get(self.key(base_url, client_id))
        if not isinstance(entry, dict) or "access_token" not in entry:
            return None
        known = Tokens.__dataclass_fields__
        return Tokens(**{k: v for k, v in entry.items() if k in known})

    def save(self, base_url: str, client_id: str, tokens: Tokens) -> None:
        with self.locked():
            data = self._read_all()
            data[self.key(base_url, client_id)] = asdict(tokens)
            self._write_all(data)

    def delete(self, base_url: str, client_id: str) -> bool:
        with self.locked():
            data = self._read_all()
            if data.pop(self.key(base_url, client_id), None) is None:
                return False
            self._write_all(data)
            return True


def _oauth_post(http: httpx.Client, path: str, form: dict[str, str]) -> dict[str, Any]:
    """POST a form to an OAuth endpoint; raise ``OAuthError`` for an RFC 6749 error answer."""
    try:
        response = http.post(path, data=form)
    except httpx.TransportError as exc:
        raise TransportError(
            f"Cannot reach {http.base_url}: {exc}", code="CONNECTION_ERROR"
        ) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 429:
        retry_after = response.headers.get("Retry-After")
        raise RateLimited(
            body.get("error_description") or "Too many requests.",
            code="rate_limited",
            status=429,
            retry_after=float(retry_after) if retry_after else None,
        )
    if response.status_code >= 400 or "error" in body:
        error = str(body.get("error") or f"http_{response.status_code}")
        description = str(body.get("error_description") or error.replace("_", " "))
        kind = {"access_denied": AuthorizationDenied, "expired_token": AuthorizationExpired}.get(
            error, OAuthError
        )
        raise kind(description, code=error, status=response.status_code, details=body)
    return dict(body)


def start_device_flow(http: httpx.Client, *, client_id: str, scope: str) -> DeviceCode:
    """Step 1 of the device flow: ask the server for a user code."""
    data = _oauth_post(http, "/api/oauth/device/code", {"client_id": client_id, "scope": scope})
    return DeviceCode(
        device_code=data["device_code"],
        user_code=data["user_code"],
        verification_uri=data["verification_uri"],
        verification_uri_complete=data.get("verification_uri_complete") or data["verification_uri"],
        expires_in=int(data.get("expires_in", 600)),
        interval=int(data.get("interval", 5)),
    )


def poll_device_token(
    http: httpx.Client,
    device: DeviceCode,
    *,
    client_id: str,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[float], None] | None = None,
) -> Tokens:
    """Step 3: poll the token endpoint until the user decides.

    Waits ``interval`` seconds before each poll; ``slow_down`` adds 5 seconds to the interval for
    the rest of the flow. Raises ``AuthorizationDenied`` (access_denied) or
    ``AuthorizationExpired`` (expired_token, or ``expires_in`` passed on our side).
    """
    interval = float(device.interval)
    deadline = device.started_at + device.expires_in
    while True:
        if time.monotonic() >= deadline:
            raise AuthorizationExpired(
                "The code expired before it was approved.", code="expired_token"
            )
        if on_wait is not None:
            on_wait(interval)
        sleep(interval)
        try:
            data = _oauth_post(
                http,
                "/api/oauth/device/token",
                {
                    "grant_type": DEVICE_GRANT,
                    "device_code": device.device_code,
                    "client_id": client_id,
                },
            )
        except OAuthError as exc:
            if exc.code == "authorization_pending":
                continue
            if exc.code == "slow_down":
                interval += SLOW_DOWN_STEP
                continue
            raise
        return Tokens.from_response(data)


def refresh_tokens(http: httpx.Client, *, client_id: str, refresh_token: str) -> Tokens:
    """Exchange a refresh token for a new pair. The server rotates: the old refresh token is
    dead afterwards (presenting it again revokes the whole sign-in), so keep the new one."""
    data = _oauth_post(
        http,
        "/api/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id},
    )
    tokens = Tokens.from_response(data)
    if tokens.refresh_token is None:
        tokens.refresh_token = refresh_token
    return tokens


def revoke_token(
    http: httpx.Client, *, client_id: str, token: str, hint: str = "refresh_token"
) -> None:
    """RFC 7009: revoking the refresh token also ends its access tokens."""
    _oauth_post(
        http, "/api/oauth/revoke", {"token": token, "client_id": client_id, "token_type_hint": hint}
    )
