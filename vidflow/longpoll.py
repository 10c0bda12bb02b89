"""How many request threads long polls may hold (reliability.md, item 29).

A long poll (``GET /api/runs/{id}?wait=``) keeps its thread for up to 30 s. Unbounded, a few
clients polling hold every thread of every web process and ``/healthz`` and everybody else wait
behind them. Two caps bound it; a poll over either answers at once (as ``wait=0`` would), so the
client simply polls again:

- per process: at most ``LONG_POLL_MAX_PER_PROCESS`` at a time (the default server runs 16
  threads and lets polls hold at most 8 of them);
- per user, across processes: at most ``LONG_POLL_MAX_PER_USER``, counted in the shared cache
  (a count a dead process leaves behind ends with the key's short life). With the cache
  unreachable a poll answers at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_process_slots: threading.BoundedSemaphore | None = None
_process_slots_size = 0
_lock = threading.Lock()


def _process_semaphore() -> threading.BoundedSemaphore:
    global _process_slots, _process_slots_size
    size = int(settings.LONG_POLL_MAX_PER_PROCESS)
    with _lock:
        if _process_slots is None or _process_slots_size != size:
            _process_slots, _process_slots_size = threading.BoundedSemaphore(size), size
        return _process_slots


@contextmanager
def long_poll_slot(user_id: Any, *, seconds: float) -> Iterator[bool]:
    """Yields whether this request may hold its thread (for up to ``seconds``) or must answer
    at once."""
    if seconds <= 0:
        yield False
        return
    slots = _process_semaphore()
    if not slots.acquire(blocking=False):
        yield False
        return
    key = f"longpoll:{user_id}"
    counted = False
    try:
        try:
            cache.add(key, 0, timeout=int(seconds) + 30)
            counted = True
            mine = cache.incr(key)
        except Exception:
            logger.warning("long poll: cache unavailable, answering at once", exc_info=True)
            yield False
            return
        yield mine <= int(settings.LONG_POLL_MAX_PER_USER)
    finally:
        if counted:
            with suppress(Exception):  # expired meanwhile, or the cache went away
                cache.decr(key)
        slots.release()
