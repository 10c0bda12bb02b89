"""Rate-limit tiers (product.md, Rate limits) on django-ratelimit's counting core.

One piece used everywhere: ``check_rate`` counts a request against a tier and returns what the
client should be told. Three adapters put it in front of views:

- ``RateTierMixin``, part of every API viewset (``vidflow.api.views.ApiViewSet``): the tier is the
  action's ``rate_tier`` (``generation`` for billable actions, ``free_suggest`` for suggestions),
  else ``oauth_bearer`` for bearer-token requests and ``api`` for the session. Keyed per user.
- ``ratelimited(...)`` for plain Django views (log-in, sign-up, the OAuth endpoints).
- ``check_rate(..., increment=False)`` to peek, for counters that only count failures (user codes).

django-ratelimit's own decorator answers 403 with no ``Retry-After``; its ``get_usage`` tells the
count and the seconds left in the window, from which we answer 429 with ``Retry-After`` and the
IETF ``RateLimit-Policy`` / ``RateLimit`` headers (draft-ietf-httpapi-ratelimit-headers):

    RateLimit-Policy: "api";q=60;w=60
    RateLimit: "api";r=0;t=42
    Retry-After: 42

Counters live in the ``default`` cache: Redis whenever ``REDIS_URL`` is set, so every web process
shares them. Windows are fixed, and staggered per key by django-ratelimit.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, get_usage
from rest_framework.request import Request

from vidflow.api.permissions import route_attr
from vidflow.errors import RateLimited

logger = logging.getLogger(__name__)

TIERS = ("auth", "api", "oauth_bearer", "generation", "free_suggest")
RATE_PATTERN = re.compile(r"^(\d+)/(\d*)([smhd])$")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# django-ratelimit hands keys whichever request it was given: Django's, or DRF's (whose
# ``user`` is the token's or the session's user, known only after DRF authenticated it).
AnyRequest = HttpRequest | Request
Key = Callable[[str, Any], str]
R = TypeVar("R", bound=HttpResponseBase)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/m"`` → (5, 60); ``"10/5m"`` → (10, 300): requests allowed, window in seconds."""
    match = RATE_PATTERN.match(rate)
    if match is None:
        raise ValueError(f"not a rate: {rate!r} (expected e.g. 5/m, 60/m, 100/h, 10/30s)")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _PERIODS[unit]


# --- keys: django-ratelimit calls key(group, request) -----------------------------------------


def client_ip(request: AnyRequest) -> str:
    """The caller's address: ``REMOTE_ADDR``, or behind a reverse proxy the header it sets
    (``RATE_LIMIT_IP_HEADER``). An IPv6 address counts as its /64, which one machine usually has
    whole."""
    meta = request.META
    candidates = (
        [meta.get(settings.RATE_LIMIT_IP_META_KEY, "")] if settings.RATE_LIMIT_IP_META_KEY else []
    )
    for address in [*candidates, meta.get("REMOTE_ADDR", "")]:
        try:
            ip = ipaddress.ip_address(str(address).strip())
        except ValueError:
            continue  # a proxy that did not set its header, or garbage in it
        prefix = 64 if ip.version == 6 else 32
        return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
    return "unknown"


def key_ip(group: str, request: AnyRequest) -> str:
    return f"ip:{client_ip(request)}"


def key_user(group: str, request: AnyRequest) -> str:
    """Per signed-in user, else per address. Never django-ratelimit's built-in ``"user"``: for an
    anonymous request that is ``str(None)``, one bucket shared by every anonymous caller."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return key_ip(group, request)


def key_client_and_ip(group: str, request: AnyRequest) -> str:
    """OAuth endpoints called without a user: public clients have no secret, so a client_id
    alone identifies nobody; paired with the address it separates one machine's CLI from
    everybody else's."""
    return f"client:{request.POST.get('client_id', '')[:100]}|{key_ip(group, request)}"


# --- counting ---------------------------------------------------------------------------------


@dataclass
class RateResult:
    """One tier's state for one key after (or without) counting this request."""

    tier: str
    limit: int
    window: int  # seconds
    count: int
    reset: int  # seconds until the window ends and the counter starts again; 1..window
    limited: bool

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Policy": f'"{self.tier}";q={self.limit};w={self.window}',
            "RateLimit": f'"{self.tier}";r={self.remaining};t={self.reset}',
        }
        if self.limited:
            headers["Retry-After"] = str(self.reset)
        return headers

    def message(self) -> str:
        return f"Too many requests; try again in {self.reset} s."


def tier_rate(tier: str) -> str:
    return str(settings.VIDFLOW_RATE_TIERS[tier])


