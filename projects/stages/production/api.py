"""Production routes: the shot plan, shots, and generating them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable, queues_work
from projects import examples as ex
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Run, Shot
from projects.serializers import RunSerializer
from vidflow.api.pagination import WholeListPagination, whole_list
from vidflow.api.schema import examples
from vidflow.errors import NotFound

from . import services as stage
from . import uploads
from .serializers import (
    GenerateRequestSerializer,
    PlanRequestSerializer,
    ShotEditSerializer,
    ShotRunSerializer,
    ShotSerializer,
    _task_ids,
)


@extend_schema(tags=["production"], parameters=[PROJECT_ID])
class ShotsViewSet(StageViewSet):
    serializer_class = ShotSerializer
    pagination_class = WholeListPagination
    etag_reads = frozenset({"retrieve"})
    etag_writes = {"partial_update": "retrieve"}

    def _shots(self) -> Any:
        return (
            Shot.objects.filter(project=self.project())
            .select_related("project")
            .prefetch_related("characters")
            .order_by("position")
        )

    def _shot(self, shot_id: str) -> Shot:

        shot = self._shots().filter(pk=shot_id).first()
        if shot is None:
            raise NotFound("Shot not found.")
        return shot

    @extend_schema(
        request=PlanRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(request={"replace": False}, response=ex.accepted("shots.plan")),
    )
    @queues_work
    def plan(self, request: Request, project_id: str) -> Response:
        body = PlanRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.shots_plan(
            project_id=self.project().pk, actor=self.user, replace=body.validated_data["replace"]
        )
        return accepted(run)

    @extend_schema(responses=ShotSerializer(many=True), examples=examples(response=ex.SHOT))
    def list(self, request: Request, project_id: str) -> Response:
        shots = list(self._shots())
        return whole_list(ShotSerializer(shots, many=True, context={"jobs": _task_ids(shots)}).data)

    @extend_schema(responses=ShotSerializer, examples=examples(response=ex.SHOT))
    def retrieve(self, request: Request, project_id: str, shot_id: str) -> Response:
        return Response(ShotSerializer(self._shot(shot_id)).data)

    @extend_schema(
        request=ShotEditSerializer,
        responses=ShotSerializer,
        examples=examples(
            request={
                "kind": "video",
                "prompt": "Voyager 1 drifting past the heliopause, slow push in",
                "characterIds": [],
                "locationId": None,
                "transitionIn": "crossfade",
            },
            response={
                **ex.SHOT,
                "kind": "video",
                "prompt": "Voyager 1 drifting past the heliopause, slow push in",
                "transitionIn": "crossfade",
                "stale": True,
            },
        ),
    )
    def partial_update(self, request: Request, project_id: str, shot_id: str) -> Response:
        body = ShotEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stage.shot_edit(
            project_id=self.project().pk,
            actor=self.user,
            shot_id=shot_id,
            changes=dict(body.validated_data),
        )
        return Response(ShotSerializer(self._shot(shot_id)).data)

    @extend_schema(
        request=GenerateRequestSerializer,
        responses=ShotRunSerializer,
        examples=examples(
            request={"asyncVideo": True},
            response={
                **ex.accepted("shots.generate", charged=1),
                "shot": {**ex.SHOT, "state": "generating_image", "imageUrl": None},
                "finished": False,
                "videoTaskId": None,
                "wavespeedTaskId": None,
            },
        ),
    )
    @billable
    def generate(self, request: Request, project_id: str, shot_id: str) -> Response:
        body = GenerateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        self._shot(shot_id)
        run = stage.shot_generate(project_id=self.project().pk, actor=self.user, shot_id=shot_id)
        if body.validated_data["asyncVideo"]:
            return self._generated(run, shot_id, finished=False)
        self.commit_before_waiting(self._generated(run, shot_id, finished=False))
        run, finished = stage.wait_for_run(run)
        return self._generated(run, shot_id, finished=finished)

    def _generated(self, run: Run, shot_id: str, *, finished: bool) -> Response:
        data = ShotSerializer(self._shot(shot_id)).data
        return Response(
            {
                "runId": str(run.pk),
                "run": RunSerializer(run).data,
                "shot": data,
                "finished": finished,
                "videoTaskId": data["videoTaskId"],
                "wavespeedTaskId": data["wavespeedTaskId"],
            }
        )

    @extend_schema(
        request=None,
        responses=AcceptedRunSerializer,
        examples=examples(response=ex.accepted("shots.generate", charged=24)),
    )
    @billable
    def generate_all(self, request: Request, project_id: str) -> Response:
        return accepted(stage.shots_generate(project_id=self.project().pk, actor=self.user))

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses=ShotSerializer,
        examples=examples(response={**ex.SHOT, "source": "upload", "state": "ready"}),
    )
    def upload_media(self, request: Request, project_id: str, shot_id: str) -> Response:
        """The creator's own picture (PNG, JPEG, WebP) or clip (MP4, WebM, MOV) as the shot's:
        free, ready at once (``source: "upload"``)."""
        project = self.project()
        self._shot(shot_id)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        with uploads.received_file(request.FILES, length) as path:
            uploads.shot_media_upload(
                project_id=project.pk, actor=self.user, shot_id=shot_id, path=path
            )
        return Response(ShotSerializer(self._shot(shot_id)).data)

    @extend_schema(
        request=None,
        responses={200: ShotSerializer},
        examples=examples(response={**ex.SHOT, "state": "planned", "imageUrl": None}),
    )
    def remove_media(self, request: Request, project_id: str, shot_id: str) -> Response:
        """Back to generation: the uploaded media goes and the shot waits to be generated."""
        uploads.shot_media_remove(project_id=self.project().pk, actor=self.user, shot_id=shot_id)
        return Response(ShotSerializer(self._shot(shot_id)).data)
