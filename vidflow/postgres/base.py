"""Django's PostgreSQL backend (``ENGINE = "vidflow.postgres"``, set by settings.py for every
``postgres://`` DATABASE_URL), with one change: the health check (``CONN_HEALTH_CHECKS``), run
before the first query of each request on a reused connection, first looks at the connection's
socket instead of sending ``SELECT 1``.

An idle connection has nothing to read: PostgreSQL speaks only when asked, except when it ends
the session (a restart, a failover, ``pg_terminate_backend``, an idle timeout), which it does by
sending its FATAL message and closing the socket. So a socket with nothing to read and a
connection psycopg has not seen break passes without a round trip; anything to read (the
goodbye, EOF, an unsolicited notice) sends the check down Django's way (``SELECT 1``, and a new
connection if that fails). What neither way sees at once is a peer gone without a word (a cable
cut): ``SELECT 1`` would wait for TCP to give up as the request's own query then does.

The round trip it saves was one of five a project read made.

And ``prepared_cursor()``, for the hottest statement (the project payload, ``projects.payload``),
whose planning cost PostgreSQL more than running it (0.7 ms against 0.4 ms): a cursor with
server-side parameters whose statements psycopg prepares once one has run a few times on the
connection, so PostgreSQL plans it once per connection (choosing a generic plan once it is no
worse than the custom ones) instead of on every request. Django's own cursors bind on the client
and are never prepared, so nothing else changes. ``DATABASES["default"]["PREPARED_STATEMENTS"]``
(``DB_PREPARED_STATEMENTS=0``) turns it off, for a pooler in transaction mode that cannot keep
prepared statements; a migration that changes a table the statement reads makes the processes
still running on old connections fail it until they reconnect (``CONN_MAX_AGE``).
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
from django.utils.asyncio import async_unsafe

PREPARE_AFTER = 3  # runs of a statement on one connection before psycopg prepares it


def _nothing_to_read(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


class DatabaseWrapper(PostgresDatabaseWrapper):
    def _socket_quiet(self) -> bool:
        connection = self.connection
        try:
            if connection is None or connection.closed or connection.broken:
                return False
            return _nothing_to_read(connection.fileno())
        except Exception:  # no socket to look at: ask the database
            return False

    def close_if_health_check_failed(self) -> None:
        if (
            not self.pool  # type: ignore[attr-defined]
            and self.health_check_enabled  # type: ignore[attr-defined]
            and not self.health_check_done  # type: ignore[has-type]
            and self._socket_quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    @async_unsafe
    def prepared_cursor(self) -> Any:
        """A cursor whose statements are prepared after a few runs (see above); an ordinary one
        when ``PREPARED_STATEMENTS`` is off."""
        if not self.settings_dict.get("PREPARED_STATEMENTS", True):
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            raw = self.connection
            if raw.prepare_threshold is None:  # psycopg prepares nothing without one
                raw.prepare_threshold = PREPARE_AFTER
            return self._prepare_cursor(ServerBindingCursor(raw))  # type: ignore[attr-defined]
