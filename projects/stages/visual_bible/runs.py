"""The visual bible stage's work on a worker: its run kinds and vendor-job handlers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from projects.models import (
    BibleEntry,
    BibleKind,
    Project,
    Run,
    Variation,
)
from projects.pipeline import fanin, job_handler, run_kind
from projects.pipeline.artifacts import collect_result, invoke_provider, workdir
from projects.pipeline.fanin import Tally
from projects.pipeline.models import JobStatus, VendorJob
from projects.services import run_progress
from projects.stages.base import (
    locked_active_run,
    run_project,
    story_context,
)
from projects.stages.production.runs import project_style, seed_for, visual_ref
from vendors import registry
from vendors.base import (
    BibleSuggestion,
    ImageRequest,
    MediaFile,
    ProviderError,
    ProviderUnavailableError,
)
from vidflow.api.error_codes import ErrorCode

from .services import (
    BIBLE_RUN,
    LABEL,
    MAX_SUGGESTIONS,
    PURPOSE,
    VARIATION_RUN,
    drawing_failed,
    entry_traits,
    land_variation,
    variation_prompt,
)


def _checked_bible(suggestions: list[BibleSuggestion]) -> list[BibleSuggestion]:
    seen: set[tuple[str, str]] = set()
    cleaned = []
    for s in suggestions[:MAX_SUGGESTIONS]:
        name = " ".join(str(s.name).split())[:100]
        if s.kind not in BibleKind.values or not name or (s.kind, name.casefold()) in seen:
            continue
        seen.add((s.kind, name.casefold()))
        cleaned.append(
            BibleSuggestion(
                kind=s.kind,
                name=name,
                description=" ".join(str(s.description).split())[:2000],
                color=str(s.color or ""),
                shape=str(s.shape or ""),
            )
        )
    return cleaned


@run_kind(BIBLE_RUN)
def _bible(run: Run) -> None:
    if "plan" not in run.params:  # a redelivered task has its plan already
        project = run_project(run, "channel")
        narration = tuple(project.chapters.values_list("narration", flat=True))
        suggestions = _checked_bible(
            registry.provider("text").bible(story_context(project), narration=narration)
        )
        with transaction.atomic():
            if locked_active_run(run) is None:
                return
            _plan_bible(run, suggestions)
    _draw(run)


def _plan_bible(run: Run, suggestions: list[BibleSuggestion]) -> None:
    """Create the new entries and decide which entries the run's slots draw (inside the landing
    transaction, project locked: a user adding an entry meanwhile waits, so names stay unique)."""
    assert run.project_id is not None
    caps = {
        BibleKind.CHARACTER: int(run.params.get("maxCharacters", 0)),
        BibleKind.LOCATION: int(run.params.get("maxLocations", 0)),
    }
    entries = list(BibleEntry.objects.filter(project_id=run.project_id))
    by_name = {(e.kind, e.name.casefold()): e for e in entries}
    drawn = set(
        Variation.objects.filter(entry__project_id=run.project_id).values_list(
            "entry_id", flat=True
        )
    )
    to_draw = {kind: [e for e in entries if e.kind == kind and e.pk not in drawn] for kind in caps}
    confirmed, created, skipped = [], [], []
    for s in suggestions:
        known = by_name.get((s.kind, s.name.casefold()))
        if known is not None:
            confirmed.append(known.pk)  # the narration still has it: no longer stale
            continue
        kind = BibleKind(s.kind)
        if len(to_draw[kind]) >= caps[kind]:
            skipped.append(s.name)
            continue
        entry = BibleEntry(
            project_id=run.project_id,
            kind=kind,
            name=s.name,
            description=s.description,
            traits=entry_traits(kind, s.name, {"color": s.color, "shape": s.shape}),
        )
        created.append(entry)
        to_draw[kind].append(entry)
        by_name[(kind, s.name.casefold())] = entry
    BibleEntry.objects.bulk_create(created)
    BibleEntry.objects.filter(pk__in=confirmed, stale=True).update(stale=False)
    plan = [
        {"entry": str(e.pk), "part": f"{LABEL[kind]}:{slot}", "name": e.name}
        for kind in caps
        for slot, e in enumerate(to_draw[kind][: caps[kind]], start=1)
    ]
    run.params = {**run.params, "plan": plan, "created": len(created), "skipped": skipped}
    run.save(update_fields=["params"])
    run_progress(run_id=run.pk, done=0, total=len(plan))


@run_kind(VARIATION_RUN)
def _variation(run: Run) -> None:
    _draw(run)


def _draw(run: Run) -> None:
    """Draw every planned entry that this run has not drawn yet, then settle the run.

    Offline, each picture is made and landed here; a vendor gets one job per entry (never
    resubmitted by a redelivered task) and its callback lands the picture and settles the run.
    """
    run = Run.objects.get(pk=run.pk)
    project = run_project(run, "channel")
    done = _drawn(run)
    failed = run.params.get("failed", {})
    for item in run.params.get("plan", []):
        entry = BibleEntry.objects.filter(pk=item["entry"], project=project).first()
        if entry is None or item["entry"] in done or item["entry"] in failed:
            continue
        try:
            _draw_one(run, project, entry)
        except ProviderUnavailableError:
            raise  # no image provider at all: the run fails as a whole (and is refunded)
        except ProviderError as exc:
            drawing_failed(run_id=run.pk, entry_id=entry.pk, reason=str(exc))
    settle(run_id=run.pk)


def _draw_one(run: Run, project: Project, entry: BibleEntry) -> None:
    """One picture of an entry at the project's size, in its colour and shape (the references
    the image provider draws it from): landed now (offline), or left to the vendor's job."""
    provider = registry.provider("image")
    width, height = project.size
    request = ImageRequest(
        prompt=variation_prompt(entry),
        width=width,
        height=height,
        seed=seed_for(entry.pk, run.pk, "variation"),
        style=project_style(project),
        references=(visual_ref(entry),),
    )
    with workdir("variation") as into:
        media = invoke_provider(
            run,
            provider=provider,
            capability="image",
            purpose=PURPOSE,
            target_id=entry.pk,
            call=lambda callback: provider.generate(request, workdir=into, callback=callback),
        )
        if media is None:
            return  # a vendor has it; its callback lands it
        if not isinstance(media, MediaFile):
            raise ProviderError("the image provider did not produce a file")
        land_variation(run_id=run.pk, entry_id=entry.pk, media=media)


