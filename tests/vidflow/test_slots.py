"""Worker slots per user, counted in the real Redis: a cap holds across holders, a released slot
is free at once, a slot whose holder died expires by itself, and a living holder keeps it."""

from __future__ import annotations

import threading
from contextlib import ExitStack
from typing import Any

import pytest

from tests.workers import wait_for
from vidflow import slots
from vidflow.slots import held, user_slot


@pytest.fixture(autouse=True)
def _needs_redis(settings: Any) -> None:
    if not settings.REDIS_URL:
        pytest.skip("worker slots are counted in Redis (REDIS_URL)")


def test_a_user_holds_at_most_the_cap() -> None:
    with ExitStack() as stack:
        taken = [stack.enter_context(user_slot("u1", cap=2)) for _ in range(3)]
        other = stack.enter_context(user_slot("u2", cap=2))

        assert taken == [True, True, False]
        assert other is True  # another user's slots are their own
        assert held("u1") == 2
    assert held("u1") == 0  # released on leaving


def test_a_released_slot_is_free_at_once() -> None:
    with user_slot("u1", cap=1) as first:
        assert first
        with user_slot("u1", cap=1) as second:
            assert not second
    with user_slot("u1", cap=1) as again:
        assert again


def test_a_dead_holders_slot_expires_by_itself() -> None:
    # A worker killed mid-task: it took the slot and then neither renewed nor released it.
    client = slots._redis()
    assert client is not None
    client.eval(slots._ACQUIRE, 1, slots._key("u1"), 1, 1, "killed-worker")
    with user_slot("u1", cap=1) as taken:
        assert not taken

    wait_for(lambda: held("u1") == 0, timeout=10, message="the dead holder's slot never expired")
    with user_slot("u1", cap=1) as taken:
        assert taken


def test_a_task_sent_again_takes_back_the_slot_its_dead_delivery_held() -> None:
    """A pool process killed mid-task (its task requeued under the same id): the new delivery
    takes its own slot back at once rather than wait for it to expire; other tasks still wait."""
    client = slots._redis()
    assert client is not None
    client.eval(slots._ACQUIRE, 1, slots._key("u1"), 60, 1, "task-1")  # held by a dead process

    with user_slot("u1", cap=1, token="task-2") as other:
        assert not other
    with user_slot("u1", cap=1, token="task-1") as again:
        assert again
        assert held("u1") == 1  # the same slot, not a second one
    assert held("u1") == 0


def test_a_living_holder_keeps_its_slot_past_the_ttl() -> None:
    stop = threading.Event()
    with user_slot("u1", cap=1, ttl=1) as taken:
        assert taken
        # three times the slot's life: renewed all along, so nobody else gets it
        for _ in range(6):
            stop.wait(0.5)
            with user_slot("u1", cap=1, ttl=1) as other:
                assert not other
    assert held("u1") == 0


def test_no_cap_means_no_counting(settings: Any) -> None:
    settings.VIDFLOW_USER_SLOTS = 0
    with ExitStack() as stack:
        assert all(stack.enter_context(user_slot("u1")) for _ in range(10))
    assert held("u1") == 0


def test_without_redis_there_is_no_cap(settings: Any) -> None:
    settings.REDIS_URL = ""
    with ExitStack() as stack:
        assert all(stack.enter_context(user_slot("u1", cap=1)) for _ in range(3))


def test_an_unreachable_redis_lets_work_run(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with user_slot("u1", cap=1) as taken:
        assert taken
