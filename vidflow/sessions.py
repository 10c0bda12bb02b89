"""Django's database sessions, read with one statement written once (``SESSION_ENGINE``).

Sessions still live in the database alone (settings.py says why): this store is
``django.contrib.sessions.backends.db`` with the read of a session by its key done without
building a queryset each time (``vidflow.rows``), the hottest lookup of every browser request.
Same table, same encoding, same rule (a session past its expiry date is not there), so sessions
made by either engine are read by the other; writes, logout and expiry are Django's.

And the session's user comes in the same round trip when this process has seen who signed in
with that session before: the statement then also reads that user's row. Which user a session
belongs to is only ever taken from the session's own signed data; the remembered id only says
which row to read along, and ``accounts.middleware`` uses that row only when it is the user the
session names (else it reads the right one, as without a hint). Both rows are read at request
time: nothing is served from memory.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from vidflow.rows import Columns, fetch_one

# session key -> the id of the user last signed in with it (in this process): a hint only.
_user_hints: dict[str, Any] = {}
_MAX_HINTS = 50_000


def remember_user(session_key: str | None, user_id: Any) -> None:
    """Read ``user_id``'s row with this session from now on (if the session names them)."""
    if not session_key:
        return
    if len(_user_hints) >= _MAX_HINTS:
        _user_hints.clear()
    _user_hints[session_key] = user_id


@functools.cache
def _user_columns() -> Columns[Any]:
    return Columns(get_user_model(), "u")


@functools.cache
def _read_sql(model: type, using: str, with_user: bool) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta  # type: ignore[attr-defined]
    column = {f.name: f"s.{quote(f.column)}" for f in meta.concrete_fields}
    where = f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    if not with_user:
        return f"SELECT {column['session_data']} FROM {quote(meta.db_table)} s {where}"  # noqa: S608
    user = _user_columns()
    user_pk = quote(user.model._meta.pk.column)
    return (
        f"SELECT {column['session_data']}, {user.sql(using)} "  # noqa: S608
        f"FROM {quote(meta.db_table)} s LEFT JOIN {user.table(using)} ON u.{user_pk} = %s {where}"
    )


class SessionStore(DatabaseSessionStore):
    # (user id, that user or None when there is no such row), read along with the session.
    _user_read_along: tuple[Any, Any] | None = None

    def load(self) -> dict[str, Any]:
        key = self.session_key
        row = None
        if key:
            using = router.db_for_read(self.model)
            now = connections[using].ops.adapt_datetimefield_value(timezone.now())
            hinted = _user_hints.get(key)
            if hinted is None:
                row = fetch_one(_read_sql(self.model, using, False), [key, now], using=using)
            else:
                sql = _read_sql(self.model, using, True)
                row = fetch_one(sql, [hinted, key, now], using=using)
                if row is not None:
                    user = _user_columns()
                    values = row[1:]
                    found = values[user.pk_index] is not None  # NULL: no such user
                    self._user_read_along = (hinted, user.instance(values) if found else None)
        if row is None:
            # As Django's: an unknown or expired key is forgotten, a new one is made on save.
            self._session_key = None
            return {}
        return dict(self.decode(row[0]))

    def user_read_along(self, user_id: Any) -> tuple[bool, Any]:
        """(True, the user's row as read with the session, or None if there was none) when the
        session was read along with ``user_id``'s row; (False, None) otherwise."""
        along = self._user_read_along
        if along is None or along[0] != user_id:
            return False, None
        return True, along[1]
