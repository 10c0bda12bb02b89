"""The webhooks pages of the web app: add and remove endpoints, see a secret once, read the
delivery log and redeliver. Server-rendered forms over the same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from vidflow.errors import AppError, NotFound
from vidflow.events import EventType

from . import selectors, services

DELIVERIES_SHOWN = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _may_write(request: HttpRequest) -> bool:
    if _user(request).is_suspended:
        messages.error(request, "Your account is suspended: webhooks cannot be changed.")
        return False
    return True


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def webhooks_page(request: HttpRequest) -> HttpResponse:
    """The list and the form to add one; after adding, the new secret, this once."""
    user = _user(request)
    context: dict[str, Any] = {
        "event_types": EventType.choices,
        "form": {"url": "", "description": "", "events": list(EventType.values)},
    }
    status = 200
    if request.method == "POST" and _may_write(request):
        url = request.POST.get("url", "").strip()
        description = request.POST.get("description", "").strip()
        events = request.POST.getlist("events")
        try:
            endpoint, secret = services.endpoint_create(
                owner=user, url=url, events=events, description=description
            )
        except AppError as exc:
            form = {"url": url, "description": description, "events": events}
            context.update(form=form, error=exc.message)
            status = 400
        else:
            context.update(created=endpoint, secret=secret)
    context["endpoints"] = list(selectors.endpoints_for(user))
    return render(request, "webhooks/webhooks.html", context, status=status)


@never_cache
@login_required
@require_GET
def webhook_page(request: HttpRequest, endpoint_id: Any) -> HttpResponse:
    return _endpoint_page(request, endpoint_id)


def _endpoint_page(
    request: HttpRequest, endpoint_id: Any, *, secret: str | None = None
) -> HttpResponse:
    try:
        endpoint = selectors.endpoint_get(owner=_user(request), endpoint_id=endpoint_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    deliveries = list(selectors.deliveries_for(endpoint)[:DELIVERIES_SHOWN])
    return render(
        request,
        "webhooks/webhook.html",
        {
            "endpoint": endpoint,
            "deliveries": deliveries,
            "secret": secret,
            "event_labels": dict(EventType.choices),
        },
    )


def _act(request: HttpRequest, endpoint_id: Any, action: Any, done: str) -> HttpResponse:
    """Run one service for a form button; its refusal becomes a message on the page."""
    if _may_write(request):
        try:
            action()
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    return redirect("webhook-page", endpoint_id=endpoint_id)


@never_cache
@login_required
@require_POST
def webhook_rotate(request: HttpRequest, endpoint_id: Any) -> HttpResponse:
    if not _may_write(request):
        return redirect("webhook-page", endpoint_id=endpoint_id)
    try:
        _endpoint, secret = services.endpoint_rotate_secret(
            endpoint_id=endpoint_id, owner=_user(request)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _endpoint_page(request, endpoint_id, secret=secret)


@login_required
@require_POST
def webhook_toggle(request: HttpRequest, endpoint_id: Any) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    return _act(
        request,
        endpoint_id,
        lambda: services.endpoint_update(
            endpoint_id=endpoint_id, owner=_user(request), changes={"enabled": enabled}
        ),
        "Turned on." if enabled else "Turned off: nothing is sent to it until you turn it on.",
    )


@login_required
@require_POST
def webhook_delete(request: HttpRequest, endpoint_id: Any) -> HttpResponse:
    if _may_write(request):
        try:
            services.endpoint_delete(endpoint_id=endpoint_id, owner=_user(request))
        except NotFound as exc:
            raise Http404(exc.message) from exc
        messages.success(request, "Webhook deleted.")
    return redirect("webhooks-page")


@login_required
@require_POST
def webhook_test(request: HttpRequest, endpoint_id: Any) -> HttpResponse:
    return _act(
        request,
        endpoint_id,
        lambda: services.endpoint_test(endpoint_id=endpoint_id, owner=_user(request)),
        "Test message queued: reload to see how it went.",
    )


@login_required
@require_POST
def webhook_redeliver(request: HttpRequest, endpoint_id: Any, delivery_id: Any) -> HttpResponse:
    return _act(
        request,
        endpoint_id,
        lambda: services.delivery_redeliver(
            endpoint_id=endpoint_id, delivery_id=delivery_id, owner=_user(request)
        ),
        "Queued again: reload to see how it went.",
    )


@login_required
@require_POST
def webhook_notices_dismiss(request: HttpRequest) -> HttpResponse:
    services.endpoint_notice_dismiss(owner=_user(request))
    return redirect("webhooks-page")
