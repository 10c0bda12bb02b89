"""The user's balance and ledger."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from vidflow.api.views import ApiViewSet

from .models import LedgerEntry
from .serializers import BalanceSerializer, LedgerEntrySerializer
from .services import balance_of


@extend_schema(tags=["billing"])
class BillingViewSet(ApiViewSet):
    read_scope = "billing:read"
    write_scope = "billing:read"
    serializer_class = LedgerEntrySerializer

    def get_queryset(self) -> Any:
        return LedgerEntry.objects.filter(account__user=self.user)

    @extend_schema(responses=BalanceSerializer)
    @action(detail=False, methods=["get"])
    def balance(self, request: Request) -> Response:
        return Response({"balance": balance_of(user=self.user), "prices": settings.CREDIT_PRICES})

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(detail=False, methods=["get"])
    def transactions(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)
