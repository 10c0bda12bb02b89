"""The project payload: what it shows, and that its cost does not grow with the project."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from accounts.models import User
from projects import selectors
from projects.models import (
    BibleEntry,
    BibleKind,
    Channel,
    Music,
    Project,
    Render,
    Script,
    Shot,
    Thumbnail,
    Variation,
    Voiceover,
)
from projects.serializers import ProjectDetailSerializer, project_detail_data
from tests.factories import ChapterFactory, ProjectFactory
from vidflow.errors import NotFound

pytestmark = pytest.mark.django_db


def _project_with_shots(user: User, n: int) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    Script.objects.create(project=project, hook="What if?")
    for i in range(3):
        ChapterFactory(project=project, position=i)
    for kind, name in ((BibleKind.CHARACTER, "Carl"), (BibleKind.LOCATION, "JPL")):
        entry = BibleEntry.objects.create(project=project, kind=kind, name=name)
        entry.selected_variation = Variation.objects.create(entry=entry, prompt=name)
        entry.save()
    Voiceover.objects.create(
        project=project, voice_id="joe", duration=60, words=[{"word": "hi", "start": 0, "end": 0.3}]
    )
    Shot.objects.bulk_create(
        Shot(project=project, position=i, start=i, end=i + 1, stale=i % 7 == 0) for i in range(n)
    )
    return project


def _queries_for(api: APIClient, project: Project) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/projects/{project.pk}")
    assert response.status_code == 200
    return len(queries)


def test_payload_costs_the_same_queries_for_1_and_300_shots(api: APIClient, user: User) -> None:
    small = _project_with_shots(user, 1)
    large = _project_with_shots(user, 300)
    _queries_for(api, small)  # warm the session and content-type caches

    small_count = _queries_for(api, small)
    large_count = _queries_for(api, large)

    assert small_count == large_count
    assert large_count <= 12


def test_payload_shows_counts_stale_marks_and_selected_artifacts(
    api: APIClient, user: User
) -> None:
    project = _project_with_shots(user, 8)

    data = api.get(f"/api/projects/{project.pk}").json()["data"]

    assert data["completedStages"] == ["ideation", "script", "visual_bible", "voiceover"]
    assert data["counts"]["chapters"] == 3
    assert data["counts"]["characters"] == 1
    assert data["counts"]["locations"] == 1
    assert data["counts"]["shots"]["total"] == 8
    assert data["counts"]["shots"]["byState"]["planned"] == 8
    assert sorted(data["stale"]["shots"]) == sorted(
        str(pk)
        for pk in Shot.objects.filter(project=project, stale=True).values_list("pk", flat=True)
    )
    assert len(data["stale"]["shots"]) == 2  # positions 0 and 7
    assert data["selected"]["title"] == "Voyager"
    assert data["selected"]["hook"] == "What if?"
    assert data["selected"]["characters"][0]["name"] == "Carl"
    assert data["selected"]["voiceover"]["words"] == 1
    assert data["selected"]["render"] is None


def test_the_hand_written_payload_is_the_documented_serializer_to_the_byte(user: User) -> None:
    project = _project_with_shots(user, 5)
    project.channel = Channel.objects.create(owner=user, name="Space")
    project.hidden_at = timezone.now()
    project.hidden_reason = "reported"
    project.save()
    Music.objects.create(project=project, mood="calm", tempo=84, audio="m.wav", duration=61.5)
    Render.objects.create(
        project=project, video="f.mp4", srt="f.srt", duration=60.2, width=1280, height=720
    )
    Thumbnail.objects.create(project=project, image="t.png", title="Voyager", stale=True)
    detail = selectors.project_detail(user=user, project_id=project.pk)

    by_hand = json.loads(JSONRenderer().render(project_detail_data(detail)))
    documented = json.loads(JSONRenderer().render(ProjectDetailSerializer(detail).data))

    assert by_hand == documented
    assert documented["selected"]["render"]["vttUrl"] is None
    assert documented["selected"]["music"]["tempo"] == 84
    assert documented["hidden"] is True


def test_the_payloads_project_is_the_project_as_the_orm_reads_it(
    user: User, other_user: User
) -> None:
    project = _project_with_shots(user, 2)
    project.channel = Channel.objects.create(owner=user, name="Space")
    project.hidden_at = timezone.now()
    project.hidden_reason = "reported"
    project.save()

    detail = selectors.project_detail(user=user, project_id=project.pk)
    stored = Project.objects.get(pk=project.pk)

    for field in Project._meta.concrete_fields:
        assert getattr(detail, field.attname) == getattr(stored, field.attname), field.name
    assert detail._state.adding is False
    with pytest.raises(NotFound):  # someone else's project is not found, as one that is not
        selectors.project_detail(user=other_user, project_id=project.pk)
