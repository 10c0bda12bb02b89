"""``request.user`` from the session, with the user read by one statement written once.

Django's ``AuthenticationMiddleware`` with its ``get_user`` step by step (the session names the
user and the backend that signed them in; the session's hash of the password must match, or one
made with a fallback secret, else the session is ended), except that for ``ModelBackend`` the
user's row is read without building a queryset (``vidflow.rows``): that lookup was a third of
the cost of an authenticated API read, and it is read in the session's own round trip when this
process has seen that session's user before (``vidflow.sessions``; the row read along is used
only if it is the user the session names). A user who is gone or inactive is nobody, as with
``ModelBackend``; anything else (another backend) goes through the backend as in Django.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth import middleware as django_middleware
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from vidflow.rows import Columns, fetch_one
from vidflow.sessions import remember_user

from .models import User

_USER = Columns(User, "u")


@functools.cache
def _user_sql(using: str) -> str:
    pk = User._meta.pk.column
    return f"SELECT {_USER.sql(using)} FROM {_USER.table(using)} WHERE u.{pk} = %s"  # noqa: S608


def user_by_pk(pk: Any) -> User | None:
    """The user ``pk`` names, as ``User.objects.get(pk=pk)`` reads them; None if there is none."""
    using = router.db_for_read(User)
    row = fetch_one(_user_sql(using), [pk], using=using)
    return None if row is None else _USER.instance(row, using)


def _backend_user(request: HttpRequest, backend: Any, user_id: Any) -> Any:
    if type(backend).get_user is not ModelBackend.get_user:
        return backend.get_user(user_id)
    # Read with the session when this process remembered who it belongs to (vidflow.sessions).
    read_along = getattr(request.session, "user_read_along", None)
    found, user = read_along(user_id) if read_along is not None else (False, None)
    if not found:
        user = user_by_pk(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return None
    remember_user(request.session.session_key, user.pk)
    return user


def session_user(request: HttpRequest) -> Any:
    """``django.contrib.auth.get_user``, with :func:`user_by_pk` for ``ModelBackend``."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            user = _backend_user(request, load_backend(backend_path), user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    verified = constant_time_compare(session_hash, session_auth_hash)
                if not verified:
                    # Made with a fallback secret: take it, under a new key and the current hash.
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(django_middleware.AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
