"""Worker slots per user: a counting semaphore in Redis whose slots expire by themselves.

Fair sharing (README, "Deploying"): a user's tasks hold at most ``VIDFLOW_USER_SLOTS`` worker
slots at once, across every worker process on every machine, so one user's forty-shot
generate-all cannot hold every worker while another user's voiceover waits. A task that finds its
owner's slots taken does not run: its caller sends it again a little later (projects/tasks.py).

Each user's slots are one sorted set, ``<prefix>slots:<user id>``: a member per held slot, scored
by when it expires (the Redis server's clock, so machines' clocks never matter). Taking a slot
first drops the expired members, then adds one if fewer than the cap remain, in one script. The
holder renews its slot every third of ``VIDFLOW_USER_SLOT_TTL`` from a thread while the task
runs and removes it when the task ends; a worker killed mid-task stops renewing, and its slot
expires within ``VIDFLOW_USER_SLOT_TTL`` seconds.

Without Redis (``make run``'s embedded default: one worker) there is no cap. With Redis
unreachable a task runs rather than waits: a fairness cap never stops work.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# KEYS[1]: the user's set; ARGV: ttl seconds, cap, token. 1 when taken, 0 when all are held.
# A token still in the set is this same task's slot from a delivery whose worker died: it is
# taken back at once (a task sent again must not wait out its own dead slot).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local ttl = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[3])
   and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(ttl) + 1)
return 1
"""

# KEYS[1]: the user's set; ARGV: ttl seconds, token. 1 when renewed, 0 when it had expired.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local ttl = tonumber(ARGV[1])
local expires = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not expires or tonumber(expires) <= now then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
redis.call('EXPIRE', KEYS[1], math.ceil(ttl) + 1)
return 1
"""

# KEYS[1]: the user's set. How many slots are held now.
_HELD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
"""

_client: redis.Redis | None = None
_client_url = ""
_client_lock = threading.Lock()


def _redis() -> redis.Redis | None:
    global _client, _client_url
    url = str(settings.REDIS_URL or "")
    if not url:
        return None
    with _client_lock:
        if _client is None or _client_url != url:
            _client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            _client_url = url
        return _client


def _key(user_id: Any) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "vidflow")
    return f"{prefix}:slots:{user_id}"


def held(user_id: Any) -> int:
    """How many worker slots ``user_id`` holds now (0 without Redis)."""
    client = _redis()
    if client is None:
        return 0
    return int(client.eval(_HELD, 1, _key(user_id)))


class _Renewer(threading.Thread):
    def __init__(self, client: redis.Redis, key: str, token: str, ttl: int) -> None:
        super().__init__(name="vidflow-slot-renewer", daemon=True)
        self.client, self.key, self.token, self.ttl = client, key, token, ttl
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.ttl / 3):
            try:
                renewed = self.client.eval(_RENEW, 1, self.key, self.ttl, self.token)
            except redis.RedisError:
                logger.warning("could not renew worker slot %s", self.key, exc_info=True)
                continue
            if not renewed:
                logger.warning("worker slot %s expired while its task ran", self.key)
                return


@contextmanager
def user_slot(
    user_id: Any, *, token: str | None = None, cap: int | None = None, ttl: int | None = None
) -> Iterator[bool]:
    """Take one of ``user_id``'s worker slots for the duration of the block: yields True when
    taken (or when there is no cap), False when the user holds them all (then do not run).
    ``token`` names the slot (the task's id): a task delivered again after its worker died
    takes back the slot it held instead of waiting for it to expire."""
    cap = int(settings.VIDFLOW_USER_SLOTS if cap is None else cap)
    ttl = int(settings.VIDFLOW_USER_SLOT_TTL if ttl is None else ttl)
    client = _redis()
    if cap <= 0 or client is None:
        yield True
        return
    key, token = _key(user_id), token or uuid.uuid4().hex
    try:
        taken = bool(client.eval(_ACQUIRE, 1, key, ttl, cap, token))
    except redis.RedisError:
        logger.warning("worker slots: Redis unavailable, running without the cap", exc_info=True)
        yield True
        return
    if not taken:
        yield False
        return
    renewer = _Renewer(client, key, token, ttl)
    renewer.start()
    try:
        yield True
    finally:
        renewer.done.set()
        try:
            client.zrem(key, token)
        except redis.RedisError:
            logger.warning("could not release worker slot %s; it expires by itself", key)
