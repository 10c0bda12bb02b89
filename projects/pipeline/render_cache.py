"""The renderer's cache (``vendors.render.cache``) in the app's storage, one folder per project:
``projects/<project id>/render-cache/<key>``.

Beside the project's artifacts, so every worker on every machine (and an S3 bucket) shares it, and
deleting the project deletes it with the rest of its folder. Entries are written whole or not at
all (a local file is moved into place; an object store shows an object only once uploaded), and an
entry never changes once written (its name is the hash of everything that made it), so readers
take no lock.

After each render the folder is collected: the entries that render used are kept, and the rest
are deleted oldest first until the folder holds at most ``RENDER_CACHE_MB`` (so a project keeps
its latest render's segments plus, room permitting, those of a few before it, e.g. to undo an edit).
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

from vendors.render.cache import place_atomically
from vidflow.storage import project_prefix

logger = logging.getLogger(__name__)

FOLDER = "render-cache"
STALE_TEMPORARY = 3600  # seconds: a half-written local file older than this was abandoned


def render_cache_prefix(project_id: Any) -> str:
    return f"{project_prefix(project_id)}{FOLDER}/"


@dataclass(frozen=True)
class Collected:
    kept: int
    removed: int
    bytes: int  # what the folder holds afterwards


class StorageRenderCache:
    """A ``vendors.render.RenderCache`` in storage for one project, which remembers the entries
    it handed out or received (``used``) so that collection keeps them."""

    def __init__(self, project_id: Any, storage: Storage | None = None) -> None:
        self.storage = storage or default_storage
        self.prefix = render_cache_prefix(project_id)
        self.used: set[str] = set()
        self._lock = threading.Lock()  # the renderer calls get and put from several threads

    def _name(self, key: str) -> str:
        if not key or posixpath.basename(key) != key or key.startswith("."):
            raise ValueError(f"not a cache key: {key!r}")
        return self.prefix + key

    def _local(self, name: str) -> Path | None:
        """The file behind ``name`` when storage is a local folder."""
        if isinstance(self.storage, FileSystemStorage):
            return Path(self.storage.path(name))
        return None

    def _use(self, key: str) -> None:
        with self._lock:
            self.used.add(key)

    def get(self, key: str, into: Path) -> bool:
        name = self._name(key)
        local = self._local(name)
        if local is not None:
            try:
                os.link(local, into)  # entries never change, so sharing the file is safe
            except FileNotFoundError:
                return False
            except OSError:
                shutil.copyfile(local, into)  # another file system
            os.utime(local)  # recently used: collected last
        else:
            try:
                with self.storage.open(name, "rb") as source, into.open("wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
            except FileNotFoundError:
                into.unlink(missing_ok=True)
                return False
        self._use(key)
        return True

    def put(self, key: str, source: Path) -> None:
        name = self._name(key)
        local = self._local(name)
        if local is not None:
            local.parent.mkdir(parents=True, exist_ok=True)
            place_atomically(source, local)
        elif not self.storage.exists(name):
            with source.open("rb") as handle:
                saved = self.storage.save(name, File(handle))
            if saved != name:  # another worker stored the same entry first: same bytes
                self.storage.delete(saved)
        self._use(key)

    def collect(self, max_bytes: int) -> Collected:
        """Keep every entry this cache was used for; delete the others, oldest first, until the
        folder holds at most ``max_bytes``."""
        try:
            _, names = self.storage.listdir(self.prefix)
        except FileNotFoundError:
            return Collected(0, 0, 0)
        entries: list[tuple[float, str, int]] = []  # (last written or used, key, bytes)
        removed = 0
        for key in names:
            name = self.prefix + key
            try:
                size = self.storage.size(name)
                when = self.storage.get_modified_time(name).timestamp()
            except FileNotFoundError:
                continue
            if key.startswith("."):  # a local write that never finished
                if time.time() - when > STALE_TEMPORARY:
                    self.storage.delete(name)
                continue
            entries.append((when, key, size))
        total = sum(size for _, _, size in entries)
        for _, key, size in sorted(entries):
            if total <= max_bytes:
                break
            if key in self.used:
                continue
            self.storage.delete(self.prefix + key)
            total -= size
            removed += 1
        return Collected(len(entries) - removed, removed, total)


def project_render_cache(project_id: Any) -> StorageRenderCache | None:
    """The project's render cache, or None when ``RENDER_CACHE_MB`` is 0 (turned off)."""
    if settings.RENDER_CACHE_MB <= 0:
        return None
    return StorageRenderCache(project_id)


def collect_render_cache(cache: StorageRenderCache | None) -> None:
    """Collect after a render; a failure is logged, never the render's."""
    if cache is None:
        return
    try:
        collected = cache.collect(settings.RENDER_CACHE_MB * 1024 * 1024)
    except Exception:
        logger.warning("could not collect the render cache %s", cache.prefix, exc_info=True)
        return
    logger.info(
        "render cache %s: %d kept, %d removed, %.1f MB",
        cache.prefix,
        collected.kept,
        collected.removed,
        collected.bytes / 1e6,
    )
