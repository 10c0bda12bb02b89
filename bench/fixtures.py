"""Data the benchmarks build on."""

from __future__ import annotations

import uuid

from accounts.models import User
from billing.services import account_open
from projects.models import Project, Shot


def bench_user(prefix: str = "bench") -> User:
    user = User.objects.create_user(
        username=f"{prefix}-{uuid.uuid4().hex[:8]}", email=f"{uuid.uuid4().hex}@bench.local"
    )
    account_open(user=user)
    return user


def project_with_shots(user: User, n: int) -> Project:
    project = Project.objects.create(owner=user, title=f"{n} shots", selected_title="Bench")
    Shot.objects.bulk_create(
        Shot(project=project, position=i, start=i * 5.0, end=i * 5.0 + 5.0) for i in range(n)
    )
    return project
