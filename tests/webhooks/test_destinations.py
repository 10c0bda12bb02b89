"""SSRF: webhooks go to public addresses only, checked after DNS resolution when an endpoint is
saved and again at every attempt, unless WEBHOOKS_ALLOW_PRIVATE says otherwise."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from webhooks.models import Delivery, DeliveryStatus, Endpoint
from webhooks.services import delivery_attempt, endpoint_create

from .conftest import Receiver, finished_run

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"  # a public address (no request is ever made to it here)


@pytest.fixture(autouse=True)
def _refuse_private(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000/hook", "127.0.0.1"),
        ("http://localhost/hook", "127.0.0.1|::1"),  # a name: refused for what it resolves to
        ("http://10.1.2.3/hook", "10.1.2.3"),
        ("https://192.168.0.10/hook", "192.168.0.10"),
        ("http://172.16.5.5/hook", "172.16.5.5"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),  # cloud metadata
        ("http://100.64.0.1/hook", "100.64.0.1"),  # carrier-grade NAT
        ("http://0.0.0.0/hook", "0.0.0.0"),  # noqa: S104 (an address we refuse)
        ("http://[::1]/hook", "::1"),
        ("http://[fe80::1]/hook", "fe80::1"),
        ("http://[fd00::1]/hook", "fd00::1"),
        ("http://[::ffff:127.0.0.1]/hook", "127.0.0.1"),  # IPv4-mapped
        ("http://224.0.0.1/hook", "224.0.0.1"),
        ("http://240.0.0.1/hook", "240.0.0.1"),
    ],
)
def test_private_loopback_and_link_local_destinations_are_refused(
    api: APIClient, url: str, address: str
) -> None:
    response = api.post("/api/webhooks", {"url": url}, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert any(f"resolves to {a}" in error["message"] for a in address.split("|"))
    assert "url" in error["details"]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "valid http:// or https:// URL"),
        ("http://user:secret@example.com/hook", "user name or password"),
        ("http://nothing-here.invalid/hook", "could not be resolved"),
    ],
)
def test_urls_we_never_call_are_refused(api: APIClient, url: str, message: str) -> None:
    response = api.post("/api/webhooks", {"url": url}, format="json")

    assert response.status_code == 400, response.content
    assert message in response.json()["error"]["message"]
    assert not Endpoint.objects.exists()


def test_a_public_destination_is_accepted(api: APIClient) -> None:
    response = api.post("/api/webhooks", {"url": f"https://{PUBLIC}/hook"}, format="json")

    assert response.status_code == 201, response.content


def test_changing_the_url_to_a_private_one_is_refused(api: APIClient) -> None:
    created = api.post("/api/webhooks", {"url": f"https://{PUBLIC}/hook"}, format="json")
    endpoint_id = created.json()["data"]["id"]

    response = api.patch(f"/api/webhooks/{endpoint_id}", {"url": "http://10.0.0.1/"}, format="json")

    assert response.status_code == 400
    assert Endpoint.objects.get().url == f"https://{PUBLIC}/hook"


def test_a_name_that_resolves_to_a_private_address_by_delivery_time_is_not_called(
    user: User, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: public when saved, loopback when called. The attempt resolves again,
    refuses, and never connects; the log says why."""
    real_getaddrinfo = socket.getaddrinfo
    answer = {"address": PUBLIC}

    def resolver(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.rebind.test":
            port = args[0] if args else 80
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer["address"], port))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint_create(owner=user, url=f"http://hooks.rebind.test:{port}/hooks/vidflow")
    answer["address"] = "127.0.0.1"  # the receiver's address
    finished_run(user)

    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)

    assert receiver.received == []
    assert delivery is not None
    assert delivery.status == DeliveryStatus.PENDING  # retried later: the name may change back
    assert delivery.error.startswith("Refused: The host hooks.rebind.test resolves to 127.0.0.1")


def test_an_endpoint_saved_while_private_addresses_were_allowed_is_refused_once_they_are_not(
    user: User, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint_create(owner=user, url=receiver.url)
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    finished_run(user)

    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)

    assert receiver.received == []
    assert delivery is not None
    assert "resolves to 127.0.0.1" in delivery.error


def test_the_attempt_connects_to_the_address_it_checked(
    user: User, receiver: Receiver, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once per attempt: the connection goes to the checked address (a
    second lookup could answer differently), with the URL's own name as the Host."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def resolver(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.pinned.test":
            lookups.append(host)
            port = args[0] if args else 80
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint_create(owner=user, url=f"http://hooks.pinned.test:{port}/hooks/vidflow")
    finished_run(user)
    lookups.clear()

    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)

    assert delivery is not None
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert lookups == ["hooks.pinned.test"]
    assert receiver.received[0].headers["host"] == f"hooks.pinned.test:{port}"
