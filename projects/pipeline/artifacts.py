"""Moving media between providers (plain files in a working directory) and storage, and calling
a provider for one step of a run (now, or through a vendor job whose outcome continues it)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

from projects.models import Run
from vendors.base import CallbackTarget, InputFile, MediaFile, PendingJob, ProviderError
from vendors.jobs import callback_target, job_open, job_submitted
from vendors.models import JobStatus, VendorJob
from vidflow.storage import vendor_fetch_url


def seed_for(*parts: Any) -> int:
    """A stable seed: the same step of the same run draws the same picture (a redelivered task
    repeats itself exactly); a regeneration (a new run) draws a new one."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


@contextmanager
def workdir(prefix: str = "step") -> Iterator[Path]:
    """A private scratch directory for one step, removed afterwards whatever happens."""
    base = Path(settings.VIDFLOW_WORK_DIR)
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def input_file(file: FieldFile, into: Path) -> InputFile:
    """A stored artifact as a provider input: a local path (copied out of object storage when
    needed) and a short-lived URL a vendor can fetch."""
    name = str(file.name)
    if isinstance(default_storage, FileSystemStorage):
        path = Path(default_storage.path(name))
    else:
        path = into / Path(name).name
        with default_storage.open(name, "rb") as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    return InputFile(path=path, url=vendor_fetch_url(file))


def store(field: FieldFile, media: MediaFile) -> None:
    """Save a provider's file into a model's file field under a server-chosen name (the field's
    ``upload_to``). The file it replaces is deleted only after the transaction commits."""
    old = field.name
    with media.path.open("rb") as handle:
        field.save(media.path.name, File(handle), save=False)
    if old and old != field.name:
        transaction.on_commit(lambda: default_storage.delete(old))


def provider_call(
    run: Run,
    provider: Any,
    *,
    capability: str,
    purpose: str,
    target_id: Any,
    call: Callable[[CallbackTarget | None], MediaFile | PendingJob],
) -> MediaFile | None:
    """Call a provider for one step of a run (``purpose``) on one target (a shot, an entry).

    Offline providers answer now (the file). A vendor gets the job once — a retried or redelivered
    task finds the job row and never submits the step again — and None is returned: the vendor's
    callback (or the poller) continues the step through the purpose's handler
    (``projects.pipeline.jobs.JOB_PURPOSES``).
    """
    if provider.name == "offline":
        result = call(None)
        if not isinstance(result, MediaFile):
            raise ProviderError(f"the offline {capability} provider did not produce a file")
        return result
    job, created = job_open(
        run=run, vendor=provider.name, capability=capability, purpose=purpose, target_id=target_id
    )
    if not created:
        return None  # submitted by an earlier delivery of this task; its outcome will continue it
    result = call(callback_target(job))
    if isinstance(result, PendingJob):
        job_submitted(job_id=job.pk, external_id=result.external_id)
        return None
    return result


def job_media(job: VendorJob, into: Path, *, suffix: str, content_type: str) -> MediaFile:
    """A finished vendor job's result, downloaded into ``into``. Raises ProviderError saying why
    when the vendor reported a failure, gave no result, or the download failed."""
    from vendors.http.client import download

    if not job.outcome or job.status == JobStatus.FAILED or not job.outcome.get("urls"):
        reason = (job.outcome or {}).get("error") or "the vendor reported a failure"
        raise ProviderError(f"{job.vendor}: {reason}", vendor=job.vendor)
    path = download(job.outcome["urls"][0], into / f"result{suffix}")
    return MediaFile(path=path, content_type=content_type)
