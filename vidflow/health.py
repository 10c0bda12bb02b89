"""Liveness and readiness probes (plain JSON, outside the API envelope)."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vidflow.celery import app as celery_app

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("readiness: database unreachable: %s", exc)
        return type(exc).__name__
    return None


def _broker_ok() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("readiness: broker unreachable: %s", exc)
        return type(exc).__name__
    return None


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the broker are reachable, so requests and generation can proceed."""
    problems = {
        name: err for name, err in (("database", _database_ok()), ("broker", _broker_ok())) if err
    }
    body = {
        "status": "ready" if not problems else "unavailable",
        "checks": {
            "database": "ok" if "database" not in problems else f"error: {problems['database']}",
            "broker": "ok" if "broker" not in problems else f"error: {problems['broker']}",
        },
    }
    return JsonResponse(body, status=200 if not problems else 503)
