"""What users and staff see of money: balance, transactions, grants, refunds, moderation."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from billing.services import ChargePart, price
from projects.models import Project, Run, RunStatus
from projects.services import run_create_charged
from tests.factories import ProjectFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    staff = User.objects.create_superuser("boss", "boss@example.com", "boss password 1")
    client.force_login(staff)
    return client


def _charged_run(user: User, project: Project | None = None, amount: int = 3) -> Run:
    with transaction.atomic():
        return run_create_charged(
            owner=user,
            kind="render",
            project=project,
            parts=[ChargePart("render", amount)],
            reason="Render",
        )


def test_balance_and_prices(api: APIClient) -> None:
    data = api.get("/api/billing/balance").json()["data"]

    assert data["balance"] == 50
    assert data["prices"]["shot.image"] == settings.CREDIT_PRICES["shot.image"]


def test_transactions_newest_first_with_run_links(api: APIClient, user: User) -> None:
    run = _charged_run(user)

    rows = api.get("/api/billing/transactions").json()["data"]["results"]

    assert [(r["kind"], r["amount"], r["balanceAfter"]) for r in rows] == [
        ("charge", -3, 47),
        ("grant", 50, 50),
    ]
    assert rows[0]["runId"] == str(run.pk)
    assert rows[0]["part"] == "render"


def test_transactions_only_show_my_ledger(api: APIClient, other_user: User) -> None:
    _charged_run(other_user)

    rows = api.get("/api/billing/transactions").json()["data"]["results"]

    assert [r["kind"] for r in rows] == ["grant"]


def test_the_free_credits_make_a_first_one_minute_video() -> None:
    shots = 12
    video = (
        price("script.outline")
        + price("script.hook")
        + price("script.chapters")
        + price("script.analyze")
        + price("visual_bible.variation", 4)  # two characters, two locations
        + price("voiceover.minute", 1)
        + price("music")
        + price("shot.image", shots)
        + price("shot.video", shots)
        + price("render")
        + price("thumbnail")
    )
    assert video <= settings.SIGNUP_CREDITS == 50
    assert price("publish.youtube") == 0


def test_staff_grant_needs_a_reason_and_writes_the_ledger(staff_client: Client, user: User) -> None:
    url = "/admin/accounts/user/"
    form = {"action": "grant_credits", "_selected_action": [user.pk]}

    asked = staff_client.post(url, form)
    assert asked.status_code == 200
    assert b"reason" in asked.content.lower()

    missing = staff_client.post(url, {**form, "apply": "1", "amount": "10", "reason": ""})
    assert missing.status_code == 200  # the form again; nothing granted
    assert CreditAccount.objects.get(user=user).balance == 50

    done = staff_client.post(url, {**form, "apply": "1", "amount": "10", "reason": "goodwill"})
    assert done.status_code == 302
    entry = LedgerEntry.objects.filter(account__user=user).first()
    assert entry is not None
    assert (entry.kind, entry.amount, entry.reason) == (EntryKind.GRANT, 10, "goodwill")
    assert entry.actor is not None
    assert entry.actor.username == "boss"


def test_staff_refund_of_a_run_is_written_once(staff_client: Client, user: User) -> None:
    run = _charged_run(user)
    form = {
        "action": "refund_runs",
        "_selected_action": [run.pk],
        "apply": "1",
        "reason": "bad render",
    }

    staff_client.post("/admin/projects/run/", form)
    staff_client.post("/admin/projects/run/", form)

    refunds = LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.REFUND)
    assert refunds.count() == 1
    assert refunds.get().reason == "Staff refund: bad render"
    assert CreditAccount.objects.get(user=user).balance == 50


def test_suspending_cancels_and_refunds_work_and_blocks_the_api(
    staff_client: Client, user: User, api: APIClient
) -> None:
    run = _charged_run(user, ProjectFactory(owner=user))
    form = {
        "action": "suspend_accounts",
        "_selected_action": [user.pk],
        "apply": "1",
        "reason": "spam",
    }

    staff_client.post("/admin/accounts/user/", form)

    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run.credits_refunded == 3
    assert CreditAccount.objects.get(user=user).balance == 50
    assert_error(api.get("/api/projects"), 403, "ACCOUNT_SUSPENDED")


def test_hidden_project_is_read_only_for_its_owner(
    staff_client: Client, user: User, api: APIClient
) -> None:
    project = ProjectFactory(owner=user)
    form = {
        "action": "hide_projects",
        "_selected_action": [project.pk],
        "apply": "1",
        "reason": "dmca",
    }

    staff_client.post("/admin/projects/project/", form)

    data = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert data["hidden"] is True
    assert data["hiddenReason"] == "dmca"
    error = assert_error(
        api.patch(f"/api/projects/{project.pk}", {"title": "x"}, format="json"), 403, "FORBIDDEN"
    )
    assert "dmca" in error["message"]


def test_staff_cannot_edit_the_ledger(staff_client: Client, user: User) -> None:
    entry = LedgerEntry.objects.filter(account__user=user).first()
    assert entry is not None

    page = staff_client.get(f"/admin/billing/ledgerentry/{entry.pk}/change/")
    delete = staff_client.post(f"/admin/billing/ledgerentry/{entry.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert b'name="amount"' not in page.content
    assert delete.status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_staff_refund_of_an_unknown_action_changes_nothing(
    staff_client: Client, user: User
) -> None:
    run = _charged_run(user)
    staff_client.post(
        "/admin/projects/run/",
        {"action": "refund_runs", "_selected_action": [run.pk], "apply": "1"},
    )
    assert not LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.REFUND).exists()


def test_admin_shows_a_runs_charges_and_refunds_with_their_total(
    staff_client: Client, user: User
) -> None:
    from billing.services import credits_refund

    project = ProjectFactory(owner=user, title="Octopus hearts")
    with transaction.atomic():
        run = run_create_charged(
            owner=user,
            kind="shots.generate",
            project=project,
            parts=[ChargePart("image", 1), ChargePart("video", 2)],
            reason="2 shot steps",
        )
    video = LedgerEntry.objects.get(reference=run.pk, part="video")
    credits_refund(charge=video, reason="Refund: video failed")

    page = staff_client.get(f"/admin/projects/run/{run.pk}/change/").content.decode()
    form = staff_client.post(
        "/admin/projects/run/", {"action": "refund_runs", "_selected_action": [run.pk]}
    ).content.decode()

    assert "charges and refunds" in page.lower()
    assert "Refund: video failed" in page
    assert "3 charged, 2 refunded: 1 net" in page
    assert (
        f"run {run.pk}: shots.generate (Octopus hearts) of {user.username}, 3 credits charged, "
        "2 refunded: 1 credits would be refunded"
    ) in form


def test_a_users_admin_page_shows_their_recent_ledger(staff_client: Client, user: User) -> None:
    _charged_run(user, amount=3)

    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

    assert "recent ledger" in page.lower()
    assert "Welcome credits" in page
    assert "<td>-3</td><td>47</td>" in page
    assert "<td>+50</td><td>50</td>" in page
