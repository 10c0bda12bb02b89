"""Projects, channels and runs over HTTP. Thin: validate, call a service, serialize."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects import examples as ex
from projects import selectors, services
from projects.models import Channel, Run, RunKind, RunStatus
from projects.serializers import (
    ChannelSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    RunSerializer,
    project_detail_data,
)
from projects.stages.publishing.services import youtube_connect_url, youtube_disconnect
from vidflow.api.schema import also_answers, examples
from vidflow.api.serializers import DeletedSerializer, QuerySerializer
from vidflow.api.views import UUID_PATTERN, ApiViewSet
from vidflow.longpoll import long_poll_slot


@extend_schema(tags=["projects"])
class ProjectViewSet(ApiViewSet):
    serializer_class = ProjectSerializer
    etag_reads = frozenset({"retrieve"})
    etag_writes = {"partial_update": "retrieve", "destroy": "retrieve"}
    lookup_url_kwarg = "project_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return selectors.projects_for(self.user).select_related("channel")

    def etag_lock(self, **kwargs: Any) -> None:
        if self.action == "destroy":
            return  # project_delete locks the project's runs before it (the workers' order)
        projects = selectors.projects_for(self.user).select_for_update()
        projects.filter(pk=kwargs["project_id"]).first()

    @extend_schema(responses=ProjectSerializer(many=True), examples=examples(response=ex.PROJECT))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @extend_schema(
        request=ProjectSerializer,
        responses={201: ProjectDetailSerializer},
        examples=examples(request=ex.PROJECT_CREATE, response=ex.PROJECT_DETAIL, status=201),
    )
    def create(self, request: Request) -> Response:
        serializer = ProjectSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        project = services.project_create(owner=self.user, **serializer.validated_data)
        detail = selectors.project_detail(user=self.user, project_id=project.pk)
        return Response(project_detail_data(detail), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProjectDetailSerializer, examples=examples(response=ex.PROJECT_DETAIL))
    def retrieve(self, request: Request, project_id: str) -> Response:
        detail = selectors.project_detail(user=self.user, project_id=project_id)
        return Response(project_detail_data(detail))

    @extend_schema(
        request=ProjectSerializer,
        responses=ProjectDetailSerializer,
        examples=examples(
            request={"selectedTitle": "The Longest Goodbye: Voyager at 49", "targetSeconds": 480},
            response=ex.PROJECT_DETAIL,
        ),
    )
    def partial_update(self, request: Request, project_id: str) -> Response:
        selectors.project_get(user=self.user, project_id=project_id)
        serializer = ProjectSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.project_update(
            project_id=project_id, actor=self.user, changes=serializer.validated_data
        )
        detail = selectors.project_detail(user=self.user, project_id=project_id)
        return Response(project_detail_data(detail))

    @extend_schema(responses={200: DeletedSerializer}, examples=examples(response=ex.DELETED))
    def destroy(self, request: Request, project_id: str) -> Response:
        """Deletes the project with everything made for it (its files too). Answers
        ``{"id", "deleted": true}``."""
        selectors.project_get(user=self.user, project_id=project_id)
        services.project_delete(project_id=project_id, actor=self.user)
        return Response({"id": project_id, "deleted": True})


@extend_schema(tags=["channels"])
class ChannelViewSet(ApiViewSet):
    serializer_class = ChannelSerializer
    etag_reads = frozenset({"retrieve"})
    etag_writes = {"partial_update": "retrieve", "destroy": "retrieve"}
    lookup_url_kwarg = "channel_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return Channel.objects.filter(owner=self.user)

    def etag_lock(self, **kwargs: Any) -> None:
        self.get_queryset().select_for_update().filter(pk=kwargs["channel_id"]).first()

    @extend_schema(examples=examples(response=ex.CHANNEL))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChannelSerializer(page, many=True).data)

    @extend_schema(
        request=ChannelSerializer,
        responses={201: ChannelSerializer},
        examples=examples(
            request={
                k: v
                for k, v in ex.CHANNEL.items()
                if k not in ("id", "youtubeConnected", "createdAt", "updatedAt")
            },
            response=ex.CHANNEL,
            status=201,
        ),
    )
    def create(self, request: Request) -> Response:
        serializer = ChannelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = services.channel_create(owner=self.user, **serializer.validated_data)
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)

    @extend_schema(examples=examples(response=ex.CHANNEL))
    def retrieve(self, request: Request, channel_id: str) -> Response:
        channel = selectors.channel_get(user=self.user, channel_id=channel_id)
        return Response(ChannelSerializer(channel).data)

    @extend_schema(
        request=ChannelSerializer,
        responses=ChannelSerializer,
        examples=examples(request={"tone": "warm, precise"}, response=ex.CHANNEL),
    )
    def partial_update(self, request: Request, channel_id: str) -> Response:
        selectors.channel_get(user=self.user, channel_id=channel_id)
        serializer = ChannelSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        channel = services.channel_update(
            channel_id=channel_id, actor=self.user, changes=serializer.validated_data
        )
        return Response(ChannelSerializer(channel).data)

    @extend_schema(
        responses={200: DeletedSerializer},
        examples=examples(response={"id": ex.CHANNEL_ID, "deleted": True}),
    )
    def destroy(self, request: Request, channel_id: str) -> Response:
        """Deletes the channel; its projects stay, without a channel. Answers
        ``{"id", "deleted": true}``."""
        selectors.channel_get(user=self.user, channel_id=channel_id)
        services.channel_delete(channel_id=channel_id, actor=self.user)
        return Response({"id": channel_id, "deleted": True})

    @extend_schema(
        methods=["POST"],
        request=None,
        responses=inline_serializer("YouTubeConnect", {"authorizationUrl": serializers.URLField()}),
        examples=examples(
            response={
                "authorizationUrl": "https://accounts.google.com/o/oauth2/auth?response_type=code"
                "&client_id=1234.apps.googleusercontent.com&scope=https%3A%2F%2Fwww.googleapis.com"
                "%2Fauth%2Fyoutube.upload&state=Yt8xQ2vN&access_type=offline&prompt=consent"
            }
        ),
        description="Where to send the user to connect the channel to YouTube (Google consent "
        "screen); they come back to /youtube/connected.",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={
            200: inline_serializer(
                "YouTubeDisconnected",
                {"id": serializers.UUIDField(), "youtubeConnected": serializers.BooleanField()},
            )
        },
        examples=examples(response={"id": ex.CHANNEL_ID, "youtubeConnected": False}),
        description="Disconnects the channel from YouTube (its stored Google credentials "
        "are removed).",
    )
    @also_answers(503)  # YouTube is not set up on this server (no Google client)
    @action(detail=True, methods=["post", "delete"], url_path="youtube")
    def youtube(self, request: Request, channel_id: str) -> Response:
        channel = selectors.channel_get(user=self.user, channel_id=channel_id)
        if request.method == "DELETE":
            youtube_disconnect(channel_id=channel.pk, actor=self.user)
            return Response({"id": str(channel.pk), "youtubeConnected": False})
        url = youtube_connect_url(
            channel=channel, redirect_uri=request.build_absolute_uri(reverse("youtube-connected"))
        )
        return Response({"authorizationUrl": url})


MAX_RUN_WAIT = 30


class RunsQuerySerializer(QuerySerializer):
    """``GET /api/runs``'s filters; a value outside them is a 400, never ignored."""

    projectId = serializers.UUIDField(required=False, help_text="Only this project's runs.")
    status = serializers.ChoiceField(choices=RunStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=RunKind.choices, required=False)


