"""``manage.py create_bucket``: create the artifact bucket unless it exists (idempotent).

Run once per deployment, beside ``migrate`` (compose.yaml's one-off ``migrate`` service and the
Procfile's ``release`` do both). With local file storage there is nothing to create.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import storages
from django.core.management.base import BaseCommand

from vidflow.s3 import ArtifactS3Storage


class Command(BaseCommand):
    help = "Create the S3 bucket artifacts are stored in, unless it exists."

    def handle(self, *args: Any, **options: Any) -> None:
        storage = storages["default"]
        if not isinstance(storage, ArtifactS3Storage):
            self.stdout.write("Artifacts are stored on local disk: no bucket to create.")
            return
        if storage.ensure_bucket():
            self.stdout.write(f"Created bucket {storage.bucket_name}.")
        else:
            self.stdout.write(f"Bucket {storage.bucket_name} exists.")
