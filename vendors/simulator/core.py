"""The simulator's plumbing: requests and replies, behaviours, jobs, callback delivery.

Vendor modules (``kie.py``, ``wavespeed.py``, ...) only turn a request into a reply and a finished
job into callback requests, in their vendor's own format.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .server import Simulator


OUTCOMES = {"succeed", "fail", "truncated", "malformed", "wrong_shape"}
CALLBACKS = {"once", "twice", "never"}
SIGNATURES = {"valid", "wrong", "stale", "none"}
FORMATS = {"json_schema", "json_object", "text"}


@dataclass
class Behaviour:
    """How the simulated vendor treats a job.

    outcome: "succeed" | "fail" (OpenAI also "truncated", "malformed", "wrong_shape");
    delay: seconds until the job is done and its callback sent ("be slow");
    callback: "once" | "twice" | "never"; signature: "valid" | "wrong" | "stale" | "none".
    formats (OpenAI): the response formats the server accepts, of "json_schema", "json_object"
    and "text"; ``["json_object", "text"]`` is llama-cpp-python's server.
    """

    outcome: str = "succeed"
    delay: float = 0.0
    callback: str = "once"
    signature: str = "valid"
    error: str = "Simulated failure"
    formats: tuple[str, ...] = ("json_schema", "json_object", "text")

    def __post_init__(self) -> None:
        self.formats = tuple(self.formats)
        if not set(self.formats) <= FORMATS:
            raise ValueError(f"formats must be among {sorted(FORMATS)}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(OUTCOMES)}")
        if self.callback not in CALLBACKS:
            raise ValueError(f"callback must be one of {sorted(CALLBACKS)}")
        if self.signature not in SIGNATURES:
            raise ValueError(f"signature must be one of {sorted(SIGNATURES)}")
        self.delay = max(0.0, float(self.delay))

    def updated(self, **changes: Any) -> Behaviour:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown behaviour fields: {sorted(unknown)}")
        return Behaviour(**{**asdict(self), **changes})


@dataclass
class Fault:
    """Answer the next request with this status (or stall this long before answering it)."""

    status: int = 0
    retry_after: float | None = None
    stall: float = 0.0
    method: str = ""  # only requests with this method ("" = any)
    path: str = ""  # only requests whose path contains this ("" = any)

    def matches(self, request: SimRequest) -> bool:
        return (not self.method or request.method == self.method) and self.path in request.path


@dataclass
class SimRequest:
    method: str
    vendor: str
    path: str  # without the vendor prefix, e.g. "/api/v1/jobs/createTask"
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float = field(default_factory=time.time)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body=json.dumps(data).encode(), headers=dict(headers or {}))


@dataclass
class SimJob:
    vendor: str
    kind: str
    id: str
    behaviour: Behaviour
    callback_url: str = ""
    created: float = field(default_factory=time.time)
    request: dict[str, Any] = field(default_factory=dict)
    results: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def done_at(self) -> float:
        return self.created + self.behaviour.delay

    def done(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.done_at

    @property
    def succeeded(self) -> bool:
        return self.behaviour.outcome == "succeed"


@dataclass
class Delivery:
    """One callback the simulator sent (or holds for a test to deliver)."""

    job_id: str
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # the answer, when sent over HTTP
    error: str = ""

    def json(self) -> Any:
        return json.loads(self.body)


class SimVendor(Protocol):
    name: str

    def handle(self, sim: Simulator, request: SimRequest) -> Reply: ...

    def error(self, status: int, message: str) -> Reply: ...

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]: ...


def new_id(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex


class Faults:
    """Per-vendor queue of request faults (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = {}

    def add(self, vendor: str, fault: Fault, count: int) -> None:
        with self._lock:
            self._queues.setdefault(vendor, deque()).extend(
                Fault(**asdict(fault)) for _ in range(count)
            )

    def take(self, vendor: str, request: SimRequest) -> Fault | None:
        """The first queued fault that applies to this request (removed)."""
        with self._lock:
            queue = self._queues.get(vendor) or deque()
            for fault in queue:
                if fault.matches(request):
                    queue.remove(fault)
                    return fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
