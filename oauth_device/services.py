"""Every write of the device flow (RFC 8628) and of the connected apps.

Device grants are django-oauth-toolkit's ``DeviceGrant`` rows; the RFC's rules that DOT leaves
out (slow_down, expiry, one decision per code, one redemption) are enforced here and in
``validators.py``, always on a row locked ``FOR UPDATE`` (IMMEDIATE transactions on SQLite).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_device_grant_model,
    get_refresh_token_model,
)

from accounts.models import User

from .models import TokenActivity
from .user_codes import generate_user_code, normalize_user_code

# RFC 8628 §3.5: each slow_down adds this to the interval, for the rest of the grant's life.
SLOW_DOWN_STEP = 5
# Last use is recorded at most this often per (user, client).
TOKEN_ACTIVITY_RESOLUTION = 60  # seconds

logger = logging.getLogger(__name__)


class UserCodeRejected(Exception):
    """The code typed on the /device page cannot be approved; ``reason`` says why."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def device_grant_create(
    *, client_id: str, scope: str, device_code: str, user_code: str, now: datetime | None = None
) -> Any:
    """Record a new device authorization. ``user_code`` is replaced if a live grant already
    shows the same code (DOT does not make the column unique). The first poll is never a
    slow_down: ``last_checked`` starts one interval in the past."""
    DeviceGrant = get_device_grant_model()
    now = now or timezone.now()
    for _ in range(5):
        if not DeviceGrant.objects.filter(user_code=user_code, expires__gt=now).exists():
            break
        user_code = generate_user_code()
    interval = settings.OAUTH_DEVICE_INTERVAL
    grant = DeviceGrant.objects.create(
        client_id=client_id,
        device_code=device_code,
        user_code=user_code,
        scope=scope,
        interval=interval,
        expires=now + timedelta(seconds=settings.OAUTH_DEVICE_CODE_SECONDS),
    )
    # last_checked is auto_now, which save() always overwrites; update() does not.
    last_checked = now - timedelta(seconds=interval)
    DeviceGrant.objects.filter(pk=grant.pk).update(last_checked=last_checked)
    grant.last_checked = last_checked
    return grant


def device_grant_poll(*, grant: Any, now: datetime) -> str | None:
    """One poll of the token endpoint (RFC 8628 §3.5), on a grant the caller has locked.

    Returns the error to answer, or ``None`` when the grant is approved and tokens may be issued.
    Expiry wins over everything (also over an approval); a denied grant stays dead; polling
    sooner than the interval raises the interval by 5 s for good.
    """
    DeviceGrant = get_device_grant_model()
    if grant.status == DeviceGrant.EXPIRED or now >= grant.expires:
        if grant.status != DeviceGrant.EXPIRED:
            grant.status = DeviceGrant.EXPIRED
            grant.save(update_fields=["status"])
        return "expired_token"
    if grant.status == DeviceGrant.DENIED:
        return "access_denied"
    if grant.status == DeviceGrant.AUTHORIZED and grant.user_id is not None:
        return None
    if now - grant.last_checked < timedelta(seconds=grant.interval):
        grant.interval += SLOW_DOWN_STEP
        grant.save(update_fields=["interval", "last_checked"])  # auto_now: last_checked = now
        return "slow_down"
    grant.save(update_fields=["last_checked"])
    return "authorization_pending"


def _pending_grant_locked(user_code: str | None, now: datetime) -> Any:
    """The grant a typed code names, locked; raises ``UserCodeRejected`` if it cannot be decided."""
    DeviceGrant = get_device_grant_model()
    code = normalize_user_code(user_code)
    grant = None
    if code is not None:
        grant = (
            DeviceGrant.objects.select_for_update()
            .filter(user_code=code)
            .order_by("-expires")
            .first()
        )
    if grant is None:
        raise UserCodeRejected(UserCodeRejected.INVALID)
    if grant.status == DeviceGrant.EXPIRED or now >= grant.expires:
        if grant.status == DeviceGrant.AUTHORIZATION_PENDING:
            grant.status = DeviceGrant.EXPIRED
            grant.save(update_fields=["status"])
        raise UserCodeRejected(UserCodeRejected.EXPIRED)
    if grant.status != DeviceGrant.AUTHORIZATION_PENDING:
        raise UserCodeRejected(UserCodeRejected.USED)
    return grant


