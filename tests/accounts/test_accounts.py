from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from billing.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_signup_creates_the_account_with_50_credits_and_signs_in(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "username": "ada",
            "email": "Ada@Example.com",
            "password1": "an unguessable phrase 42",
            "password2": "an unguessable phrase 42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert user.email == "ada@example.com"
    assert user.credit_account.balance == 50
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("grant", 50)]
    assert client.get("/api/billing/balance").json()["data"]["balance"] == 50


def test_signup_refuses_a_taken_email_and_a_weak_password(client: Client, user: User) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "bob", "email": user.email, "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    assert b"already exists" in response.content
    assert not User.objects.filter(username="bob").exists()


def test_signup_does_not_redirect_off_site(client: Client) -> None:
    response = client.post(
        "/accounts/signup/?next=https://evil.example/",
        {
            "username": "eve",
            "email": "eve@example.com",
            "password1": "an unguessable phrase 42",
            "password2": "an unguessable phrase 42",
        },
    )

    assert response["Location"] == "/"


def test_login_and_logout_pages(client: Client, user: User) -> None:
    assert client.get("/accounts/login/").status_code == 200

    logged_in = client.post(
        "/accounts/login/", {"username": user.username, "password": "correct horse battery"}
    )
    assert logged_in.status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302  # back to the login page