def _drawn(run: Run) -> set[str]:
    return {str(pk) for pk in Variation.objects.filter(run=run).values_list("entry_id", flat=True)}


def _drawings_tally(run: Run) -> Tally | None:
    if "plan" not in run.params:
        return None
    plan = run.params["plan"]
    ids = [item["entry"] for item in plan]
    drawn = _drawn(run)
    alive = {str(pk) for pk in BibleEntry.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    failed: dict[str, str] = run.params.get("failed", {})
    settled = [i for i in ids if i in drawn or i in failed or i not in alive]
    variations = {
        str(entry): str(pk)
        for entry, pk in Variation.objects.filter(run=run).values_list("entry_id", "pk")
    }
    result: dict[str, Any] = {
        "entries": [
            {
                "entryId": item["entry"],
                "name": item["name"],
                "variationId": variations.get(item["entry"]),
            }
            for item in plan
        ],
        "drawn": len(drawn),
    }
    if "created" in run.params:
        result["created"] = run.params["created"]
        result["skipped"] = run.params.get("skipped", [])
    failure = None
    if failed:
        result["failed"] = failed
        message = f"{len(failed)} of {len(ids)} drawings failed; their credit is refunded."
        failure = (ErrorCode.VENDOR_ERROR, message)
    elif ids and not drawn:
        message = "Nothing was drawn: the entries were deleted meanwhile. Refunded."
        failure = (ErrorCode.NOT_FOUND, message)
    return Tally(total=len(ids), settled=len(settled), result=result, failure=failure)


def settle(*, run_id: Any) -> None:
    """When every planned drawing has been stored, failed or lost its entry, finish the run and
    refund the slots that were not drawn (``pipeline.fanin``)."""
    fanin.settle(run_id=run_id, tally=_drawings_tally)


@job_handler(PURPOSE)
def variation_job_finished(job: VendorJob) -> None:
    """A vendor finished drawing an entry: store the picture (or record why not) and settle the
    run."""
    failure = ""
    if job.status != JobStatus.SUCCEEDED:
        reason = (job.outcome or {}).get("error") or "the vendor reported a failure"
        failure = f"{job.vendor}: {reason}"
    else:
        with workdir("download") as into:
            try:
                media = collect_result(job, into=into)
            except ProviderError as exc:
                failure = str(exc)
            else:
                land_variation(run_id=job.run_id, entry_id=job.target_id, media=media)
    if failure:
        drawing_failed(run_id=job.run_id, entry_id=job.target_id, reason=failure)
    settle(run_id=job.run_id)