def device_grant_check(*, user_code: str | None) -> Any:
    """The pending grant a person typed the code of (any case, hyphen optional), to show them
    what they are about to approve. Raises ``UserCodeRejected``."""
    with transaction.atomic():
        return _pending_grant_locked(user_code, timezone.now())


def device_grant_decide(*, user_code: str | None, user: User, approve: bool) -> Any:
    """Approve or deny a pending grant for ``user``. Decided once: a second decision, or one on
    an expired code, raises ``UserCodeRejected``. The grant is bound to the user who decides,
    not to whoever typed the code first."""
    DeviceGrant = get_device_grant_model()
    with transaction.atomic():
        grant = _pending_grant_locked(user_code, timezone.now())
        grant.user = user
        grant.status = DeviceGrant.AUTHORIZED if approve else DeviceGrant.DENIED
        grant.save(update_fields=["user", "status"])
    return grant


def device_grants_sweep(*, now: datetime | None = None) -> int:
    """Delete device grants that expired more than the retention ago (denied, never approved or
    never redeemed); DOT's ``cleartokens`` never does. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OAUTH_DEVICE_GRANT_RETENTION_SECONDS)
    deleted, _ = get_device_grant_model().objects.filter(expires__lt=cutoff).delete()
    return deleted


# (user id, application id) -> until when (time.monotonic()) this process need not ask the cache:
# the gate it opened itself is closed until then, or another process opened it a moment ago.
_gates_known_closed: dict[tuple[Any, Any], float] = {}
_GATE_SEEN_OPEN_FOR = 1.0  # seconds


def token_activity_record(*, access_token: Any, now: datetime | None = None) -> None:
    """Note that a token was used. Costs one upsert per (user, client) per minute: the cache's
    atomic add decides who writes. The add is a cache round trip, asked again only when this
    process's own gate has expired, or a second after it found another process's (so the last
    use is at most a second later than it could be, never written more often). With the cache
    unreachable the database decides instead (an update only of a row older than the
    resolution), so an outage of Redis costs a query, never the request."""
    if access_token.user_id is None or access_token.application_id is None:
        return
    known = (access_token.user_id, access_token.application_id)
    clock = time.monotonic()
    if _gates_known_closed.get(known, 0.0) > clock:
        return
    now = now or timezone.now()
    gate = f"oauth:used:{access_token.user_id}:{access_token.application_id}"
    try:
        first_this_minute = cache.add(gate, 1, TOKEN_ACTIVITY_RESOLUTION)
        if len(_gates_known_closed) > 10_000:
            _gates_known_closed.clear()
        _gates_known_closed[known] = clock + (
            TOKEN_ACTIVITY_RESOLUTION if first_this_minute else _GATE_SEEN_OPEN_FOR
        )
    except Exception:
        logger.warning("token activity: cache unavailable, recording in the database")
        pair = TokenActivity.objects.filter(
            user_id=access_token.user_id, application_id=access_token.application_id
        )
        cutoff = now - timedelta(seconds=TOKEN_ACTIVITY_RESOLUTION)
        if pair.filter(last_used_at__lt=cutoff).update(last_used_at=now) or pair.exists():
            return
        first_this_minute = True
    if not first_this_minute:
        return
    TokenActivity.objects.bulk_create(
        [
            TokenActivity(
                user_id=access_token.user_id,
                application_id=access_token.application_id,
                last_used_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["user", "application"],
        update_fields=["last_used_at"],
    )


def connected_app_revoke(*, user: User, client_id: str) -> int:
    """Disconnect a client from the user's account: every refresh token revoked, every access
    token deleted, and a code approved but not yet redeemed withdrawn. Returns the number of
    refresh tokens revoked (0 for a client the user never connected)."""
    application = get_application_model().objects.filter(client_id=client_id).first()
    if application is None:
        return 0
    with transaction.atomic():
        revoked = (
            get_refresh_token_model()
            .objects.filter(user=user, application=application, revoked__isnull=True)
            .update(revoked=timezone.now(), access_token=None)
        )
        get_access_token_model().objects.filter(user=user, application=application).delete()
        get_device_grant_model().objects.filter(user=user, client_id=client_id).delete()
        TokenActivity.objects.filter(user=user, application=application).delete()
    return int(revoked)