class RunWaitQuerySerializer(QuerySerializer):
    wait = serializers.IntegerField(
        min_value=0,
        max_value=MAX_RUN_WAIT,
        required=False,
        default=0,
        help_text="Long poll: hold the answer up to this many seconds (0 to 30) until the run "
        "finishes or its progress moves. One request instead of dozens, so polling clients stay "
        "far inside their rate tier. A user's long polls beyond LONG_POLL_MAX_PER_USER at once "
        "(4) answer at once.",
    )


@extend_schema(tags=["runs"])
class RunViewSet(ApiViewSet):
    serializer_class = RunSerializer
    lookup_url_kwarg = "run_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return Run.objects.filter(owner=self.user)

    @extend_schema(parameters=[RunsQuerySerializer], examples=examples(response=ex.RUN_SUCCEEDED))
    @also_answers(404)
    def list(self, request: Request) -> Response:
        """Your runs, newest first, optionally only one project's, status or kind. An unknown
        status or kind, or a projectId that is not a UUID, is a 400; another user's project is
        a 404."""
        query = RunsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        runs = self.get_queryset()
        filters = query.validated_data
        if "projectId" in filters:
            project = selectors.project_get(user=self.user, project_id=filters["projectId"])
            runs = runs.filter(project_id=project.pk)
        if "status" in filters:
            runs = runs.filter(status=filters["status"])
        if "kind" in filters:
            runs = runs.filter(kind=filters["kind"])
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(
        parameters=[RunWaitQuerySerializer], examples=examples(response=ex.RUN_SUCCEEDED)
    )
    def retrieve(self, request: Request, run_id: str) -> Response:
        """One run: its status, progress, result or error, and its credits. With ``?wait=``
        the answer waits (up to 30 s) for the run to move."""
        query = RunWaitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        seconds = query.validated_data["wait"]
        with long_poll_slot(self.user.pk, seconds=seconds) as may_wait:
            run = selectors.run_wait(
                user=self.user, run_id=run_id, seconds=seconds if may_wait else 0
            )
        return Response(RunSerializer(run).data)

    @extend_schema(
        request=None,
        responses=RunSerializer,
        examples=examples(
            response={
                **ex.run("shots.generate", status="cancelled", charged=10),
                "creditsRefunded": 7,
                "error": {"code": "CANCELLED", "message": "cancelled by user"},
                "finishedAt": "2026-11-30T09:52:03.101000Z",
            }
        ),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, run_id: str) -> Response:
        """Cancels a queued or running run; what it did not spend is refunded. A finished run
        is a 409 INVALID_TRANSITION."""
        selectors.run_get(user=self.user, run_id=run_id)
        run = services.run_cancel(run_id=run_id, actor=self.user, reason="cancelled by user")
        return Response(RunSerializer(run).data)
