"""A billable route that holds the request open after charging, so a test can kill the web
process at that moment (tests/vidflow/test_idempotency_crash.py)."""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response

from billing.services import ChargePart
from projects.api.base import accepted
from projects.services import run_create_charged
from projects.stages.base import lock_project
from vidflow.api.views import ApiViewSet


class ChargeThenHang(ApiViewSet):
    """POST ``{projectId, hang, signal}``: charge one credit for a run of the project, as every
    billable route does (in a transaction of its own), then, the first time (the file ``signal``
    does not exist yet: it is made now), wait ``hang`` seconds before answering: the window in
    which the test kills the process. Later deliveries of the same body answer at once."""

    billable = True

    def create(self, request: Request) -> Response:
        with transaction.atomic():
            project = lock_project(project_id=request.data["projectId"], actor=self.user)
            run = run_create_charged(
                owner=self.user,
                kind="test.hang",
                project=project,
                parts=[ChargePart(part="test", amount=1)],
                reason="charged, then the process is killed",
            )
        signal = Path(request.data["signal"])
        if not signal.exists():
            signal.touch()
            time.sleep(float(request.data["hang"]))
        return accepted(run)


urlpatterns = [
    path("api/test/charge-then-hang", ChargeThenHang.as_view({"post": "create"})),
    path("", include("vidflow.urls")),
]
