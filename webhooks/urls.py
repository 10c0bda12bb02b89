"""``/api/webhooks``: mounted under /api/ by vidflow.urls."""

from vidflow.api.routers import OptionalSlashRouter

from .api import WebhookViewSet

router = OptionalSlashRouter()
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = [*router.urls]
