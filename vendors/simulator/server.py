"""The simulator's HTTP server (stdlib ``http.server``, one thread per request) and its Python API.

Routes: ``/<vendor>/...`` imitates that vendor (kie, wavespeed, assemblyai, openai, elevenlabs,
youtube, google, stripe), ``/files/<name>`` serves result media, ``/_control/...`` changes
behaviour:

- ``POST /_control/behaviour`` ``{"vendor": "kie", "outcome": "fail", "delay": 2, "callback":
  "twice", "signature": "wrong", "next_only": true}``
- ``POST /_control/faults`` ``{"vendor": "kie", "count": 3, "status": 429, "retry_after": 1}``
  or ``{"vendor": "kie", "count": 1, "stall": 5}`` (accept the request, answer late)
- ``POST /_control/reset``; ``GET /_control/requests?vendor=kie``; ``GET /_control/callbacks``
- Stripe: ``POST /_control/stripe/pay`` ``{"session": "cs_test_...", "delayed": false}``,
  ``/_control/stripe/settle`` ``{"session", "succeeded"}``, ``/_control/stripe/expire``
  ``{"session"}``, ``/_control/stripe/resend`` ``{"event": "evt_..."}``
"""

from __future__ import annotations

import logging
import mimetypes
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import assemblyai, elevenlabs, google, kie, openai, stock, stripe, wavespeed, youtube
from .core import (
    Behaviour,
    Delivery,
    Fault,
    Faults,
    Reply,
    SimJob,
    SimRequest,
    SimVendor,
    json_reply,
    new_id,
)

logger = logging.getLogger(__name__)

DEFAULT_KEYS = {
    "kie": "sim-kie-key",
    "wavespeed": "sim-ws-key",
    "assemblyai": "sim-aai-key",
    "openai": "sim-openai-key",
    "elevenlabs": "sim-el-key",
    "youtube": "sim-yt-key",  # the API key for research; uploads use YOUTUBE_TOKEN
    "stripe": "sk_test_sim",
    "pexels": "sim-pexels-key",
    "pixabay": "sim-pixabay-key",
}
MAX_RECORDED = 5000
YOUTUBE_TOKEN = "sim-yt-token"  # noqa: S105 (a fixed test credential of the simulator)


