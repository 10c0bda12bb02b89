"""The OAuth endpoints (RFC 6749/8628/7009, answered exactly as the RFCs say, not in the API
envelope), the discovery documents (RFC 8414/9728), and the /device and connected-apps pages.

The endpoints subclass django-oauth-toolkit's views for their oauthlib plumbing (client
authentication, token minting and hashing, rotation, revocation) and replace only what is wrong
for RFC 8628 in DOT 3.4.1 + oauthlib 4.0.1:

- device authorization: DOT's raises TypeError on oauthlib 4.0.1's extra ``scope`` member, never
  checks the client may use the device grant, and cannot set ``expires_in``;
- device token polling: DOT's has no slow_down, never notices expiry, answers 404
  ``device_not_found`` (and 500 without a device_code), and lets a code be redeemed twice;
- the /device page: DOT's matches codes exactly (case, hyphen), binds the grant to whoever types
  the code, and does not limit wrong entries.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider import views as dot_views
from oauth2_provider.models import (
    get_application_model,
    get_device_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2 import DeviceApplicationServer

from accounts.models import User
from vidflow import ratelimit

from . import selectors, services
from .tokens import checksum
from .validators import DEVICE_GRANT_TYPE

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(error: str, description: str | None = None, *, status: int = 400) -> JsonResponse:
    """An RFC 6749 §5.2 error response."""
    body = {"error": error}
    if description:
        body["error_description"] = description
    return JsonResponse(body, status=status, headers=NO_STORE)


def oauth_rate_limited(request: HttpRequest, result: ratelimit.RateResult) -> HttpResponse:
    # RFC 6749 has no error code for this; 429 and Retry-After carry the meaning.
    return oauth_error("rate_limited", result.message(), status=429)


def _auth_tier(group: str) -> Any:
    """The auth tier for an OAuth endpoint, per client_id and address, its own counter."""
    return method_decorator(
        ratelimit.ratelimited(
            "auth", key=ratelimit.key_client_and_ip, group=group, respond=oauth_rate_limited
        ),
        name="post",
    )


class OwnCoreMixin:
    """DOT caches its oauthlib core with ``hasattr(cls, "_oauthlib_core")``, which also finds a
    core cached on the parent DOT class (another server class). Cache per class instead."""

    @classmethod
    def get_oauthlib_core(cls) -> Any:
        if "_oauthlib_core" not in cls.__dict__ or oauth2_settings.ALWAYS_RELOAD_OAUTHLIB_CORE:
            cls._oauthlib_core = cls.get_oauthlib_backend_class()(cls.get_server())  # type: ignore[attr-defined]
        return cls._oauthlib_core  # type: ignore[attr-defined]


class VidflowDeviceServer(DeviceApplicationServer):
    """oauthlib's device endpoint ignores ``expires_in`` (always 1800 s); ours is a setting."""

    def __init__(self, request_validator: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, **kwargs)
        self._expires_in = settings.OAUTH_DEVICE_CODE_SECONDS


@_auth_tier("auth:device-code")
class DeviceAuthorizationView(OwnCoreMixin, dot_views.DeviceAuthorizationView):
    """``POST /api/oauth/device/code`` (RFC 8628 §3.1-3.2)."""

    server_class = VidflowDeviceServer

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # oauthlib checks the form encoding, duplicate parameters, the client and (for
        # confidential clients) its credentials, and that the scopes are known.
        _headers, body, status = self.create_device_authorization_response(request)
        if status != 200:
            error = json.loads(body) if isinstance(body, str) else body
            client_id = request.POST.get("client_id")
            if (
                client_id
                and error.get("error") == "invalid_request"
                and "client_id" in str(error.get("error_description", ""))
            ):  # oauthlib says invalid_request for an unknown client; RFC 6749 §5.2 says:
                return oauth_error("invalid_client", "Unknown client.")
            return oauth_error(
                error.get("error", "invalid_request"), error.get("error_description"), status=status
            )
        application = get_application_model().objects.get(client_id=request.POST["client_id"])
        if not application.allows_grant_type(DEVICE_GRANT_TYPE):
            return oauth_error("unauthorized_client", "This client may not use the device flow.")
        # oauthlib 4.0.1 adds the granted scope to the response; RFC 8628 §3.2 has no such member.
        scope = body.pop("scope", None) or " ".join(settings.OAUTH2_PROVIDER["DEFAULT_SCOPES"])
        if not set(scope.split()) <= set(settings.OAUTH_SCOPES):
            return oauth_error("invalid_scope", "Unknown scope requested.")
        grant = services.device_grant_create(
            client_id=application.client_id,
            scope=scope,
            device_code=body["device_code"],
            user_code=body["user_code"],
        )
        verification_uri = oauth2_settings.OAUTH_DEVICE_VERIFICATION_URI
        return JsonResponse(
            {
                "device_code": grant.device_code,
                "user_code": grant.user_code,
                "verification_uri": verification_uri,
                "verification_uri_complete": (
                    oauth2_settings.OAUTH_DEVICE_VERIFICATION_URI_COMPLETE.format(
                        user_code=grant.user_code
                    )
                ),
                "expires_in": settings.OAUTH_DEVICE_CODE_SECONDS,
                "interval": grant.interval,
            },
            headers=NO_STORE,
        )


