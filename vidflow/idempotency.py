"""``Idempotency-Key`` on POST, with Stripe's semantics.

The first answer to a key (success or error) is stored and replayed for 24 hours; the same key
with a different request answers 409 IDEMPOTENCY_CONFLICT; a duplicate arriving while the first is
still running waits for its answer (bounded) instead of running again.

The record and the work are one transaction (``vidflow.api.views.IdempotentPostMixin`` opens it
before the claim and commits after the answer is stored), so they are committed together or not
at all:

- the web process killed mid-request rolls back both: a retry finds no record and runs once;
- the work committed means its answer is committed too: a retry gets that answer, never a second
  run or charge, whenever it comes (there is no lock that expires and forgets it);
- a duplicate arriving while the first is running waits on the first's uncommitted row (the
  database's own lock on the unique key, released the moment the first commits or its
  connection dies), at most ``WAIT_FOR_FIRST`` seconds, then answers 409 "still in progress".

Answers that say nothing ran (429, and 5xx such as the 503 of an unreachable work queue) are not
stored: the request's transaction is rolled back and the key stays free for the retry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone

from accounts.models import User
from vidflow.errors import IdempotencyConflict, ValidationFailed

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
WAIT_FOR_FIRST = 15.0  # seconds a concurrent duplicate waits for the first answer
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired


@dataclass
class Claim:
    """This request owns the key and must store its answer."""

    record_id: int


def fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def is_stored(status_code: int) -> bool:
    """Whether an answer is the key's answer (429 and 5xx say nothing ran: retry freely)."""
    return status_code != 429 and status_code < 500


def _validate_key(key: str) -> str:
    key = key.strip()
    # Printable ASCII, as /api/schema declares it (a header value beyond ASCII is not portable).
    if not key or len(key) > 255 or not (key.isascii() and key.isprintable()):
        raise ValidationFailed(
            "Idempotency-Key must be 1 to 255 printable ASCII characters.",
            details={HEADER: ["Invalid key."]},
        )
    return key


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body or b""), status=record.status_code, content_type=record.content_type
    )
    response[REPLAY_HEADER] = "true"
    return response


def _lock_timeout(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [value])


def _still_running() -> IdempotencyConflict:
    return IdempotencyConflict(
        "A request with this Idempotency-Key is still in progress; retry shortly."
    )


def idempotency_begin(*, user: User, key: str, print_: str) -> Claim | HttpResponse:
    """Claim ``key`` for this request, or return the stored answer to replay.

    Must run inside the request's transaction (the claim is part of it). Raises
    IdempotencyConflict when the key was used for a different request, or when the first request
    with it is still running after a bounded wait.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("idempotency_begin must run inside the request's transaction")
    key = _validate_key(key)
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                # Inserting a key another open transaction holds waits for that one to end.
                _lock_timeout(f"{int(WAIT_FOR_FIRST * 1000)}ms")
                created = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=print_, locked_until=now
                )
            _lock_timeout("0")
            return Claim(created.pk)
        except IntegrityError:
            pass  # the key's record is committed: compare and replay below
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise _still_running() from None
            raise
        _lock_timeout("0")
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            continue  # purged between our insert and this read: try again
        if record.created_at < now - RETENTION:
            record.delete()
            continue
        if record.fingerprint != print_:
            raise IdempotencyConflict(
                "This Idempotency-Key was already used with a different request."
            )
        if record.state == IdempotencyRecord.State.DONE:
            return _replay(record)
        # Records are only ever committed with their answer; an older record without one may
        # have done its work, so it is never run again.
        raise _still_running()


def idempotency_finish(*, claim: Claim, response: HttpResponse) -> bool:
    """Store the answer for replay, or forget the key if the answer says nothing ran.
    Returns whether it was stored."""
    if not is_stored(response.status_code):
        IdempotencyRecord.objects.filter(pk=claim.record_id).delete()
        return False
    IdempotencyRecord.objects.filter(pk=claim.record_id).update(
        state=IdempotencyRecord.State.DONE,
        status_code=response.status_code,
        content_type=response.get("Content-Type", "application/json"),
        body=response.content,
    )
    return True


def idempotency_release(*, claim: Claim) -> None:
    IdempotencyRecord.objects.filter(pk=claim.record_id).delete()


def idempotency_purge() -> int:
    """Delete records past their 24 h retention (run periodically)."""
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - RETENTION
    ).delete()
    return deleted
