"""The "Buy credits" page: the credit packs, a Stripe Checkout per pack, recent purchases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from vidflow.errors import AppError

from . import payments
from .models import Purchase, PurchaseStatus
from .services import balance_of


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required lets only signed-in users through
    return request.user


@login_required
def buy_credits(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    returned = request.GET.get("checkout")
    if returned == "success":
        messages.success(
            request,
            "Thank you. Your credits are added as soon as Stripe confirms the payment, "
            "usually within seconds: reload this page to see them.",
        )
    elif returned == "cancelled":
        messages.info(request, "The purchase was cancelled: nothing was charged.")
    if returned:
        return redirect("billing-page")
    context = {
        "enabled": payments.purchases_enabled(),
        "packs": payments.packs(),
        "balance": balance_of(user=user),
        "purchases": [
            (p, payments.money(p.price, p.currency))
            for p in Purchase.objects.filter(account__user=user).exclude(
                status=PurchaseStatus.OPEN
            )[:10]
        ],
    }
    response = render(request, "billing/buy.html", context)
    response["Content-Security-Policy"] = "script-src 'self'; object-src 'none'; base-uri 'self'"
    return response


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    """A Stripe Checkout Session for the pack, then off to Stripe's payment page."""
    user = _user(request)
    if user.is_suspended:
        messages.error(request, "A suspended account cannot buy credits.")
        return redirect("billing-page")
    try:
        _, url = payments.checkout_create(user=user, pack_id=request.POST.get("pack", ""))
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("billing-page")
    return redirect(url)