def _token_response(body: str, status: int, headers: dict[str, str]) -> JsonResponse:
    """oauthlib's answer as JSON. DOT's own views pass it on as text/html when oauthlib raised
    (an error answer then has no Content-Type), which no OAuth client should have to guess."""
    response = JsonResponse(json.loads(body), status=status)
    for name, value in {**headers, **NO_STORE}.items():
        if name.lower() != "content-type":
            response[name] = value
    return response


_REFRESH_FAILURES = "auth:refresh-failures"


def _refresh_counters(request: HttpRequest) -> list[tuple[ratelimit.Key, str]]:
    """What a refresh counts against (auth tier): its sign-in (the refresh token's family), so
    every CLI behind one address refreshes on its own; and the address's failed attempts, taken
    first and given back on success, so guessing tokens stays slow."""
    counters: list[tuple[ratelimit.Key, str]] = [(ratelimit.key_ip, _REFRESH_FAILURES)]
    presented = request.POST.get("refresh_token", "")
    family = (
        get_refresh_token_model()
        .objects.filter(token_checksum=checksum(presented))
        .values_list("token_family", flat=True)
        .first()
        if presented
        else None
    )
    if family is not None:
        counters.append((lambda group, request: f"family:{family}", "auth:refresh"))
    return counters


@method_decorator(
    sensitive_post_parameters("refresh_token", "device_code", "client_secret"), "post"
)
class TokenView(OwnCoreMixin, dot_views.TokenView):
    """``POST /api/oauth/token`` and ``POST /api/oauth/device/token``: one view, because RFC 8414
    has a single token_endpoint and RFC 8628 §3.4 clients poll the token endpoint."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grant_type = request.POST.get("grant_type")
        if grant_type == DEVICE_GRANT_TYPE:
            # Paced by interval and slow_down, not by a rate tier: clients poll by design.
            return self.device_flow_token_response(request, request.POST.get("device_code", ""))
        if not grant_type:
            return oauth_error("invalid_request", "Missing grant_type parameter.")
        if grant_type != "refresh_token":
            # Only the grants this server offers, refused before oauthlib sees them: its password
            # grant checks the password before the client's grant type, which would make this
            # endpoint a password oracle beside the rate-limited log-in page.
            return oauth_error("unsupported_grant_type", "Use the device flow, then refresh.")
        client_id = request.POST.get("client_id", "")
        if (
            client_id
            and "HTTP_AUTHORIZATION" not in request.META
            and not get_application_model().objects.filter(client_id=client_id).exists()
        ):
            # 400, as for the device grant: no Authorization header to challenge (RFC 6749 §5.2)
            return oauth_error("invalid_client", "Unknown client.")
        results = []
        for key, group in _refresh_counters(request):
            counted = ratelimit.check_rate(request, tier="auth", key=key, group=group)
            if counted is not None:
                results.append((key, group, counted))
        limited = [r for _, _, r in results if r.limited]
        if limited:
            for key, group, r in results:  # a refused refresh takes no try
                if not r.limited:
                    ratelimit.uncount(request, tier="auth", key=key, group=group)
            result = max(limited, key=lambda r: r.reset)
            return ratelimit.set_headers(oauth_rate_limited(request, result), result)
        _url, headers, body, status = self.create_token_response(request)
        if status == 200:  # only failures count against the address
            ratelimit.uncount(request, tier="auth", key=ratelimit.key_ip, group=_REFRESH_FAILURES)
        shown = min((r for _, _, r in results), key=lambda r: r.remaining, default=None)
        return ratelimit.set_headers(_token_response(body, status, headers), shown)

    def device_flow_token_response(
        self, request: HttpRequest, device_code: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        client_id = request.POST.get("client_id", "")
        if not device_code:
            return oauth_error("invalid_request", "Missing device_code parameter.")
        if not client_id:
            return oauth_error("invalid_request", "Missing client_id parameter.")
        if not get_application_model().objects.filter(client_id=client_id).exists():
            # 400, not 401: the client sent no Authorization header to challenge (RFC 6749 §5.2)
            return oauth_error("invalid_client", "Unknown client.")
        DeviceGrant = get_device_grant_model()
        with transaction.atomic():
            # The lock serializes polls of one device_code: a concurrent poll waits here, then
            # finds the grant gone (redeemed in this transaction) and answers invalid_grant.
            grant = (
                DeviceGrant.objects.select_for_update()
                .filter(device_code=device_code, client_id=client_id)
                .first()
            )
            if grant is None:
                return oauth_error(
                    "invalid_grant", "Unknown, already used or another client's device_code."
                )
            error = services.device_grant_poll(grant=grant, now=timezone.now())
            if error is not None:
                return oauth_error(error)
            # Approved: oauthlib authenticates the client, checks it may use this grant, asks
            # the validator again (validate_device_code), mints vfa_/vfr_ tokens and stores
            # their digests; the validator deletes the grant in this same transaction.
            _url, headers, body, status = self.create_token_response(request)
        return _token_response(body, status, headers)


@_auth_tier("auth:revoke")
@method_decorator(sensitive_post_parameters("token"), "post")
class RevokeTokenView(OwnCoreMixin, dot_views.RevokeTokenView):
    """``POST /api/oauth/revoke`` (RFC 7009): 200 for an unknown token and for another client's
    (left untouched); a refresh token takes its whole family with it (validators.py)."""


# --- discovery --------------------------------------------------------------------------------


def _absolute(name: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse(name)


def _public_json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def authorization_server_metadata(request: HttpRequest) -> JsonResponse:
    """RFC 8414, with RFC 8628's device_authorization_endpoint (DOT's document lacks it)."""
    return _public_json(
        {
            "issuer": settings.PUBLIC_BASE_URL,
            "device_authorization_endpoint": _absolute("oauth-device-code"),
            "token_endpoint": _absolute("oauth-token"),
            "revocation_endpoint": _absolute("oauth-revoke"),
            "grant_types_supported": [DEVICE_GRANT_TYPE, "refresh_token"],
            # Required by RFC 8414 and non-empty for validators (authlib); there is no
            # authorization endpoint, so the only response type is the registered "none".
            "response_types_supported": ["none"],
            "scopes_supported": list(settings.OAUTH_SCOPES),
            "token_endpoint_auth_methods_supported": ["none"],
            "revocation_endpoint_auth_methods_supported": ["none"],
            "service_documentation": _absolute("api-docs"),
        }
    )


@require_GET
def protected_resource_metadata(request: HttpRequest) -> JsonResponse:
    """RFC 9728: where this API's tokens come from and how to present them."""
    return _public_json(
        {
            "resource": settings.PUBLIC_BASE_URL,
            "authorization_servers": [settings.PUBLIC_BASE_URL],
            "scopes_supported": list(settings.OAUTH_SCOPES),
            "bearer_methods_supported": ["header"],
            "resource_name": "VidFlow API",
            "resource_documentation": _absolute("api-docs"),
        }
    )


