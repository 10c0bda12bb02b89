from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A VidFlow account. Staff may suspend it: its API calls then answer ACCOUNT_SUSPENDED."""

    email = models.EmailField("email address", unique=True)
    suspended_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspension_reason = models.TextField(blank=True, editable=False)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None
