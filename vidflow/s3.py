"""Artifacts in an S3-compatible bucket (AWS S3, SeaweedFS, MinIO, Ceph, R2...).

``AWS_STORAGE_BUCKET_NAME`` turns it on (settings.py). Workers write every artifact to the bucket
and read their inputs back from it (projects/pipeline/artifacts.py ``input_file``), so no two
machines share a disk. Links are pre-signed GET URLs that last ``ARTIFACT_URL_MAX_AGE``, as the
server's own signed links do.

Inside a private network the servers reach the store at one address (``AWS_S3_ENDPOINT_URL``,
e.g. ``http://s3:8333``) that browsers and vendors cannot; ``AWS_S3_PUBLIC_ENDPOINT_URL`` is the
address links are signed for (the same store, as the outside reaches it). Signing needs no call to
the store: the link is computed here.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import CommandError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class ArtifactS3Storage(S3Storage):
    """django-storages' S3 storage whose links may name a public endpoint of the store."""

    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        defaults["public_endpoint_url"] = None
        return defaults

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._public = threading.local()

    def _public_client(self) -> Any:
        client = getattr(self._public, "client", None)
        if client is None:
            client = self._create_session().client(
                "s3",
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                endpoint_url=self.public_endpoint_url,
                config=self.client_config,
                verify=self.verify,
            )
            self._public.client = client
        return client

    def url(
        self,
        name: str,
        parameters: dict[str, Any] | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        if not self.public_endpoint_url:
            return str(super().url(name, parameters, expire, http_method))
        params = {
            **(parameters or {}),
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return str(
            self._public_client().generate_presigned_url(
                "get_object",
                Params=params,
                ExpiresIn=self.querystring_expire if expire is None else expire,
                HttpMethod=http_method,
            )
        )

    def ensure_bucket(self) -> bool:
        """Create the bucket unless it exists; True when it was created."""
        client = self.connection.meta.client
        try:
            client.head_bucket(Bucket=self.bucket_name)
            return False
        except client.exceptions.ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code not in ("404", "NoSuchBucket", "NotFound"):
                raise CommandError(f"cannot reach bucket {self.bucket_name}: {exc}") from exc
        options: dict[str, Any] = {"Bucket": self.bucket_name}
        if self.region_name and self.region_name != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": self.region_name}
        client.create_bucket(**options)
        return True
