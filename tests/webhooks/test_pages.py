"""The webhooks page of the web app: add one and see its secret once, refuse a private address,
read the delivery log, redeliver, and the notice when failures turned one off."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from webhooks.models import Delivery, DeliveryTrigger, Endpoint
from webhooks.services import delivery_attempt

from .conftest import Answer, Receiver, finished_run

pytestmark = pytest.mark.django_db


def form_action(page: str, ending: str) -> str:
    """The action of the page's form whose action ends with ``ending`` (what its button posts to),
    so a test follows the page's own links, as a user clicking would."""
    actions = re.findall(r'<form method="post" action="([^"]+)"', page)
    (action,) = [a for a in actions if a.endswith(ending)]
    return action


@pytest.fixture
def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_adding_a_webhook_shows_its_secret_once(
    browser: Client, receiver: Receiver, allow_private: None
) -> None:
    response = browser.post(
        "/webhooks", {"url": receiver.url, "events": ["run.failed", "project.published"]}
    )

    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["run.failed", "project.published"]
    page = response.content.decode()
    assert 'id="new-secret"' in page
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("whsec_")
    assert endpoint.secret_hint == "…" + secret[-6:]
    again = browser.get("/webhooks").content.decode()
    assert secret not in again
    assert receiver.url in again
    assert secret not in browser.get(f"/webhooks/{endpoint.pk}").content.decode()


def test_a_private_address_is_refused_with_the_reason(browser: Client, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = browser.post(
        "/webhooks", {"url": "http://169.254.169.254/", "events": ["run.failed"]}
    )

    assert response.status_code == 400
    assert "resolves to 169.254.169.254" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_the_delivery_log_and_redelivery(
    browser: Client, user: User, receiver: Receiver, endpoint_for: Any, settings: Any
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    endpoint = endpoint_for(user)
    receiver.answers = [Answer(502, "bad gateway upstream")]
    finished_run(user)
    failed = Delivery.objects.get()
    delivery_attempt(delivery_id=failed.pk)

    page = browser.get(f"/webhooks/{endpoint.pk}").content.decode()
    assert "run.succeeded" in page
    assert "HTTP 502" in page
    assert "bad gateway upstream" in page

    response = browser.post(form_action(page, "/redeliver"))

    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{endpoint.pk}"
    redelivery = Delivery.objects.exclude(pk=failed.pk).get()
    assert redelivery.trigger == DeliveryTrigger.REDELIVERY
    assert redelivery.message_id == failed.message_id
    delivery_attempt(delivery_id=redelivery.pk)
    assert receiver.received[-1].verified_with


def test_rotate_shows_the_new_secret_and_delete_removes_the_webhook(
    browser: Client, user: User, receiver: Receiver, endpoint_for: Any
) -> None:
    endpoint = endpoint_for(user)

    page = browser.get(f"/webhooks/{endpoint.pk}").content.decode()

    rotated = browser.post(form_action(page, "/rotate")).content.decode()
    deleted = browser.post(form_action(page, "/delete"))

    assert 'id="new-secret"' in rotated
    assert "whsec_" in rotated
    assert deleted.status_code == 302
    assert not Endpoint.objects.exists()


def test_another_users_webhook_page_is_404(other_user: User, user: User, endpoint_for: Any) -> None:
    endpoint = endpoint_for(user)
    stranger = Client()
    stranger.force_login(other_user)

    assert stranger.get(f"/webhooks/{endpoint.pk}").status_code == 404
    assert stranger.post(f"/webhooks/{endpoint.pk}/delete").status_code == 404
    assert stranger.post(f"/webhooks/{endpoint.pk}/rotate").status_code == 404
    assert Endpoint.objects.exists()


def test_the_failure_notice_shows_on_every_page_until_dismissed(
    browser: Client, user: User, endpoint_for: Any
) -> None:
    endpoint = endpoint_for(user)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, disabled_reason="Turned off after 3 deliveries in a row failed."
    )

    for path in ("/", "/runs", "/webhooks", f"/webhooks/{endpoint.pk}"):
        assert 'id="webhook-notice"' in browser.get(path).content.decode(), path

    browser.post("/webhooks/notices/dismiss")

    assert 'id="webhook-notice"' not in browser.get("/").content.decode()
    endpoint.refresh_from_db()
    assert not endpoint.enabled  # dismissing the notice does not turn it back on


def test_send_a_test_and_turn_off_and_on_from_the_page(
    browser: Client, user: User, receiver: Receiver, endpoint_for: Any
) -> None:
    endpoint = endpoint_for(user)
    page = browser.get(f"/webhooks/{endpoint.pk}").content.decode()

    tested = browser.post(form_action(page, "/test"))
    ping = Delivery.objects.get()
    delivery_attempt(delivery_id=ping.pk)
    turned_off = browser.post(form_action(page, "/toggle"), {"enabled": "0"})
    off_page = browser.get(f"/webhooks/{endpoint.pk}").content.decode()

    assert tested.status_code == 302
    assert ping.trigger == DeliveryTrigger.TEST
    assert receiver.received[0].payload["type"] == "webhook.test"
    assert turned_off.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "Turn on" in off_page
    browser.post(form_action(off_page, "/toggle"), {"enabled": "1"})
    endpoint.refresh_from_db()
    assert endpoint.enabled
