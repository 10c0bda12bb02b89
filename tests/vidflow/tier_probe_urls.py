"""The real URLconf plus a viewset with a billable action and a suggestion action, standing in
for the stage routes (which declare their tiers the same way) in the rate-limit tests."""

from django.urls import include, path
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable_action
from vidflow.api.routers import OptionalSlashRouter
from vidflow.api.views import ApiViewSet


class ProbeViewSet(ApiViewSet):
    @billable_action(detail=False, url_path="generate")
    def generate(self, request: Request) -> Response:
        return Response({"generated": True})

    @action(detail=False, methods=["post"], url_path="suggest", rate_tier="free_suggest")
    def suggest(self, request: Request) -> Response:
        return Response({"suggested": True})


router = OptionalSlashRouter()
router.register("probe", ProbeViewSet, basename="probe")

urlpatterns = [
    path("api/", include(router.urls)),
    path("", include("vidflow.urls")),
]
