"""``Idempotency-Key`` on POST, with Stripe's semantics.

The first answer to a key (success or error) is stored and replayed for 24 hours; the same key
with a different request answers 409 IDEMPOTENCY_CONFLICT; a duplicate arriving while the first is
still running waits for its answer (bounded) instead of running again.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from accounts.models import User
from vidflow.errors import IdempotencyConflict, ValidationFailed

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
# An in-progress record whose request died (worker killed) is taken over after this long.
LOCK_TTL = timedelta(minutes=15)
WAIT_FOR_FIRST = 15.0  # seconds a concurrent duplicate waits for the first answer
_POLL = 0.1
# Answers that say the request never ran; they are not stored.
NOT_STORED = {429}


@dataclass
class Claim:
    """This request owns the key and must store its answer."""

    record_id: int


def fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def _validate_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise ValidationFailed(
            "Idempotency-Key must be 1 to 255 printable characters.",
            details={HEADER: ["Invalid key."]},
        )
    return key


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body or b""), status=record.status_code, content_type=record.content_type
    )
    response[REPLAY_HEADER] = "true"
    return response


def idempotency_begin(*, user: User, key: str, print_: str) -> Claim | HttpResponse:
    """Claim ``key`` for this request, or return the stored answer to replay.

    Raises IdempotencyConflict when the key was used for a different request, or when the first
    request with it is still running after a bounded wait.
    """
    key = _validate_key(key)
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                created = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=print_, locked_until=now + LOCK_TTL
                )
            return Claim(created.pk)
        except IntegrityError:
            pass
        with transaction.atomic():
            existing = (
                IdempotencyRecord.objects.select_for_update().filter(user=user, key=key).first()
            )
            if existing is None:
                continue  # deleted between our insert and this read: try again
            record = existing
            expired = record.created_at < now - RETENTION
            abandoned = (
                record.state == IdempotencyRecord.State.IN_PROGRESS and record.locked_until < now
            )
            if expired or abandoned:
                record.delete()
                continue
            if record.fingerprint != print_:
                raise IdempotencyConflict(
                    "This Idempotency-Key was already used with a different request."
                )
            if record.state == IdempotencyRecord.State.DONE:
                return _replay(record)
        if time.monotonic() >= deadline:
            raise IdempotencyConflict(
                "A request with this Idempotency-Key is still in progress; retry shortly."
            )
        time.sleep(_POLL)


def idempotency_finish(*, claim: Claim, response: HttpResponse) -> None:
    """Store the answer for replay, or release the key if the answer says nothing ran."""
    if response.status_code in NOT_STORED:
        IdempotencyRecord.objects.filter(pk=claim.record_id).delete()
        return
    IdempotencyRecord.objects.filter(pk=claim.record_id).update(
        state=IdempotencyRecord.State.DONE,
        status_code=response.status_code,
        content_type=response.get("Content-Type", "application/json"),
        body=response.content,
    )


def idempotency_release(*, claim: Claim) -> None:
    IdempotencyRecord.objects.filter(pk=claim.record_id).delete()


def idempotency_purge() -> int:
    """Delete records past their 24 h retention (run periodically)."""
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - RETENTION
    ).delete()
    return deleted
