"""Ideation routes: title ideas, outlier (reference) videos and the channel setup."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import free_suggestion
from projects import examples as ex
from projects.api.base import PROJECT_ID, StageViewSet
from projects.models import Channel, OutlierVideo
from vidflow.api.pagination import WholeListPagination, whole_list
from vidflow.api.schema import examples
from vidflow.api.serializers import DeletedSerializer

from . import services as stage
from .serializers import (
    AddOutlierSerializer,
    ChannelSetupSerializer,
    OutlierSerializer,
    SearchOutliersSerializer,
    SuggestTitlesSerializer,
    TitleIdeaSerializer,
)

SearchResultSerializer = inline_serializer(
    "OutlierSearchResult",
    {
        "found": serializers.IntegerField(help_text="Candidates the research provider found."),
        "added": OutlierSerializer(many=True, help_text="The new ones now stored."),
    },
)


_NO_CHANNEL = {
    "id": None,
    "name": None,
    "niche": "",
    "audience": "",
    "tone": "",
    "language": "en",
    "default_voice": "",
    "visual_style": "",
}


def _deleted(pk: str) -> Response:
    return Response({"id": pk, "deleted": True})


_SETUP_EXAMPLE = {
    "channelId": ex.CHANNEL_ID,
    "channelName": ex.CHANNEL["name"],
    **{
        k: ex.CHANNEL[k]
        for k in ("niche", "audience", "tone", "language", "defaultVoice", "visualStyle")
    },
}


@extend_schema(tags=["ideation"], parameters=[PROJECT_ID])
class IdeationViewSet(StageViewSet):
    serializer_class = TitleIdeaSerializer
    pagination_class = WholeListPagination

    def _ideas(self, ideas: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
        context = {"project": self.project()}
        return whole_list(
            TitleIdeaSerializer(ideas, many=True, context=context).data, status=status_code
        )

    # --- titles

    @extend_schema(
        responses=TitleIdeaSerializer(many=True), examples=examples(response=ex.TITLE_IDEA)
    )
    def titles(self, request: Request, project_id: str) -> Response:
        return self._ideas(self.project().title_ideas.all())

    @extend_schema(
        request=SuggestTitlesSerializer,
        responses={201: TitleIdeaSerializer(many=True)},
        examples=examples(
            request={"count": 5}, response={**ex.TITLE_IDEA, "selected": False}, status=201
        ),
    )
    @free_suggestion
    def suggest_titles(self, request: Request, project_id: str) -> Response:
        """Suggest title ideas (free; synchronous): answers the new ideas."""
        body = SuggestTitlesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ideas = stage.title_ideas_suggest(
            project_id=self.project().pk, actor=self.user, count=body.validated_data["count"]
        )
        return self._ideas(ideas, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=TitleIdeaSerializer, examples=examples(response=ex.TITLE_IDEA)
    )
    def select_title(self, request: Request, project_id: str, title_id: str) -> Response:
        """Make this idea the project's selected title."""
        idea = stage.title_select(project_id=self.project().pk, actor=self.user, title_id=title_id)
        self.project().selected_title = idea.text
        return Response(TitleIdeaSerializer(idea, context={"project": self.project()}).data)

    @extend_schema(
        responses={200: DeletedSerializer},
        examples=examples(response={"id": ex.TITLE_ID, "deleted": True}),
    )
    def delete_title(self, request: Request, project_id: str, title_id: str) -> Response:
        stage.title_delete(project_id=self.project().pk, actor=self.user, title_id=title_id)
        return _deleted(title_id)

    # --- outlier videos

    @extend_schema(responses=OutlierSerializer(many=True), examples=examples(response=ex.OUTLIER))
    def outliers(self, request: Request, project_id: str) -> Response:
        videos = OutlierVideo.objects.filter(project=self.project())
        return whole_list(OutlierSerializer(videos, many=True).data)

    @extend_schema(
        request=AddOutlierSerializer,
        responses={201: OutlierSerializer},
        examples=examples(
            request={
                "title": ex.OUTLIER["title"],
                "url": ex.OUTLIER["url"],
                "channelTitle": ex.OUTLIER["channelTitle"],
                "views": ex.OUTLIER["views"],
                "channelMedianViews": ex.OUTLIER["channelMedianViews"],
                "publishedAt": ex.OUTLIER["publishedAt"],
            },
            response=ex.OUTLIER,
            status=201,
        ),
    )
    def add_outlier(self, request: Request, project_id: str) -> Response:
        body = AddOutlierSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        video = stage.outlier_add(
            project_id=self.project().pk, actor=self.user, video=body.as_input()
        )
        return Response(OutlierSerializer(video).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SearchOutliersSerializer,
        responses={201: SearchResultSerializer},
        examples=examples(
            request={"query": "voyager golden record", "limit": 10},
            response={"found": 10, "added": [{**ex.OUTLIER, "source": "generated"}]},
            status=201,
        ),
    )
    @free_suggestion
    def search_outliers(self, request: Request, project_id: str) -> Response:
        """Find outlier videos through the research provider (YouTube) and store the best new
        ones. 503 PROVIDER_UNAVAILABLE when no research provider is set up."""
        body = SearchOutliersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found, added = stage.outliers_search(
            project_id=self.project().pk,
            actor=self.user,
            query=body.validated_data["query"].strip(),
            limit=body.validated_data["limit"],
        )
        return Response(
            {"found": found, "added": OutlierSerializer(added, many=True).data},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={200: DeletedSerializer},
        examples=examples(response={"id": ex.OUTLIER_ID, "deleted": True}),
    )
    def delete_outlier(self, request: Request, project_id: str, outlier_id: str) -> Response:
        stage.outlier_delete(project_id=self.project().pk, actor=self.user, outlier_id=outlier_id)
        return _deleted(outlier_id)

    # --- channel setup

    def _setup(self, channel: Channel | None) -> Response:
        return Response(ChannelSetupSerializer(channel or _NO_CHANNEL).data)

    @extend_schema(responses=ChannelSetupSerializer, examples=examples(response=_SETUP_EXAMPLE))
    def channel_setup(self, request: Request, project_id: str) -> Response:
        return self._setup(stage.project_channel(self.project()))

    @extend_schema(
        request=ChannelSetupSerializer,
        responses=ChannelSetupSerializer,
        examples=examples(
            request={"audience": "curious adults, no physics background"},
            response=_SETUP_EXAMPLE,
        ),
    )
    def edit_channel_setup(self, request: Request, project_id: str) -> Response:
        body = ChannelSetupSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        channel = stage.channel_setup_update(
            project_id=self.project().pk, actor=self.user, changes=body.validated_data
        )
        return self._setup(channel)
