"""Projects, channels and runs over HTTP. Thin: validate, call a service, serialize."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects import selectors, services
from projects.models import Channel, Run, RunStatus
from projects.serializers import (
    ChannelSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    RunSerializer,
    project_detail_data,
)
from projects.stages.publishing.services import youtube_connect_url, youtube_disconnect
from vidflow.api.views import UUID_PATTERN, ApiViewSet
from vidflow.longpoll import long_poll_slot


@extend_schema(tags=["projects"])
class ProjectViewSet(ApiViewSet):
    serializer_class = ProjectSerializer
    lookup_url_kwarg = "project_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return selectors.projects_for(self.user).select_related("channel")

    @extend_schema(responses=ProjectSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @extend_schema(request=ProjectSerializer, responses={201: ProjectDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = ProjectSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        project = services.project_create(owner=self.user, **serializer.validated_data)
        detail = selectors.project_detail(user=self.user, project_id=project.pk)
        return Response(project_detail_data(detail), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProjectDetailSerializer)
    def retrieve(self, request: Request, project_id: str) -> Response:
        detail = selectors.project_detail(user=self.user, project_id=project_id)
        return Response(project_detail_data(detail))

    @extend_schema(request=ProjectSerializer, responses=ProjectDetailSerializer)
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

    @extend_schema(responses={200: None})
    def destroy(self, request: Request, project_id: str) -> Response:
        selectors.project_get(user=self.user, project_id=project_id)
        services.project_delete(project_id=project_id, actor=self.user)
        return Response({"id": project_id, "deleted": True})


@extend_schema(tags=["channels"])
class ChannelViewSet(ApiViewSet):
    serializer_class = ChannelSerializer
    lookup_url_kwarg = "channel_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return Channel.objects.filter(owner=self.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChannelSerializer(page, many=True).data)

    @extend_schema(responses={201: ChannelSerializer})
    def create(self, request: Request) -> Response:
        serializer = ChannelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = services.channel_create(owner=self.user, **serializer.validated_data)
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, channel_id: str) -> Response:
        channel = selectors.channel_get(user=self.user, channel_id=channel_id)
        return Response(ChannelSerializer(channel).data)

    def partial_update(self, request: Request, channel_id: str) -> Response:
        selectors.channel_get(user=self.user, channel_id=channel_id)
        serializer = ChannelSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        channel = services.channel_update(
            channel_id=channel_id, actor=self.user, changes=serializer.validated_data
        )
        return Response(ChannelSerializer(channel).data)

    @extend_schema(responses={200: None})
    def destroy(self, request: Request, channel_id: str) -> Response:
        selectors.channel_get(user=self.user, channel_id=channel_id)
        services.channel_delete(channel_id=channel_id, actor=self.user)
        return Response({"id": channel_id, "deleted": True})

    @extend_schema(
        request=None,
        responses=inline_serializer("YouTubeConnect", {"authorizationUrl": serializers.URLField()}),
        description="POST: where to send the user to connect the channel to YouTube (Google "
        "consent screen); they come back to /youtube/connected. DELETE: disconnect.",
    )
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


@extend_schema(tags=["runs"])
class RunViewSet(ApiViewSet):
    serializer_class = RunSerializer
    lookup_url_kwarg = "run_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        runs = Run.objects.filter(owner=self.user)
        params = self.request.query_params
        if params.get("projectId"):
            runs = runs.filter(
                project_id=selectors.project_get(user=self.user, project_id=params["projectId"]).pk
            )
        if params.get("status") in RunStatus.values:
            runs = runs.filter(status=params["status"])
        if params.get("kind"):
            runs = runs.filter(kind=params["kind"])
        return runs

    @extend_schema(
        parameters=[
            OpenApiParameter("projectId", str, description="Only this project's runs."),
            OpenApiParameter("status", str, enum=RunStatus.values),
            OpenApiParameter("kind", str),
        ]
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "wait",
                int,
                description="Long poll: hold the answer up to this many seconds (at most 30) "
                "until the run finishes or its progress moves. One request instead of dozens, "
                "so polling clients stay far inside their rate tier. A user's long polls beyond "
                "LONG_POLL_MAX_PER_USER at once (4) answer at once.",
            )
        ]
    )
    def retrieve(self, request: Request, run_id: str) -> Response:
        wait = request.query_params.get("wait", "")
        seconds = min(int(wait), MAX_RUN_WAIT) if wait.isdigit() else 0
        with long_poll_slot(self.user.pk, seconds=seconds) as may_wait:
            run = selectors.run_wait(
                user=self.user, run_id=run_id, seconds=seconds if may_wait else 0
            )
        return Response(RunSerializer(run).data)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, run_id: str) -> Response:
        selectors.run_get(user=self.user, run_id=run_id)
        run = services.run_cancel(run_id=run_id, actor=self.user, reason="cancelled by user")
        return Response(RunSerializer(run).data)
