"""Periodic clean-up of the OAuth tables (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_device_grants_task() -> int:
    """Delete device grants long expired (denied, never approved, never redeemed)."""
    from .services import device_grants_sweep

    deleted = device_grants_sweep()
    if deleted:
        logger.info("deleted %d expired device grants", deleted)
    return deleted


@shared_task(ignore_result=True)
def clear_expired_tokens_task() -> None:
    """django-oauth-toolkit's ``cleartokens``: expired access tokens and refresh tokens revoked
    longer ago than a refresh token lives (kept until then, so reuse is still detected)."""
    from oauth2_provider.models import clear_expired

    clear_expired()
