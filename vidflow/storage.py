"""Artifact storage: server-chosen names, owner-only signed links, cleanup by project.

Files live under ``projects/<project id>/<kind>/<random>.<ext>``; no part of a stored name comes
from a user. Links are signed with the owner's id and an expiry, so an ``<img>`` or ``<video>`` tag
and a CLI download work without sending credentials, and nobody else can forge one. With S3
storage the bucket's own presigned URL is used instead.
"""

from __future__ import annotations

import logging
import os
import posixpath
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {"png", "jpg", "jpeg", "webp", "mp4", "wav", "mp3", "m4a", "srt", "vtt", "ass"}
_SIGNING_SALT = "vidflow.artifact"


def project_prefix(project_id: Any) -> str:
    return f"projects/{project_id}/"


def _project_id_of(instance: Any) -> Any:
    project_id = getattr(instance, "project_id", None)
    if project_id is None:
        raise ValueError(f"{type(instance).__name__} has no project to file its artifact under")
    return project_id


@deconstructible
class ArtifactPath:
    """``upload_to`` for artifact fields: ``projects/<id>/<kind>/<uuid>.<ext>``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, instance: Any, filename: str) -> str:
        ext = PurePosixPath(filename).suffix.lower().lstrip(".")
        if ext not in ALLOWED_EXTENSIONS:
            raise ValueError(f"Refusing to store a .{ext} file")
        return posixpath.join(
            project_prefix(_project_id_of(instance)), self.kind, f"{uuid.uuid4().hex}.{ext}"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactPath) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


def _signed_link(name: str, owner: str | None, filename: str | None = None) -> str:
    grant: dict[str, Any] = {"n": name, "u": owner}
    if filename:
        grant["d"] = filename
    token = signing.dumps(grant, salt=_SIGNING_SALT, compress=True)
    return settings.PUBLIC_BASE_URL + reverse("artifact-file", kwargs={"token": token})


def download_name(title: str, what: str, name: str | None) -> str | None:
    """A readable file name for a download: ``octopus-hearts-final.mp4`` from the title, what
    the file is and the stored file's extension (None when there is no file)."""
    if not name:
        return None
    ext = PurePosixPath(str(name)).suffix.lower()
    stem = slugify(title)[:60].strip("-") or "vidflow"
    return f"{stem}-{what}{ext}"


def artifact_url(
    file: FieldFile | str | None, *, user_id: Any, filename: str | None = None
) -> str | None:
    """A link to a stored artifact (a file field, or its stored name) that opens only for
    ``user_id`` (session or bearer), or None when there is none. ``filename`` is the name the
    download carries (``Content-Disposition``), e.g. ``download_name(title, "final", name)``."""
    name = file if isinstance(file, str) else (file.name if file else None)
    if not name:
        return None
    if not isinstance(default_storage, FileSystemStorage):
        if filename:  # presigned by the object store, with the name it should be saved as
            disposition = f'inline; filename="{filename}"'
            try:
                return str(
                    default_storage.url(
                        name,  # type: ignore[call-arg]
                        parameters={"ResponseContentDisposition": disposition},
                    )
                )
            except TypeError:  # a storage whose url() takes no parameters
                pass
        return str(default_storage.url(name))
    return _signed_link(name, str(user_id), filename)


def vendor_fetch_url(file: FieldFile) -> str:
    """A short-lived capability link a vendor fetches an input from (e.g. a shot's still)."""
    name = str(file.name)
    if not isinstance(default_storage, FileSystemStorage):
        return str(file.storage.url(name))
    return _signed_link(name, None)


def artifact_download_name(token: str) -> str | None:
    """The readable name a (valid) signed link carries, if any."""
    payload = signing.loads(token, salt=_SIGNING_SALT, max_age=settings.ARTIFACT_URL_MAX_AGE)
    value = payload.get("d")
    return str(value) if value else None


def artifact_grant(token: str) -> tuple[str, str | None]:
    """The stored name a signed link grants and the owner it is bound to (None: any holder).

    Raises ``signing.BadSignature`` (or ``SignatureExpired``) when forged or too old.
    """
    payload = signing.loads(token, salt=_SIGNING_SALT, max_age=settings.ARTIFACT_URL_MAX_AGE)
    owner = payload.get("u")
    return str(payload["n"]), (str(owner) if owner is not None else None)


def delete_prefix(prefix: str) -> int:
    """Delete every stored file under ``prefix``; returns how many were removed."""
    removed = 0
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return 0
    for name in files:
        default_storage.delete(posixpath.join(prefix, name))
        removed += 1
    for directory in directories:
        removed += delete_prefix(posixpath.join(prefix, directory) + "/")
    if isinstance(default_storage, FileSystemStorage):
        path = default_storage.path(prefix)
        try:
            os.rmdir(path)
        except OSError:
            logger.debug("left non-empty directory %s", path)
    return removed
