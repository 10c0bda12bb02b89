"""The user's balance and ledger, the price list, credit packs and Stripe Checkout, and Stripe's
webhook."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http.request import RawPostDataException
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vidflow.api.exceptions import ValidationFailed
from vidflow.api.schema import also_answers, examples
from vidflow.api.views import ApiViewSet

from . import payments
from .models import LedgerEntry, Purchase
from .prices import price_list
from .serializers import (
    BalanceSerializer,
    CheckoutSerializer,
    LedgerEntrySerializer,
    PriceListSerializer,
    PurchaseSerializer,
)
from .services import balance_of

_PAID = {
    "id": 41,
    "pack": "creator",
    "credits": 500,
    "price": 1000,
    "currency": "usd",
    "status": "paid",
    "createdAt": "2026-11-30T09:02:11.400000Z",
    "paidAt": "2026-11-30T09:03:52.981000Z",
    "refundedAt": None,
}


@extend_schema(tags=["billing"])
class BillingViewSet(ApiViewSet):
    read_scope = "billing:read"
    write_scope = "billing:read"
    serializer_class = LedgerEntrySerializer

    def get_queryset(self) -> Any:
        return LedgerEntry.objects.filter(account__user=self.user)

    @extend_schema(
        responses=BalanceSerializer,
        examples=examples(
            response={"balance": 94, "prices": {"script.outline": 1, "render": 3, "music": 1}}
        ),
    )
    @action(detail=False, methods=["get"])
    def balance(self, request: Request) -> Response:
        return Response({"balance": balance_of(user=self.user), "prices": settings.CREDIT_PRICES})

    @extend_schema(
        responses=LedgerEntrySerializer(many=True),
        examples=examples(
            response={
                "id": 318,
                "kind": "refund",
                "amount": 7,
                "balanceAfter": 94,
                "reason": "Refund: shots.generate cancelled",
                "part": "shot.image",
                "runId": "9e4d2b18-7a3c-4f5e-b1d6-8c0a2e4f6b93",
                "shotId": None,
                "reversesId": 311,
                "purchaseId": None,
                "createdAt": "2026-11-30T09:52:03.101000Z",
            }
        ),
    )
    @action(detail=False, methods=["get"])
    def transactions(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            name="CreditPacks",
            fields={
                "enabled": serializers.BooleanField(
                    help_text="False when this server has no Stripe settings."
                ),
                "packs": serializers.ListField(child=serializers.DictField()),
            },
        ),
        examples=examples(
            response={
                "enabled": True,
                "packs": [
                    {
                        "id": "starter",
                        "name": "Starter",
                        "credits": 100,
                        "price": 300,
                        "currency": "usd",
                        "priceDisplay": "$3.00",
                        "perCredit": 0.03,
                    }
                ],
            }
        ),
    )
    @action(detail=False, methods=["get"])
    def packs(self, request: Request) -> Response:
        """The credit packs for sale, and whether purchases are on."""
        return Response(
            {
                "enabled": payments.purchases_enabled(),
                "packs": [p.as_dict() for p in payments.packs()],
            }
        )

    @extend_schema(responses=PurchaseSerializer(many=True), examples=examples(response=_PAID))
    @action(detail=False, methods=["get"])
    def purchases(self, request: Request) -> Response:
        page = self.paginate_queryset(Purchase.objects.filter(account__user=self.user))
        return self.get_paginated_response(PurchaseSerializer(page, many=True).data)

    @extend_schema(
        request=CheckoutSerializer,
        responses={
            201: inline_serializer(
                name="CheckoutSession",
                fields={
                    "url": serializers.URLField(help_text="Stripe's payment page: send the buyer"),
                    "purchase": PurchaseSerializer(),
                },
            )
        },
        examples=examples(
            request={"pack": "creator"},
            response={
                "url": "https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4e5F6",
                "purchase": {**_PAID, "status": "open", "paidAt": None},
            },
            status=201,
        ),
    )
    @also_answers(502, 503)
    @action(detail=False, methods=["post"])
    def checkout(self, request: Request) -> Response:
        """A Stripe Checkout Session for one pack; its credits arrive with Stripe's webhook."""
        body = CheckoutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        purchase, url = payments.checkout_create(
            user=self.user,
            pack_id=body.validated_data["pack"],
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        return Response(
            {"url": url, "purchase": PurchaseSerializer(purchase).data},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["billing"])
class PricesViewSet(ApiViewSet):
    """``GET /api/prices``: the one price table, each billable action with its unit."""

    read_scope = "projects:read"
    serializer_class = PriceListSerializer
    pagination_class = None  # one object, not a list (its action is named ``list`` by the router)

    @extend_schema(
        responses=set_override(PriceListSerializer(), "many", False),
        examples=examples(
            response={
                "prices": [
                    {
                        "action": "script.outline",
                        "credits": 1,
                        "unit": "outline",
                        "description": "Write the outline (chapters and beats)",
                    },
                    {
                        "action": "render",
                        "credits": 3,
                        "unit": "render",
                        "description": "Render final.mp4",
                    },
                ],
                "signupCredits": 50,
                "purchasesEnabled": True,
            }
        ),
    )
    def list(self, request: Request) -> Response:
        return Response(
            {
                "prices": price_list(),
                "signupCredits": settings.SIGNUP_CREDITS,
                "purchasesEnabled": payments.purchases_enabled(),
            }
        )


class StripeWebhookView(APIView):
    """``POST /api/stripe/webhook``: Stripe's signed events (checkout.session.completed, ...).

    No session, no token: the ``Stripe-Signature`` header is the proof (400 without a valid
    one, so Stripe retries nothing forged). A replay answers 200 and changes nothing.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        tags=["billing"],
        request=None,
        responses=inline_serializer(
            name="StripeWebhookAck",
            fields={
                "received": serializers.BooleanField(),
                "duplicate": serializers.BooleanField(),
                "outcome": serializers.CharField(),
            },
        ),
        examples=examples(response={"received": True, "duplicate": False, "outcome": "credited"}),
    )
    def post(self, request: Request) -> Response:
        """Called by Stripe, not by clients: a signed event (``Stripe-Signature``); a
        completed Checkout Session credits its purchase once, however often it is sent."""
        try:
            payload = request._request.body
        except RawPostDataException:  # a form body, already parsed: Stripe sends JSON
            raise ValidationFailed("Unreadable Stripe event: Stripe sends a JSON body.") from None
        return Response(
            payments.webhook_handle(
                payload=payload, signature=request.headers.get("Stripe-Signature")
            )
        )