def check_rate(
    request: AnyRequest,
    *,
    tier: str,
    key: Key,
    group: str | None = None,
    increment: bool = True,
) -> RateResult | None:
    """Count this request against ``tier`` (or only look, with ``increment=False``).

    ``group`` names the counter; requests of one tier share it unless a group is given, which
    is how log-in, sign-up, refresh and revoke each get their own 5/min. ``None`` when rate
    limiting is switched off (``RATELIMIT_ENABLE=False``) or the cache is down and
    ``RATELIMIT_FAIL_OPEN`` is set.
    """
    rate = tier_rate(tier)
    limit, window = parse_rate(rate)
    try:
        usage = _usage(
            request, group=group or f"tier:{tier}", key=key, rate=rate, increment=increment
        )
    except Exception:
        # django-ratelimit only catches socket.gaierror; a Redis that is down raises
        # redis.exceptions.ConnectionError, which would otherwise be a 500 on every request.
        logger.warning("rate-limit cache unavailable (tier %s)", tier, exc_info=True)
        if settings.RATELIMIT_FAIL_OPEN:
            return None
        usage = {"count": 0, "should_limit": True, "time_left": -1}
    if usage is None:
        return None
    time_left = int(usage["time_left"])
    # time_left is window_end - int(now), but the window's last second still belongs to it: the
    # counter starts again only once int(now) > window_end, so the first request that succeeds is
    # time_left + 1 seconds away, always within 1..window. A negative time_left means the cache
    # could not count and we fail closed: wait a whole window.
    reset = window if time_left < 0 else max(1, min(window, time_left + 1))
    return RateResult(
        tier=tier,
        limit=limit,
        window=window,
        count=int(usage["count"]),
        reset=reset,
        limited=bool(usage["should_limit"]),
    )


def _usage(request: AnyRequest, *, group: str, key: Key, rate: str, increment: bool) -> Any:
    """django-ratelimit's ``get_usage``; counting on our Redis cache (``vidflow.cache``), in one
    round trip instead of its two (``add``, then ``incr``): the same key, window and expiry."""
    cache = caches[settings.RATELIMIT_USE_CACHE]
    if not increment or not hasattr(cache, "count"):
        return get_usage(request, group=group, key=key, rate=rate, increment=increment)
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    limit, period = parse_rate(rate)
    value = key(group, request)
    window = _get_window(value, period)
    count = cache.count(_make_cache_key(group, window, rate, value, ALL), period + EXPIRATION_FUDGE)
    return {
        "count": count,
        "limit": limit,
        "should_limit": count > limit,
        "time_left": window - int(time.time()),
    }


def uncount(request: AnyRequest, *, tier: str, key: Key, group: str) -> None:
    """Give back one request counted by ``check_rate`` (same tier, key and group): for counters
    that count only failures but must count before they know (``/device``'s wrong codes: a try
    is taken first, atomically, and returned when the code was right)."""
    rate = tier_rate(tier)
    _limit, window = parse_rate(rate)
    value = key(group, request)
    cache_key = _make_cache_key(group, _get_window(value, window), rate, value, ALL)
    try:
        caches[settings.RATELIMIT_USE_CACHE].decr(cache_key)
    except Exception:  # gone (the window ended) or the cache is down: nothing to give back
        logger.debug("rate-limit: could not give back %s", group, exc_info=True)


def set_headers(response: R, result: RateResult | None) -> R:
    if result is not None:
        for name, value in result.headers().items():
            response[name] = value
    return response


# --- plain Django views -----------------------------------------------------------------------

Responder = Callable[[HttpRequest, RateResult], HttpResponse]


def page_rate_limited(request: HttpRequest, result: RateResult) -> HttpResponse:
    """The 429 a person sees in the browser (log-in, sign-up)."""
    return render(request, "rate_limited.html", {"retry_after": result.reset}, status=429)


def ratelimited(
    tier: str,
    *,
    key: Key,
    group: str,
    respond: Responder,
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Count every ``methods`` request to a plain Django view against ``tier``; over the limit,
    answer ``respond(request, result)`` (a page, or an RFC 6749 error) instead of the view.
    Responses of counted requests carry the RateLimit headers."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in methods:
                return view(request, *args, **kwargs)
            result = check_rate(request, tier=tier, key=key, group=group)
            if result is not None and result.limited:
                return set_headers(respond(request, result), result)
            return set_headers(view(request, *args, **kwargs), result)

        return wrapped

    return decorator


# --- DRF --------------------------------------------------------------------------------------


def is_bearer_request(request: Request) -> bool:
    """Authenticated by an OAuth access token (which carries scopes) rather than the session."""
    return hasattr(request.auth, "allow_scopes")


def api_tier(request: Request, view: Any) -> str:
    tier = route_attr(request, view, "rate_tier")
    if tier:
        return str(tier)
    if is_bearer_request(request):
        return "oauth_bearer"
    return "workspace" if request.method in ("GET", "HEAD", "OPTIONS") else "api"


class RateTierMixin:
    """Every API viewset is limited: DRF's throttle hook (run after authentication and
    permissions, before the action) counts the request against its tier, per user. Over the
    limit it raises 429 RATE_LIMITED; every answer carries the RateLimit headers."""

    _rate_result: RateResult | None = None

    def check_throttles(self, request: Request) -> None:
        result = check_rate(request, tier=api_tier(request, self), key=key_user)
        self._rate_result = result
        if result is not None and result.limited:
            raise RateLimited(
                result.message(),
                details={"tier": result.tier, "retryAfter": result.reset},
                headers=result.headers(),
            )

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        result = self._rate_result
        if result is not None:
            for name, value in result.headers().items():
                response.setdefault(name, value)
        return response
