"""The real URLconf plus a viewset with a billable handler and a suggestion handler, marked the
way the stage routes mark theirs (billing.decorators), for the rate-limit tests."""

from django.urls import include, path
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable, free_suggestion
from vidflow.api.routers import OptionalSlashRouter
from vidflow.api.views import ApiViewSet


class ProbeViewSet(ApiViewSet):
    @action(detail=False, methods=["post"], url_path="generate")
    @billable
    def generate(self, request: Request) -> Response:
        return Response({"generated": True})

    @action(detail=False, methods=["post"], url_path="write")
    def write(self, request: Request) -> Response:
        return Response({"written": True})

    @action(detail=False, methods=["post"], url_path="suggest")
    @free_suggestion
    def suggest(self, request: Request) -> Response:
        return Response({"suggested": True})


router = OptionalSlashRouter()
router.register("probe", ProbeViewSet, basename="probe")

urlpatterns = [
    path("api/", include(router.urls)),
    path("", include("vidflow.urls")),
]
