"""What oauth_device adds to django-oauth-toolkit's models (applications, tokens, device grants)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TokenActivity(models.Model):
    """When a user's tokens for one client were last used, for the connected-apps page.

    Keyed by (user, application) rather than by token, because access tokens are replaced on
    every refresh. Written at most once a minute per pair (see ``services.token_activity_record``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_activity"
    )
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    last_used_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "token activity"
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="uniq_token_activity")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} via {self.application_id} at {self.last_used_at:%Y-%m-%d %H:%M}"
