from __future__ import annotations

from rest_framework import serializers

from .models import EntryKind


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
    createdAt = serializers.DateTimeField(source="created_at")
