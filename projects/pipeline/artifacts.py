"""Moving media between providers (plain files in a working directory) and storage."""

from __future__ import annotations

import logging
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
from projects.pipeline.models import VendorJob
from projects.pipeline.vendor_jobs import callback_target, job_claim_submit, job_open, job_submitted
from vendors.base import (
    CallbackTarget,
    InputFile,
    JobOutcome,
    MediaFile,
    PendingJob,
    ProviderError,
)
from vendors.http import async_adapter
from vendors.http.client import SubmitUncertainError
from vidflow.storage import vendor_fetch_url

logger = logging.getLogger(__name__)


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


def invoke_provider(
    run: Run,
    *,
    provider: Any,
    capability: str,
    purpose: str,
    target_id: Any,
    call: Callable[[CallbackTarget | None], Any],
) -> Any | None:
    """Call a provider for one step of a run.

    Offline providers answer now, and that answer is returned. A vendor gets a job opened first
    (unique per run, purpose and target, so a retried task never submits the step twice); when it
    accepts the work asynchronously this returns None and the job's callback (or the poller)
    continues the step through the purpose's handler (``projects.pipeline.jobs``).
    """
    if provider.name == "offline" or getattr(provider, "synchronous", False):
        # Done in the call (offline providers, stock libraries): no job, no callback.
        result = call(None)
        if isinstance(result, PendingJob):
            raise ProviderError(f"the offline {capability} provider did not finish its work")
        return result
    job, _ = job_open(
        run=run, vendor=provider.name, capability=capability, purpose=purpose, target_id=target_id
    )
    if not job_claim_submit(job=job):
        return None  # sent (or being sent) by an earlier delivery; its outcome continues it
    try:
        result = call(callback_target(job))
    except SubmitUncertainError:
        # The vendor may have the job: never resubmit. Its callback carries this job's id, and
        # the reaper fails and refunds the run if nothing ever comes.
        logger.warning("%s %s submit uncertain for run %s; waiting", provider.name, purpose, run.pk)
        return None
    except ProviderError:
        # The vendor refused or never got it: forget the job so the step can fail (or be retried)
        # cleanly instead of waiting for a callback that cannot come.
        VendorJob.objects.filter(pk=job.pk).delete()
        raise
    if isinstance(result, PendingJob):
        job_submitted(job_id=job.pk, external_id=result.external_id)
        return None
    return result


def job_outcome(job: VendorJob) -> JobOutcome:
    """A finished job's recorded outcome as the adapters understand it."""
    recorded = job.outcome or {}
    return JobOutcome(
        succeeded=job.status == "succeeded",
        urls=tuple(recorded.get("urls") or ()),
        error=str(recorded.get("error") or ""),
        data=dict(recorded.get("data") or {}),
    )


def collect_result(job: VendorJob, *, into: Path) -> MediaFile:
    """Download a successful vendor job's result file through the adapter that submitted it."""

    adapter = async_adapter(vendor=job.vendor, capability=job.capability)
    if adapter is None:
        raise ProviderError(f"no {job.vendor} adapter for {job.capability}", vendor=job.vendor)
    return adapter.collect(job_outcome(job), workdir=into)
