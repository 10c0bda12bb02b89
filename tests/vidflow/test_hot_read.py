"""The hot read's cheaper lookups answer what Django and django-oauth-toolkit answered, and let
nothing through that they refused: the session read by its key (``vidflow.sessions``), its user
(``accounts.middleware``), the access token with its application and user
(``oauth_device.validators``), and the rate counter counted in one round trip
(``vidflow.cache.count``). None of them is a cache: logout, expiry, a password change, a
suspension and a revoked token take effect on the very next request."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from accounts.middleware import user_by_pk
from accounts.models import User
from accounts.services import user_reinstate, user_suspend
from oauth_device.tokens import checksum
from oauth_device.validators import access_token_by_checksum
from projects.payload import project_with_payload
from tests.factories import ProjectFactory
from tests.oauth import bearer, revoke
from tests.vidflow.test_envelope import assert_error
from vidflow import sessions

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def _signed_in(user: User) -> Client:
    browser = Client()
    response = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _with_cookie(cookie: str) -> Client:
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return browser


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


# the session and its user ------------------------------------------------------------------------
def test_logout_ends_the_session_for_whoever_still_holds_its_cookie(user: User) -> None:
    browser = _signed_in(user)
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert browser.get("/api/projects").status_code == 200

    browser.post("/accounts/logout/")

    assert_error(_with_cookie(cookie).get("/api/projects"), 401, "UNAUTHENTICATED")


def test_an_expired_or_unknown_session_is_nobody(user: User) -> None:
    browser = _signed_in(user)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert_error(browser.get("/api/projects"), 401, "UNAUTHENTICATED")
    assert_error(_with_cookie("x" * 32).get("/api/projects"), 401, "UNAUTHENTICATED")


def test_a_password_change_ends_the_other_sessions(user: User) -> None:
    browser = _signed_in(user)
    assert browser.get("/api/projects").status_code == 200

    user.set_password("another horse battery")
    user.save()

    assert_error(browser.get("/api/projects"), 401, "UNAUTHENTICATED")


def test_a_deactivated_user_is_nobody_from_the_next_request(user: User) -> None:
    browser = _signed_in(user)
    assert browser.get("/api/projects").status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert_error(browser.get("/api/projects"), 401, "UNAUTHENTICATED")


def test_suspension_and_reinstatement_take_effect_on_the_next_request(
    user: User, other_user: User
) -> None:
    browser = _signed_in(user)
    assert browser.get("/api/projects").status_code == 200

    user_suspend(user=user, actor=other_user, reason="spam")
    assert_error(browser.get("/api/projects"), 403, "ACCOUNT_SUSPENDED")

    user_reinstate(user=user)  # an UPDATE: no signal, no cache to forget
    assert browser.get("/api/projects").status_code == 200


def test_the_user_is_read_as_the_orm_reads_them(user: User) -> None:
    User.objects.filter(pk=user.pk).update(suspended_at=timezone.now(), suspension_reason="x")

    ours = user_by_pk(user.pk)

    assert ours is not None
    assert _fields(ours) == _fields(User.objects.get(pk=user.pk))
    assert ours._state.adding is False
    assert user_by_pk(user.pk + 10_000) is None


# the bearer token -------------------------------------------------------------------------------
def test_the_access_token_is_read_as_django_oauth_toolkit_reads_it(
    issue_tokens: Any, user: User
) -> None:
    raw = issue_tokens(user)["access_token"]
    theirs = AccessToken.objects.select_related("application", "user").get(
        token_checksum=checksum(raw)
    )

    with CaptureQueriesContext(connection) as queries:
        ours = access_token_by_checksum(checksum(raw))
        application, owner = ours.application, ours.user  # loaded with it, no query of their own

    assert len(queries) == 1
    assert _fields(ours) == _fields(theirs)
    assert _fields(application) == _fields(theirs.application)
    assert _fields(owner) == _fields(theirs.user)
    assert access_token_by_checksum(checksum("vfa_never-issued")) is None


def test_a_token_without_application_or_user_reads_them_as_none(
    issue_tokens: Any, user: User
) -> None:
    raw = issue_tokens(user)["access_token"]
    AccessToken.objects.update(application=None, user=None)

    token = access_token_by_checksum(checksum(raw))

    assert token.application is None
    assert token.user is None
    assert_error(Client().get("/api/projects", **bearer(raw)), 401, "INVALID_TOKEN")


def test_a_token_refused_the_request_after_its_revocation_or_suspension(
    issue_tokens: Any, user: User, other_user: User
) -> None:
    raw = issue_tokens(user)["access_token"]
    assert Client().get("/api/projects", **bearer(raw)).status_code == 200

    user_suspend(user=user, actor=other_user, reason="spam")
    assert_error(Client().get("/api/projects", **bearer(raw)), 403, "ACCOUNT_SUSPENDED")
    user_reinstate(user=user)
    assert Client().get("/api/projects", **bearer(raw)).status_code == 200

    revoke(Client(), raw)
    assert_error(Client().get("/api/projects", **bearer(raw)), 401, "INVALID_TOKEN")


# the whole read -----------------------------------------------------------------------------------
def test_the_project_read_costs_the_same_few_queries_either_way(
    issue_tokens: Any, user: User
) -> None:
    """Session: the session with its user, the payload (the first request of a session in a
    process reads the user apart). Bearer: the token with its user, the payload (the token's last
    use is written once a minute: the first request pays it)."""
    project = ProjectFactory(owner=user)
    browser = _signed_in(user)
    raw = issue_tokens(user)["access_token"]
    url = f"/api/projects/{project.pk}"
    assert Client().get(url, **bearer(raw)).status_code == 200

    with CaptureQueriesContext(connection) as first:
        assert browser.get(url).status_code == 200
    with CaptureQueriesContext(connection) as by_session:
        assert browser.get(url).status_code == 200
    with CaptureQueriesContext(connection) as by_token:
        assert Client().get(url, **bearer(raw)).status_code == 200

    assert len(first) == 3, [q["sql"] for q in first.captured_queries]
    assert len(by_session) == 2, [q["sql"] for q in by_session.captured_queries]
    assert len(by_token) == 2, [q["sql"] for q in by_token.captured_queries]


def test_the_user_read_with_the_session_is_only_ever_the_one_it_names(
    user: User, other_user: User
) -> None:
    mine = f"/api/projects/{ProjectFactory(owner=user).pk}"  # 404 for anybody else
    browser = _signed_in(user)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert browser.get(mine).status_code == 200
    assert sessions._user_hints[key] == user.pk
    store = sessions.SessionStore(key)
    store.load()
    found, along = store.user_read_along(user.pk)
    assert found
    assert _fields(along) == _fields(User.objects.get(pk=user.pk))

    sessions._user_hints[key] = other_user.pk  # a wrong hint (it cannot happen, but if it did)
    assert browser.get(mine).status_code == 200
    assert sessions._user_hints[key] == user.pk
    sessions._user_hints[key] = user.pk + 10_000  # or one naming nobody
    assert browser.get(mine).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)  # read with the session: fresh
    assert_error(browser.get(mine), 401, "UNAUTHENTICATED")


# the rate counter --------------------------------------------------------------------------------
@pytest.mark.skipif(
    "redis" not in settings.CACHES["default"]["BACKEND"].lower(), reason="needs REDIS_URL"
)
def test_a_counter_starts_with_its_expiry_and_keeps_it() -> None:
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key("tier:api:counter")

    assert cache.count("tier:api:counter", 65) == 1
    assert 0 < client.ttl(key) <= 65
    client.expire(key, 30)
    assert cache.count("tier:api:counter", 65) == 2
    assert 0 < client.ttl(key) <= 30  # counting on never moves the window's end
    assert cache.incr("tier:api:counter", -1) == 1  # rate-limit uncount still works on it
    client.script_flush()  # a Redis restarted since: the script is loaded again
    assert cache.count("tier:api:counter", 65) == 2


# the health check ---------------------------------------------------------------------------------
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health check")
def test_the_health_check_passes_a_quiet_connection_and_replaces_one_the_server_ended() -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        assert other.health_check_enabled
        other.health_check_done = False  # as at the start of the next request

        assert other._socket_quiet()  # nothing said: passes without SELECT 1
        other.close_if_health_check_failed()
        assert other.connection is not None
        assert other.health_check_done

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while other._socket_quiet() and time.monotonic() < deadline:
            time.sleep(0.01)
        other.health_check_done = False
        other.close_if_health_check_failed()  # the goodbye is there to read: SELECT 1 fails

        assert other.connection is None
        with other.cursor() as cursor:  # and the next query has a new connection
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        other.close()


# the payload's statement, planned once per connection -------------------------------------------
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_the_payload_statement_is_prepared_after_a_few_reads_and_answers_the_same(
    user: User,
) -> None:
    project = ProjectFactory(owner=user)

    def prepared_payloads() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%json_agg%"],
            )
            return int(cursor.fetchone()[0])

    assert prepared_payloads() == 0
    first = project_with_payload(owner_id=user.pk, project_id=project.pk)
    for _ in range(5):
        again = project_with_payload(owner_id=user.pk, project_id=project.pk)

    assert prepared_payloads() == 1
    assert again is not None
    assert first is not None
    assert again.payload == first.payload
    assert _fields(again) == _fields(first)
    assert project_with_payload(owner_id=user.pk + 10_000, project_id=project.pk) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_without_prepared_statements_the_payload_is_read_the_plain_way(user: User) -> None:
    project = ProjectFactory(owner=user)
    connection.settings_dict["PREPARED_STATEMENTS"] = False
    try:
        for _ in range(5):
            assert project_with_payload(owner_id=user.pk, project_id=project.pk) is not None
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == 0
    finally:
        connection.settings_dict["PREPARED_STATEMENTS"] = True
