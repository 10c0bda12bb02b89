"""Production routes: the shot plan, shots, and generating them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable, queues_work
from projects.models import Shot, ShotKind, ShotTransition
from projects.serializers import RunSerializer
from projects.stages import production as stage
from vendors.models import VendorJob
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url

from .base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted


def _task_ids(shots: list[Shot]) -> dict[str, VendorJob]:
    """The vendor job of each shot's current video step (one query for any number of shots)."""
    jobs = VendorJob.objects.filter(
        purpose="shot.video",
        target_id__in=[s.pk for s in shots],
        run_id__in=[s.run_id for s in shots if s.run_id],
    ).exclude(external_id="")
    return {str(job.target_id): job for job in jobs}


class ShotSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ShotKind.choices)
    prompt = serializers.CharField()
    line = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()
    transitionIn = serializers.ChoiceField(source="transition_in", choices=ShotTransition.choices)
    state = serializers.CharField()
    stale = serializers.BooleanField()
    error = serializers.CharField()
    characterIds = serializers.SerializerMethodField()
    locationId = serializers.UUIDField(source="location_id", allow_null=True)
    imageUrl = serializers.SerializerMethodField()
    animatedUrl = serializers.SerializerMethodField()
    videoUrl = serializers.SerializerMethodField()
    runId = serializers.UUIDField(source="run_id", allow_null=True)
    videoTaskId = serializers.SerializerMethodField()
    wavespeedTaskId = serializers.SerializerMethodField()

    def _url(self, shot: Shot, field: str) -> str | None:
        return artifact_url(getattr(shot, field), user_id=shot.project.owner_id)

    def get_characterIds(self, shot: Shot) -> list[str]:
        return [str(c.pk) for c in shot.characters.all()]

    def get_imageUrl(self, shot: Shot) -> str | None:
        return self._url(shot, "image")

    def get_animatedUrl(self, shot: Shot) -> str | None:
        return self._url(shot, "animated")

    def get_videoUrl(self, shot: Shot) -> str | None:
        return self._url(shot, "video")

    def _job(self, shot: Shot) -> VendorJob | None:
        jobs: dict[str, VendorJob] = self.context.get("jobs") or _task_ids([shot])
        return jobs.get(str(shot.pk))

    def get_videoTaskId(self, shot: Shot) -> str | None:
        job = self._job(shot)
        return job.external_id if job and job.vendor != "wavespeed" else None

    def get_wavespeedTaskId(self, shot: Shot) -> str | None:
        job = self._job(shot)
        return job.external_id if job and job.vendor == "wavespeed" else None


class ShotEditSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ShotKind.choices, required=False)
    prompt = serializers.CharField(max_length=2000, required=False)
    transitionIn = serializers.ChoiceField(
        source="transition_in", choices=ShotTransition.choices, required=False
    )
    characterIds = serializers.ListField(
        source="characters", child=serializers.UUIDField(), max_length=10, required=False
    )
    locationId = serializers.UUIDField(source="location", allow_null=True, required=False)


class PlanRequestSerializer(StrictSerializer):
    replace = serializers.BooleanField(required=False, default=False)


class GenerateRequestSerializer(StrictSerializer):
    asyncVideo = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false: hold the request until the shot is done (bounded), then answer it.",
    )


class ShotRunSerializer(AcceptedRunSerializer):
    shot = ShotSerializer()
    finished = serializers.BooleanField()
    videoTaskId = serializers.CharField(allow_null=True)
    wavespeedTaskId = serializers.CharField(allow_null=True)


@extend_schema(tags=["production"], parameters=[PROJECT_ID])
class ShotsViewSet(StageViewSet):
    serializer_class = ShotSerializer

    def _shots(self) -> Any:
        return (
            Shot.objects.filter(project=self.project())
            .select_related("project")
            .prefetch_related("characters")
            .order_by("position")
        )

    def _shot(self, shot_id: str) -> Shot:
        from vidflow.api.exceptions import NotFound

        shot = self._shots().filter(pk=shot_id).first()
        if shot is None:
            raise NotFound("Shot not found.")
        return shot

    @extend_schema(request=PlanRequestSerializer, responses=AcceptedRunSerializer)
    @queues_work
    def plan(self, request: Request, project_id: str) -> Response:
        body = PlanRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.shots_plan(
            project_id=self.project().pk, actor=self.user, replace=body.validated_data["replace"]
        )
        return accepted(run)

    @extend_schema(responses=ShotSerializer(many=True))
    def list(self, request: Request, project_id: str) -> Response:
        shots = list(self._shots())
        return Response(ShotSerializer(shots, many=True, context={"jobs": _task_ids(shots)}).data)

    @extend_schema(responses=ShotSerializer)
    def retrieve(self, request: Request, project_id: str, shot_id: str) -> Response:
        return Response(ShotSerializer(self._shot(shot_id)).data)

    @extend_schema(request=ShotEditSerializer, responses=ShotSerializer)
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

    @extend_schema(request=GenerateRequestSerializer, responses=ShotRunSerializer)
    @billable
    def generate(self, request: Request, project_id: str, shot_id: str) -> Response:
        body = GenerateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        self._shot(shot_id)
        run = stage.shot_generate(project_id=self.project().pk, actor=self.user, shot_id=shot_id)
        finished = False
        if not body.validated_data["asyncVideo"]:
            run, finished = stage.wait_for_run(run)
        shot = self._shot(shot_id)
        data = ShotSerializer(shot).data
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

    @extend_schema(request=None, responses=AcceptedRunSerializer)
    @billable
    def generate_all(self, request: Request, project_id: str) -> Response:
        return accepted(stage.shots_generate(project_id=self.project().pk, actor=self.user))
