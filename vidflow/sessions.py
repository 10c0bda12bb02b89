"""Django's database sessions, read with one statement written once (``SESSION_ENGINE``).

Sessions still live in the database alone (settings.py says why): this store is
``django.contrib.sessions.backends.db`` with the read of a session by its key done without
building a queryset each time (``vidflow.rows``), the hottest lookup of every browser request.
Same table, same encoding, same rule (a session past its expiry date is not there), so sessions
made by either engine are read by the other; writes, logout and expiry are Django's.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from vidflow.rows import fetch_one


@functools.cache
def _read_sql(model: type, using: str) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta  # type: ignore[attr-defined]
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    return (
        f"SELECT {column['session_data']} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        row = None
        if key:
            using = router.db_for_read(self.model)
            now = connections[using].ops.adapt_datetimefield_value(timezone.now())
            row = fetch_one(_read_sql(self.model, using), [key, now], using=using)
        if row is None:
            # As Django's: an unknown or expired key is forgotten, a new one is made on save.
            self._session_key = None
            return {}
        return dict(self.decode(row[0]))
