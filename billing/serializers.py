from __future__ import annotations

from rest_framework import serializers

from vidflow.api.serializers import StrictSerializer

from .models import EntryKind, PurchaseStatus


class BalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    prices = serializers.DictField(
        child=serializers.IntegerField(), help_text="Credits per operation."
    )


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    amount = serializers.IntegerField(help_text="Signed: charges are negative.")
    balanceAfter = serializers.IntegerField(source="balance_after")
    reason = serializers.CharField()
    part = serializers.CharField()
    runId = serializers.UUIDField(source="reference", allow_null=True)
    shotId = serializers.UUIDField(source="shot_id", allow_null=True)
    reversesId = serializers.IntegerField(source="reverses_id", allow_null=True)
    purchaseId = serializers.IntegerField(
        source="purchase_id", allow_null=True, help_text="The credit pack a purchase entry adds."
    )
    createdAt = serializers.DateTimeField(source="created_at")


class CheckoutSerializer(StrictSerializer):
    pack = serializers.CharField(max_length=40, help_text="A pack id from /api/billing/packs.")


class PurchaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pack = serializers.CharField()
    credits = serializers.IntegerField()
    price = serializers.IntegerField(help_text="In the currency's smallest unit (cents).")
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=PurchaseStatus.choices)
    createdAt = serializers.DateTimeField(source="created_at")
    paidAt = serializers.DateTimeField(source="paid_at", allow_null=True)
    refundedAt = serializers.DateTimeField(source="refunded_at", allow_null=True)


class PriceSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="The billable action, e.g. shot.image.")
    credits = serializers.IntegerField(help_text="Credits per unit.")
    unit = serializers.CharField(help_text="What one unit is: shot, started minute, render, ...")
    description = serializers.CharField()


class PriceListSerializer(serializers.Serializer):
    prices = PriceSerializer(many=True)
    signupCredits = serializers.IntegerField()
    purchasesEnabled = serializers.BooleanField()