class Simulator:
    """A vendor simulator on 127.0.0.1. ``start()`` serves in a background thread.

    ``deliver``: "http" POSTs callbacks to the URLs clients gave (``make run``); "hold" keeps them
    for a test to deliver itself (``take_callbacks``/``wait_for_callbacks``), so the test can send
    them through Django's test client inside its own transaction.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        deliver: str = "http",
        keys: dict[str, str] | None = None,
        kie_hmac_key: str = "sim-kie-hmac-key",
        wavespeed_secret: str = "whsec_sim-wavespeed-secret",  # noqa: S107 (test-only)
        youtube_token: str = YOUTUBE_TOKEN,
        stripe_webhook_secret: str = "whsec_sim",  # noqa: S107 (test-only)
        stripe_webhook_url: str = "http://127.0.0.1:8000/api/stripe/webhook",
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulator only listens on the loopback interface")
        if deliver not in ("http", "hold"):
            raise ValueError("deliver must be 'http' or 'hold'")
        self.host, self.port, self.deliver = host, port, deliver
        self.keys = {**DEFAULT_KEYS, **(keys or {})}
        self.kie_hmac_key = kie_hmac_key
        self.wavespeed_secret = wavespeed_secret
        self.youtube_token = youtube_token
        self.stripe_webhook_secret = stripe_webhook_secret
        self.stripe_webhook_url = stripe_webhook_url
        self.stripe = stripe.Stripe()
        self.vendors: dict[str, SimVendor] = {
            v.name: v
            for v in (
                kie.Kie(),
                wavespeed.WaveSpeed(),
                assemblyai.AssemblyAI(),
                openai.OpenAI(),
                elevenlabs.ElevenLabs(),
                youtube.YouTube(),
                google.Google(),
                self.stripe,
                stock.Pexels(),
                stock.Pixabay(),
            )
        }
        self.media_dir = Path(tempfile.mkdtemp(prefix="vidflow-sim-"))
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.faults = Faults()
        self._reset_state()

    # --- lifecycle ---

    def start(self) -> Simulator:
        handler = type("SimHandler", (_Handler,), {"sim": self})
        self._server = _Server((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="vendor-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        shutil.rmtree(self.media_dir, ignore_errors=True)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def vendor_url(self, vendor: str) -> str:
        return f"{self.url}/{vendor}"

    # --- control (Python API; the /_control routes call the same) ---

    def _reset_state(self) -> None:
        with self._lock:
            self.behaviours: dict[str, Behaviour] = {}
            self.next_behaviours: dict[str, list[Behaviour]] = {}
            self.jobs: dict[str, SimJob] = {}
            self.recorded: list[SimRequest] = []
            self.deliveries: list[Delivery] = []
            self.held: list[Delivery] = []
            self.files: dict[str, tuple[Path, str]] = {}
            self.state: dict[str, Any] = {}  # per-vendor scratch (uploads, sessions)
        self.faults.clear()

    def reset(self) -> None:
        """Forget jobs, recordings, behaviours and faults (media stay cached)."""
        self._reset_state()

    def behave(
        self, vendor: str, *, next_only: bool = False, kind: str = "", **changes: Any
    ) -> None:
        """Change how ``vendor`` treats jobs: from now on, or for its next job only; ``kind``
        narrows it to one kind of job (KIE: "image", "video", "music")."""
        self._vendor(vendor)
        key = f"{vendor}:{kind}" if kind else vendor
        with self._lock:
            base = self.behaviours.get(key) or self.behaviours.get(vendor, Behaviour())
            behaviour = base.updated(**changes)
            if next_only:
                self.next_behaviours.setdefault(key, []).append(behaviour)
            else:
                self.behaviours[key] = behaviour

    def fail_next(
        self,
        vendor: str,
        count: int = 1,
        *,
        status: int = 503,
        retry_after: float | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        """Answer the next ``count`` requests to ``vendor`` (those with ``method`` and a path
        containing ``path``, when given) with ``status``; nothing is done for them."""
        self._vendor(vendor)
        fault = Fault(status=status, retry_after=retry_after, method=method, path=path)
        self.faults.add(vendor, fault, count)

    def stall_next(
        self, vendor: str, seconds: float, count: int = 1, *, method: str = "", path: str = ""
    ) -> None:
        """Do the next ``count`` requests, then wait ``seconds`` before answering (a client with
        a shorter timeout sees a read timeout although the vendor accepted the request)."""
        self._vendor(vendor)
        self.faults.add(vendor, Fault(stall=seconds, method=method, path=path), count)

    def expire_upload_sessions(self, count: int = 1) -> None:
        """YouTube: the next ``count`` PUTs to an upload session find it expired (404)."""
        with self._lock:
            self.state["yt_expire"] = self.state.get("yt_expire", 0) + count

    def requests(self, vendor: str | None = None, path: str | None = None) -> list[SimRequest]:
        with self._lock:
            return [
                r
                for r in self.recorded
                if (vendor is None or r.vendor == vendor) and (path is None or path in r.path)
            ]

    def take_callbacks(self) -> list[Delivery]:
        """Held callbacks (deliver="hold"), oldest first; they are removed."""
        with self._lock:
            held, self.held = self.held, []
            return held

    def wait_for_callbacks(self, count: int = 1, timeout: float = 10.0) -> list[Delivery]:
        """Wait until ``count`` callbacks are held (or sent), then take the held ones."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.deliveries) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{len(self.deliveries)} of {count} callbacks after {timeout} s"
                    )
                self._changed.wait(remaining)
        return self.take_callbacks()

    def _vendor(self, name: str) -> SimVendor:
        try:
            return self.vendors[name]
        except KeyError:
            raise ValueError(
                f"no simulated vendor {name!r}; choose from {sorted(self.vendors)}"
            ) from None

    # --- Stripe (the buyer's side and the webhooks) ---

    def stripe_pay(self, session_id: str, *, delayed: bool = False) -> dict[str, Any]:
        """The buyer pays a Checkout Session: it completes and ``checkout.session.completed`` is
        sent (``delayed``: a payment method that settles later, so the session completes unpaid;
        ``stripe_settle`` then sends ``async_payment_succeeded``). Returns the session."""
        return self.stripe.pay(self, session_id, delayed=delayed)

    def stripe_settle(self, session_id: str, *, succeeded: bool = True) -> dict[str, Any]:
        return self.stripe.settle(self, session_id, succeeded=succeeded)

    def stripe_expire(self, session_id: str) -> dict[str, Any]:
        return self.stripe.expire(self, session_id)

    def stripe_send_event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Make an event and deliver it to the webhook endpoint (per the stripe behaviour)."""
        event = self.stripe.event(self, event_type, obj)
        behaviour = self.behaviour_for("stripe")
        if behaviour.callback != "never":
            copies = 2 if behaviour.callback == "twice" else 1
            for _ in range(copies):
                self.send(self.stripe.delivery(self, event, behaviour.signature))
        return event

    def stripe_resend(self, event_id: str, *, signature: str = "valid") -> Delivery:
        """Send an event again, freshly signed (Stripe's retries, the dashboard's Resend)."""
        event = self.stripe.stored_event(self, event_id)
        delivery = self.stripe.delivery(self, event, signature)
        self.send(delivery)
        return delivery

    def send(self, delivery: Delivery) -> None:
        """POST a callback now ("http") or hold it for the test ("hold")."""
        if self.deliver == "http":
            self._post(delivery)
        with self._changed:
            self.deliveries.append(delivery)
            if self.deliver == "hold":
                self.held.append(delivery)
            self._changed.notify_all()

    # --- for vendor modules ---

    def behaviour_for(self, vendor: str, kind: str = "") -> Behaviour:
        """How to treat a new job: a one-off behaviour queued for its kind, then for its vendor,
        else the standing one for its kind, then for its vendor."""
        with self._lock:
            for key in ([f"{vendor}:{kind}"] if kind else []) + [vendor]:
                queued = self.next_behaviours.get(key)
                if queued:
                    return queued.pop(0)
            if kind and f"{vendor}:{kind}" in self.behaviours:
                return self.behaviours[f"{vendor}:{kind}"]
            return self.behaviours.get(vendor, Behaviour())

    def add_job(self, job: SimJob) -> SimJob:
        """Keep a job and, when it has a callback URL, report it once it is done."""
        with self._lock:
            self.jobs[job.id] = job
        if job.callback_url and job.behaviour.callback != "never":
            timer = threading.Timer(max(0.05, job.behaviour.delay), self._report, args=(job,))
            timer.daemon = True
            timer.start()
        return job

    def job(self, vendor: str, job_id: str) -> SimJob | None:
        with self._lock:
            job = self.jobs.get(job_id)
        return job if job is not None and job.vendor == vendor else None

    def file_url(self, path: Path, content_type: str | None = None) -> str:
        """A URL on the simulator serving ``path`` (each result gets its own name)."""
        name = new_id("f") + path.suffix
        with self._lock:
            self.files[name] = (path, content_type or mimetypes.guess_type(path.name)[0] or "")
        return f"{self.url}/files/{name}"

    def authorized(self, vendor: str, presented: str) -> bool:
        import hmac

        return hmac.compare_digest(presented.encode(), self.keys[vendor].encode())

    # --- callbacks ---

    def _report(self, job: SimJob) -> None:
        with self._lock:
            if self.jobs.get(job.id) is not job:
                return  # forgotten by a reset: its callbacks belong to an earlier test
        try:
            deliveries = self.vendors[job.vendor].callbacks(self, job)
        except Exception:  # a simulator bug must not kill the timer thread silently
            logger.exception("building the callback for %s job %s failed", job.vendor, job.id)
            return
        if job.behaviour.callback == "twice" and deliveries:
            last = deliveries[-1]
            deliveries.append(Delivery(last.job_id, last.url, dict(last.headers), last.body))
        for delivery in deliveries:
            self.send(delivery)

    def _post(self, delivery: Delivery) -> None:
        if not delivery.url.startswith(("http://", "https://")):
            delivery.error = "not an http(s) URL"
            return
        request = urllib.request.Request(  # noqa: S310 (http(s) checked above)
            delivery.url,
            data=delivery.body,
            headers={"Content-Type": "application/json", **delivery.headers},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
                delivery.status = answer.status
        except urllib.error.HTTPError as exc:
            delivery.status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            delivery.error = str(exc)
        logger.info("callback %s -> %s %s", delivery.url, delivery.status, delivery.error)

    # --- dispatch ---

    def handle(self, request: SimRequest) -> Reply:
        if request.vendor == "files":
            self._record(request)
            return self._file(request.path.strip("/"))
        if request.vendor == "_control":
            return self._control(request)
        vendor = self.vendors.get(request.vendor)
        if vendor is None:
            return json_reply({"error": "unknown vendor"}, 404)
        self._record(request)
        fault = self.faults.take(request.vendor, request)
        if fault is not None and fault.status:
            reply = vendor.error(fault.status, "Simulated error")
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = f"{fault.retry_after:g}"
            return reply
        reply = vendor.handle(self, request)
        if fault is not None and fault.stall:
            time.sleep(fault.stall)
        return reply

    def _record(self, request: SimRequest) -> None:
        with self._lock:
            self.recorded.append(request)
            # A simulator left running under make run must not grow without bound.
            del self.recorded[:-MAX_RECORDED]
            del self.deliveries[:-MAX_RECORDED]

    def _file(self, name: str) -> Reply:
        with self._lock:
            entry = self.files.get(name)
        if entry is None or not entry[0].is_file():
            return Reply(status=404, body=b"not found", content_type="text/plain")
        path, content_type = entry
        return Reply(
            body=path.read_bytes(), content_type=content_type or "application/octet-stream"
        )

    def _control(self, request: SimRequest) -> Reply:
        body = request.json() if request.method == "POST" else None
        body = body if isinstance(body, dict) else {}
        action = request.path.strip("/")
        try:
            if action == "reset" and request.method == "POST":
                self.reset()
            elif action == "behaviour" and request.method == "POST":
                vendor = str(body.pop("vendor", ""))
                next_only = bool(body.pop("next_only", False))
                self.behave(vendor, next_only=next_only, **body)
            elif action == "faults" and request.method == "POST":
                vendor, count = str(body.get("vendor", "")), int(body.get("count", 1))
                scope = {"method": str(body.get("method", "")), "path": str(body.get("path", ""))}
                if body.get("stall"):
                    self.stall_next(vendor, float(body["stall"]), count, **scope)
                else:
                    retry_after = body.get("retry_after")
                    self.fail_next(
                        vendor,
                        count,
                        status=int(body.get("status", 503)),
                        retry_after=None if retry_after is None else float(retry_after),
                        **scope,
                    )
            elif action.startswith("stripe/") and request.method == "POST":
                what = action.removeprefix("stripe/")
                session = str(body.get("session", ""))
                if what == "pay":
                    return json_reply(self.stripe_pay(session, delayed=bool(body.get("delayed"))))
                if what == "settle":
                    return json_reply(
                        self.stripe_settle(session, succeeded=bool(body.get("succeeded", True)))
                    )
                if what == "expire":
                    return json_reply(self.stripe_expire(session))
                if what == "resend":
                    delivery = self.stripe_resend(str(body.get("event", "")))
                    return json_reply({"ok": True, "status": delivery.status})
                return json_reply({"error": f"unknown control {action}"}, 404)
            elif action == "requests" and request.method == "GET":
                return json_reply(
                    [
                        {
                            "vendor": r.vendor,
                            "method": r.method,
                            "path": r.path,
                            "query": r.query,
                            "json": r.json() if r.body[:1] in (b"{", b"[") else None,
                        }
                        for r in self.requests(request.query.get("vendor"))
                    ]
                )
            elif action == "callbacks" and request.method == "GET":
                with self._lock:
                    return json_reply(
                        [
                            {**asdict(d), "body": d.body.decode(errors="replace")}
                            for d in self.deliveries
                        ]
                    )
            else:
                return json_reply({"error": f"unknown control {request.method} {action}"}, 404)
        except (TypeError, ValueError, KeyError) as exc:
            return json_reply({"error": str(exc)}, 400)
        return json_reply({"ok": True})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            # The client gave up first (a read-timeout test, a cancelled download).
            logger.debug("client %s went away", client_address)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "VidFlowVendorSimulator/1.0"
    sim: Simulator

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        vendor, _, rest = parts.path.lstrip("/").partition("/")
        request = SimRequest(
            method=method,
            vendor=vendor,
            path="/" + rest,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            reply = self.sim.handle(request)
        except Exception as exc:  # answer like a broken vendor would, and say why in the log
            logger.exception("simulator error on %s %s", method, self.path)
            reply = json_reply({"error": f"simulator error: {exc}"}, 500)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


def start_simulator(**options: Any) -> Simulator:
    """Start a simulator on a free port in a background thread (for tests and scripts)."""
    return Simulator(**options).start()
