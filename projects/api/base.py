"""What every stage viewset shares: the project from the URL (owner-checked) and the answer for
an accepted asynchronous write."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from projects import selectors
from projects.models import Project, Run
from projects.serializers import RunSerializer
from vidflow.api.views import ApiViewSet

PROJECT_ID = OpenApiParameter("project_id", str, OpenApiParameter.PATH, description="Project id")


class AcceptedRunSerializer(serializers.Serializer):
    """200 for an accepted asynchronous write: poll ``GET /api/runs/{runId}``."""

    runId = serializers.UUIDField()
    run = RunSerializer()


def accepted(run: Run, **extra: Any) -> Response:
    return Response({"runId": str(run.pk), "run": RunSerializer(run).data, **extra})


class StageViewSet(ApiViewSet):
    """A stage's routes under ``/api/projects/{project_id}/...``.

    The project is resolved (owner-checked) before anything else, so another user's project is a
    404 whatever the body says — its existence never leaks through a validation error.
    """

    _project: Project

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._project = selectors.project_get(user=self.user, project_id=kwargs["project_id"])

    def project(self) -> Project:
        return self._project

    def etag_lock(self, **kwargs: Any) -> None:
        # Stage services lock the project row first; a checked write does the same.
        Project.objects.select_for_update().filter(pk=self._project.pk).first()
