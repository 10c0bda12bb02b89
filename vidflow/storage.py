"""Artifact storage: server-chosen names, signed links that are capabilities, cleanup by project.

Files live under ``projects/<project id>/<kind>/<random>.<ext>``; no part of a stored name comes
from a user. A link is a capability, like an S3 pre-signed URL: whoever holds it gets the file,
with no cookie or token, until it expires, so an ``<img>`` or ``<video>`` tag on an integrator's
page and a CLI download just work; nobody can make one up or stretch its life. Links reach only
the files' owner (in the answers of their own requests) and whoever they pass them on to. With
S3 storage the bucket's own presigned URL is used instead.

A link is ``/api/files/<id>.<expiry>.<mac>``: ``id`` is the stored name sealed with AES-SIV
(deterministic, so one name always gets the same id, and authenticated, so an id cannot be made
up), which shows neither the path nor the owner; ``mac`` is one HMAC-SHA256 over
``<id>.<expiry>[.<download name>]``. Links made before they were capabilities also bound the
owner's id into the MAC; those still open for their owner until they expire. Expiries fall on a
five-minute grid, so a link stays the same for five minutes (browsers keep the file cached across
polls) and is built once per artifact in that time (memoized); a link lasts between
``ARTIFACT_URL_MAX_AGE`` minus five minutes and ``ARTIFACT_URL_MAX_AGE``. The project payload
builds dozens of links on every poll: this costs a dictionary lookup per link where a signed,
compressed JSON token cost about 15 microseconds.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import posixpath
import time
import uuid
from pathlib import PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {"png", "jpg", "jpeg", "webp", "mp4", "wav", "mp3", "m4a", "srt", "vtt", "ass"}


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


LINK_GRID = 300  # seconds: expiries are multiples of this, so a link is stable that long
_MAC_BYTES = 16


@functools.lru_cache(maxsize=8)
def _keys(secret: str) -> tuple[AESSIV, bytes]:
    """The sealing and signing keys, derived from SECRET_KEY (rotating it voids every link)."""

    def derive(label: str) -> bytes:
        return hashlib.sha512(f"vidflow.artifact.{label}:{secret}".encode()).digest()

    return AESSIV(derive("seal")), derive("mac")[:32]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=16384)
def _file_id(name: str, secret: str) -> str:
    return _b64(_keys(secret)[0].encrypt(name.encode(), None))


def _mac(file_id: str, expires: int, owner: str | None, secret: str, dname: str = "") -> str:
    message = f"{file_id}.{expires}.{owner or ''}.{dname}".encode()
    return _b64(hmac.digest(_keys(secret)[1], message, "sha256")[:_MAC_BYTES])


@functools.lru_cache(maxsize=16384)
def _link(name: str, owner: str | None, expires: int, secret: str, base: str, filename: str) -> str:
    """``<sealed name>.<expiry>[.<download name>].<mac>``: the stored name is sealed (opaque to
    the holder), the MAC binds it, the expiry, the owner and the download name together."""
    file_id = _file_id(name, secret)
    dname = _b64(filename.encode()) if filename else ""
    mac = _mac(file_id, expires, owner, secret, dname)
    token = f"{file_id}.{expires}.{dname}.{mac}" if dname else f"{file_id}.{expires}.{mac}"
    return base + reverse("artifact-file", kwargs={"token": token})


def _signed_link(name: str, owner: str | None, filename: str | None = None) -> str:
    lifetime = settings.ARTIFACT_URL_MAX_AGE
    grid = LINK_GRID if lifetime >= 2 * LINK_GRID else 1
    expires = (int(time.time()) + lifetime) // grid * grid
    return _link(
        name, owner, expires, settings.SECRET_KEY, settings.PUBLIC_BASE_URL, filename or ""
    )


def download_name(title: str, what: str, name: str | None) -> str | None:
    """A readable file name for a download: ``octopus-hearts-final.mp4`` from the title, what
    the file is and the stored file's extension (None when there is no file)."""
    if not name:
        return None
    ext = PurePosixPath(str(name)).suffix.lower()
    return f"{_download_stem(title)}-{what}{ext}"


@functools.lru_cache(maxsize=4096)
def _download_stem(title: str) -> str:
    return slugify(title)[:60].strip("-") or "vidflow"


def artifact_url(file: FieldFile | str | None, *, filename: str | None = None) -> str | None:
    """A link to a stored artifact (a file field, or its stored name), or None when there is
    none: a capability, valid for anyone holding it until it expires. ``filename`` is the name
    the download carries (``Content-Disposition``), e.g. ``download_name(title, "final", name)``."""
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
    return _signed_link(name, None, filename)


def vendor_fetch_url(file: FieldFile) -> str:
    """A short-lived capability link a vendor fetches an input from (e.g. a shot's still)."""
    name = str(file.name)
    if not isinstance(default_storage, FileSystemStorage):
        return str(file.storage.url(name))
    return _signed_link(name, None)


def _parts(token: str) -> tuple[str, int, str, str]:
    parts = token.split(".")
    try:
        if len(parts) == 3:
            return parts[0], int(parts[1]), "", parts[2]
        if len(parts) == 4:
            return parts[0], int(parts[1]), parts[2], parts[3]
    except ValueError:
        pass
    raise signing.BadSignature("not an artifact link")


def artifact_download_name(token: str) -> str | None:
    """The readable name a link carries for its download, if any (read after
    :func:`artifact_grant` has checked the link; the MAC covers it)."""
    dname = _parts(token)[2]
    if not dname:
        return None
    try:
        return _unb64(dname).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def artifact_grant(token: str, *, user_id: Any) -> str:
    """The stored name a link grants: any holder's link (every link made now), or one made
    before links were capabilities, bound to ``user_id`` (None: nobody signed in).

    Raises ``signing.BadSignature`` when the link is forged, altered, someone else's, or
    ``signing.SignatureExpired`` when too old.
    """
    secret = settings.SECRET_KEY
    file_id, expires, dname, mac = _parts(token)
    owners = (None,) if user_id is None else (str(user_id), None)
    if not any(
        hmac.compare_digest(mac, _mac(file_id, expires, owner, secret, dname)) for owner in owners
    ):
        raise signing.BadSignature("not a valid artifact link")
    if expires < time.time():
        raise signing.SignatureExpired("this artifact link has expired")
    try:
        return _keys(secret)[0].decrypt(_unb64(file_id), None).decode()
    except (InvalidTag, ValueError):  # a MAC that matched, over an id we never made
        raise signing.BadSignature("not a valid artifact link") from None


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
