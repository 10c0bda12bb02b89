"""A real webhook receiver on 127.0.0.1 that checks every request with the reference Standard
Webhooks library (``standardwebhooks``), as an integrator's server would."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import User
from projects.services import run_create, run_fail, run_mark_running, run_succeed
from tests.workers import QUEUE
from vidflow.celery import app as celery_app
from vidflow.workloads import all_queues
from webhooks.models import Endpoint
from webhooks.services import endpoint_create


@dataclass
class Answer:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    payload: Any  # what Webhook.verify returned, or None
    verified_with: list[str]  # which of the receiver's secrets verified it
    error: str  # the verification error when none did


class Receiver:
    """``receiver.secrets`` are each tried on every request; ``receiver.answers`` are given in
    order (then 200 "ok")."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.answers: list[Answer] = []
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver._record(self.path, headers, body)
                with receiver._lock:
                    answer = receiver.answers.pop(0) if receiver.answers else Answer()
                if answer.delay:
                    time.sleep(answer.delay)
                data = answer.body.encode()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/vidflow"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> None:
        payload, verified_with, error = None, [], "no secret"
        for secret in self.secrets:
            try:
                payload = Webhook(secret).verify(body, headers)
            except WebhookVerificationError as exc:
                error = str(exc)
            else:
                verified_with.append(secret)
        with self._lock:
            self.received.append(Received(path, headers, body, payload, verified_with, error))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def throwaway_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], int]]:
    """Tasks sent now go to queues of this test's own (no worker takes them: the default queue and
    the workload queues named after it, vidflow/workloads.py); the fixture answers how many
    messages they hold."""
    queue = f"{QUEUE}-webhooks-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    yield lambda: sum(int(broker.llen(name)) for name in all_queues(queue))
    broker.delete(*all_queues(queue))


@pytest.fixture
def allow_private(settings: Any) -> None:
    """The receiver listens on 127.0.0.1, which only WEBHOOKS_ALLOW_PRIVATE lets us call."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def endpoint_for(receiver: Receiver, allow_private: None) -> Any:
    """``endpoint_for(user, events=...)``: an endpoint of the user's at the receiver, whose
    secret the receiver then knows."""

    def make(user: User, events: list[str] | None = None) -> Endpoint:
        endpoint, secret = endpoint_create(owner=user, url=receiver.url, events=events)
        receiver.secrets.append(secret)
        return endpoint

    return make


def finished_run(user: User, *, succeed: bool = True, kind: str = "script.outline") -> Any:
    """A run of the user's that ends now (which is what emits run.succeeded / run.failed)."""
    run = run_create(owner=user, kind=kind)
    run_mark_running(run_id=run.pk)
    if succeed:
        return run_succeed(run_id=run.pk, result={"words": 42})
    return run_fail(run_id=run.pk, code="VENDOR_ERROR", message="The vendor failed.")
