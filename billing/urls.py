from django.urls import path

from vidflow.api.routers import OptionalSlashRouter

from .api import BillingViewSet, PricesViewSet, StripeWebhookView

router = OptionalSlashRouter()
router.register("billing", BillingViewSet, basename="billing")
router.register("prices", PricesViewSet, basename="prices")

urlpatterns = [
    *router.urls,
    path("stripe/webhook", StripeWebhookView.as_view(), name="stripe-webhook"),
]
