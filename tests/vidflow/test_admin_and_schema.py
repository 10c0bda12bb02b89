"""Staff pages load for every model; the OpenAPI schema is valid and covers every route."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import ChannelFactory, ProjectFactory, RunFactory, ShotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    staff = User.objects.create_superuser("staff", "staff@example.com", "staff password 1")
    client.force_login(staff)
    return client


def test_every_model_has_a_working_admin_changelist(staff_client: Client, user: User) -> None:
    project = ProjectFactory(owner=user)
    ShotFactory(project=project)
    RunFactory(owner=user, project=project)
    ChannelFactory(owner=user)

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_state_is_shown_read_only_in_the_admin(staff_client: Client, user: User) -> None:
    project = ProjectFactory(owner=user)
    url = reverse("admin:projects_project_change", args=[project.pk])

    page = staff_client.get(url).content.decode()

    assert "Ideation" in page
    assert 'name="status"' not in page


def test_schema_is_valid_openapi_and_lists_the_routes(client: Client) -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()

    for path in (
        "/api/projects",
        "/api/projects/{project_id}",
        "/api/runs/{run_id}/cancel",
        "/api/channels",
        "/api/billing/balance",
        "/api/billing/transactions",
        "/api/projects/{project_id}/titles",
        "/api/projects/{project_id}/outlier-videos/search",
        "/api/projects/{project_id}/channel-setup",
        "/api/projects/{project_id}/visual-bible/generate",
        "/api/projects/{project_id}/visual-bible/locations/{entry_id}",
        "/api/projects/{project_id}/visual-bible/characters/{entry_id}/variations/{variation_id}/select",
    ):
        assert f"{path}:" in schema, path
    assert "ErrorEnvelope" in schema
    assert client.get("/api/docs").status_code == 200
