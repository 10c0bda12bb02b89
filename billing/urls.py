from vidflow.api.routers import OptionalSlashRouter

from .api import BillingViewSet

router = OptionalSlashRouter()
router.register("billing", BillingViewSet, basename="billing")

urlpatterns = router.urls
