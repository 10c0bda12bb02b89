"""A URLconf with views that fail, to prove unhandled errors never leak a traceback."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Exploding(APIView):
    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internal detail")


def exploding_plain(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail")


urlpatterns = [
    path("api/explode", Exploding.as_view()),
    path("api/explode-plain", exploding_plain),
    path("", include("vidflow.urls")),
]