# --- /device ----------------------------------------------------------------------------------

_REJECTIONS = {
    services.UserCodeRejected.INVALID: "That code is not valid. Check it and try again.",
    services.UserCodeRejected.EXPIRED: "That code has expired. Start again on your device.",
    services.UserCodeRejected.USED: "That code has already been used.",
}
_WRONG_CODE_GROUP = "auth:user-code"


_WRONG_CODE_KEYS = (ratelimit.key_user, ratelimit.key_ip)


def _wrong_code_counters(
    request: HttpRequest, *, increment: bool
) -> list[tuple[ratelimit.Key, ratelimit.RateResult]]:
    """Wrong codes are counted per user and per address (auth tier); right ones are free."""
    counted = [
        (
            key,
            ratelimit.check_rate(
                request, tier="auth", key=key, group=_WRONG_CODE_GROUP, increment=increment
            ),
        )
        for key in _WRONG_CODE_KEYS
    ]
    return [(key, result) for key, result in counted if result is not None]


def _give_back_try(request: HttpRequest) -> None:
    """Only wrong codes count: the try a right (or expired, or used) code took is returned."""
    for key in _WRONG_CODE_KEYS:
        ratelimit.uncount(request, tier="auth", key=key, group=_WRONG_CODE_GROUP)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required lets only signed-in users through
    return request.user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def device_page(request: HttpRequest) -> HttpResponse:
    """GET: the code form (``?user_code=`` pre-fills it). POST a code: which client asks for
    which scopes, with approve and deny. POST a code with ``action``: the decision."""
    if request.method == "GET":
        return render(
            request, "oauth_device/device.html", {"user_code": request.GET.get("user_code", "")}
        )
    user_code = request.POST.get("user_code", "")
    # Every entry takes a try first, atomically, and a right code gives it back: counting only
    # after the lookup let 30 concurrent wrong codes all pass a limit of 5.
    counted = _wrong_code_counters(request, increment=True)
    exhausted = [result for _, result in counted if result.limited]
    if exhausted:
        # A refused entry takes no try: it gives back what it took from the counter that still
        # had room (else concurrent entries, each refused by the other counter, spend the
        # user's tries without one being judged).
        for key, result in counted:
            if not result.limited:
                ratelimit.uncount(request, tier="auth", key=key, group=_WRONG_CODE_GROUP)
        result = max(exhausted, key=lambda r: r.reset)
        result.limited = True
        response = render(
            request,
            "oauth_device/device.html",
            {"user_code": user_code, "error": f"Too many wrong codes. {result.message()}"},
            status=429,
        )
        return ratelimit.set_headers(response, result)

    action = request.POST.get("action")
    try:
        if action in ("approve", "deny"):
            grant = services.device_grant_decide(
                user_code=user_code, user=_user(request), approve=action == "approve"
            )
        else:
            grant = services.device_grant_check(user_code=user_code)
    except services.UserCodeRejected as rejected:
        response = render(
            request,
            "oauth_device/device.html",
            {"user_code": user_code, "error": _REJECTIONS[rejected.reason]},
            status=400,
        )
        if rejected.reason == services.UserCodeRejected.INVALID:
            if counted:
                results = [result for _, result in counted]
                ratelimit.set_headers(response, min(results, key=lambda r: r.remaining))
        else:
            _give_back_try(request)
        return response
    _give_back_try(request)

    application = get_application_model().objects.filter(client_id=grant.client_id).first()
    client_name = application.name if application and application.name else grant.client_id
    if action in ("approve", "deny"):
        return render(
            request,
            "oauth_device/done.html",
            {"approved": action == "approve", "client_name": client_name},
        )
    return render(
        request,
        "oauth_device/confirm.html",
        {
            "user_code": grant.user_code,
            "client_name": client_name,
            "scopes": selectors.scope_lines(grant.scope),
        },
    )


# --- connected apps ---------------------------------------------------------------------------


@login_required
@require_GET
def connected_apps_page(request: HttpRequest) -> HttpResponse:
    apps = selectors.connected_apps_for(_user(request))
    return render(request, "oauth_device/connected_apps.html", {"apps": apps})


@login_required
@require_POST
def connected_app_revoke(request: HttpRequest, client_id: str) -> HttpResponse:
    if services.connected_app_revoke(user=_user(request), client_id=client_id):
        messages.success(request, "Disconnected: that app can no longer use your account.")
    else:
        messages.info(request, "That app was not connected.")
    return redirect("connected-apps")
