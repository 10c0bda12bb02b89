"""/api/webhooks: endpoints, the secret shown once, rotation, the delivery log, redelivery and the
test ping, with the API's envelope, scopes and Idempotency-Key."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.oauth import bearer
from webhooks.models import Delivery, Endpoint
from webhooks.services import delivery_attempt

from .conftest import Answer, Receiver, finished_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _receiver_allowed(allow_private: None) -> None:
    pass


def create(api: APIClient, receiver: Receiver, **body: Any) -> dict[str, Any]:
    response = api.post("/api/webhooks", {"url": receiver.url, **body}, format="json")
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()["data"]
    receiver.secrets.append(data["secret"])
    return data


def test_an_endpoint_is_created_with_a_secret_shown_once(
    api: APIClient, receiver: Receiver
) -> None:
    created = create(api, receiver, description="CI hooks")

    assert created["secret"].startswith("whsec_")
    assert created["url"] == receiver.url
    assert created["events"] == [
        "run.succeeded",
        "run.failed",
        "project.rendered",
        "project.published",
    ]
    assert created["enabled"] is True
    assert created["secretHint"] == "…" + created["secret"][-6:]
    shown = api.get(f"/api/webhooks/{created['id']}").json()["data"]
    assert "secret" not in shown
    listed = api.get("/api/webhooks").json()["data"]
    assert [e["id"] for e in listed["results"]] == [created["id"]]
    assert created["secret"] not in str(listed)
    assert listed["next"] is None


def test_bad_input_is_a_clear_400_and_changes_nothing(api: APIClient, receiver: Receiver) -> None:
    unknown_event = api.post(
        "/api/webhooks", {"url": receiver.url, "events": ["run.exploded"]}, format="json"
    )
    no_events = api.post("/api/webhooks", {"url": receiver.url, "events": []}, format="json")
    unknown_field = api.post(
        "/api/webhooks", {"url": receiver.url, "secret": "whsec_mine"}, format="json"
    )
    no_url = api.post("/api/webhooks", {}, format="json")

    for response in (unknown_event, no_events, unknown_field, no_url):
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert "events" in unknown_event.json()["error"]["details"]
    assert "secret" in unknown_field.json()["error"]["details"]
    assert not Endpoint.objects.exists()


def test_another_users_endpoint_is_not_found(
    api: APIClient, other_user: User, client_for: Any, receiver: Receiver
) -> None:
    created = create(api, receiver)
    other = client_for(other_user)

    for response in (
        other.get(f"/api/webhooks/{created['id']}"),
        other.patch(f"/api/webhooks/{created['id']}", {"enabled": False}, format="json"),
        other.delete(f"/api/webhooks/{created['id']}"),
        other.post(f"/api/webhooks/{created['id']}/rotate-secret"),
        other.get(f"/api/webhooks/{created['id']}/deliveries"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert other.get("/api/webhooks").json()["data"]["results"] == []
    assert Endpoint.objects.get().enabled


def test_patch_changes_events_and_turns_it_off_and_delete_removes_it(
    api: APIClient, receiver: Receiver
) -> None:
    created = create(api, receiver)

    patched = api.patch(
        f"/api/webhooks/{created['id']}",
        {"events": ["project.published"], "enabled": False},
        format="json",
    )
    deleted = api.delete(f"/api/webhooks/{created['id']}")

    assert patched.status_code == 200
    assert patched.json()["data"]["events"] == ["project.published"]
    assert patched.json()["data"]["enabled"] is False
    assert patched.json()["data"]["disabledReason"] == ""  # turned off by its owner: no notice
    assert deleted.status_code == 200
    assert deleted.json()["data"] == {"id": created["id"], "deleted": True}
    assert not Endpoint.objects.exists()


def test_rotating_answers_a_new_secret_that_signs_from_then_on(
    api: APIClient, user: User, receiver: Receiver
) -> None:
    created = create(api, receiver)
    receiver.secrets.clear()

    rotated = api.post(f"/api/webhooks/{created['id']}/rotate-secret")

    assert rotated.status_code == 200
    new_secret = rotated.json()["data"]["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != created["secret"]
    receiver.secrets.append(new_secret)
    finished_run(user)
    delivery_attempt(delivery_id=Delivery.objects.get().pk)
    assert receiver.received[0].verified_with == [new_secret]


def test_the_test_ping_and_the_delivery_log(api: APIClient, receiver: Receiver) -> None:
    created = create(api, receiver)

    ping = api.post(f"/api/webhooks/{created['id']}/test")

    assert ping.status_code == 202
    queued = ping.json()["data"]
    assert queued["status"] == "pending"
    assert queued["trigger"] == "test"
    delivery_attempt(delivery_id=queued["id"])
    (request,) = receiver.received
    assert request.verified_with, request.error
    assert request.payload["type"] == "webhook.test"
    assert request.payload["data"] == {"endpointId": created["id"]}
    log = api.get(f"/api/webhooks/{created['id']}/deliveries").json()["data"]
    (entry,) = log["results"]
    assert entry["id"] == queued["id"]
    assert entry["status"] == "succeeded"
    assert entry["responseStatus"] == 200
    assert entry["responseExcerpt"] == "ok"
    assert entry["messageId"] == request.headers["webhook-id"]
    assert [a["number"] for a in entry["attemptLog"]] == [1]


def test_the_log_filters_by_status_and_refuses_an_unknown_one(
    api: APIClient, user: User, receiver: Receiver
) -> None:
    created = create(api, receiver)
    receiver.answers = [Answer(500)]
    finished_run(user)
    finished_run(user)
    first = Delivery.objects.order_by("created_at").first()
    assert first is not None
    delivery_attempt(delivery_id=first.pk)  # 500: still pending, retried later

    pending = api.get(f"/api/webhooks/{created['id']}/deliveries?status=pending")
    bad = api.get(f"/api/webhooks/{created['id']}/deliveries?status=lost")

    assert len(pending.json()["data"]["results"]) == 2
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"


def test_redelivery_sends_the_same_message_again(
    api: APIClient, user: User, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    created = create(api, receiver)
    receiver.answers = [Answer(500, "broken")]
    finished_run(user)
    original = Delivery.objects.get()
    delivery_attempt(delivery_id=original.pk)

    response = api.post(
        f"/api/webhooks/{created['id']}/deliveries/{original.pk}/redeliver",
        HTTP_IDEMPOTENCY_KEY="redeliver-1",
    )
    again = api.post(
        f"/api/webhooks/{created['id']}/deliveries/{original.pk}/redeliver",
        HTTP_IDEMPOTENCY_KEY="redeliver-1",
    )

    assert response.status_code == 202, response.content
    assert again.json() == response.json()  # the same key: the same answer, one redelivery
    redelivery = response.json()["data"]
    assert redelivery["trigger"] == "redelivery"
    assert redelivery["messageId"] == original.message_id
    assert Delivery.objects.count() == 2
    delivery_attempt(delivery_id=redelivery["id"])
    first, second = receiver.received
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert second.body == first.body
    assert second.verified_with
    statuses = api.get(f"/api/webhooks/{created['id']}/deliveries").json()["data"]["results"]
    assert [d["status"] for d in statuses] == ["succeeded", "failed"]


def test_a_turned_off_endpoint_cannot_be_tested_or_redelivered_to(
    api: APIClient, receiver: Receiver
) -> None:
    created = create(api, receiver)
    api.patch(f"/api/webhooks/{created['id']}", {"enabled": False}, format="json")

    response = api.post(f"/api/webhooks/{created['id']}/test")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_TRANSITION"
    assert not Delivery.objects.exists()


def test_tokens_need_the_projects_scopes(user: User, issue_tokens: Any, receiver: Receiver) -> None:
    client = Client()
    read_only = issue_tokens(user, "projects:read")["access_token"]
    read_write = issue_tokens(user, "projects:read projects:write")["access_token"]
    body = {"url": receiver.url}

    refused = client.post(
        "/api/webhooks", body, content_type="application/json", **bearer(read_only)
    )
    allowed = client.post(
        "/api/webhooks", body, content_type="application/json", **bearer(read_write)
    )
    listed = client.get("/api/webhooks", **bearer(read_only))

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "INSUFFICIENT_SCOPE"
    assert allowed.status_code == 201
    assert len(listed.json()["data"]["results"]) == 1


def test_the_schema_documents_the_webhook_routes(api: APIClient) -> None:
    schema = api.get("/api/schema?format=json").json()
    paths = schema["paths"]

    assert {"get", "post"} <= set(paths["/api/webhooks"])
    assert {"get", "patch", "delete"} <= set(paths["/api/webhooks/{endpoint_id}"])
    assert "post" in paths["/api/webhooks/{endpoint_id}/rotate-secret"]
    assert "post" in paths["/api/webhooks/{endpoint_id}/test"]
    assert "get" in paths["/api/webhooks/{endpoint_id}/deliveries"]
    assert "post" in paths["/api/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver"]
