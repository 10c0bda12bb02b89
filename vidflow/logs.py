"""Log lines that say which run they belong to, as text or as one JSON object a line.

The task that works on a run binds its id (:func:`bound_run`) for as long as it works; every log
line written meanwhile, by our code or a library's, carries it as ``run_id`` (the filter on the
handler adds it, so nobody has to pass it along). ``LOG_FORMAT=json`` writes each line as one
JSON object (time, level, logger, message, run_id, and the exception when there is one), for a
log collector to index; ``plain`` (the default) is for people.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

current_run_id: ContextVar[str | None] = ContextVar("vidflow_run_id", default=None)


@contextmanager
def bound_run(run_id: Any) -> Iterator[None]:
    """Every log line written inside the block carries ``run_id``."""
    token = current_run_id.set(str(run_id) if run_id is not None else None)
    try:
        yield
    finally:
        current_run_id.reset(token)


class RunIdFilter(logging.Filter):
    """Puts the bound run id (or None) on every record as ``run_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "run_id"):
            record.run_id = current_run_id.get()
        return True


class PlainFormatter(logging.Formatter):
    """``<time> <level> <logger>: <message>``, with ``[run <id>]`` when a run is bound."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        run_id = getattr(record, "run_id", None)
        return f"{line} [run {run_id}]" if run_id else line


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "run_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, run_id, process, and any extra
    fields a caller passed (``logger.info(..., extra={...})``)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "run_id": getattr(record, "run_id", None),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
