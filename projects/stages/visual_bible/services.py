"""Visual bible: characters and locations, each drawn in variations; the selected variation of an
entry is the reference every later shot of it is drawn from.

How generating the bible is charged (``bible_generate``), and why this way
--------------------------------------------------------------------------
The price is per drawing (``visual_bible.variation`` for each character or location drawn), but
how many entries the narration holds is only known once the text provider has read it, and that
is the worker's job (a provider call never holds a request or a row lock). So the request charges
an upper bound it can decide up front: one separately refundable part per drawing *slot* —
``character:1`` … ``character:N`` and ``location:1`` … ``location:M``, with N and M from settings
(``VISUAL_BIBLE_MAX_CHARACTERS``, ``VISUAL_BIBLE_MAX_LOCATIONS``; 4 and 3) or lower if the request
asks. That is requireCredits as everywhere: the charge, the run and its task commit together, and
a balance below the bound is a 402 with nothing recorded.

The worker extracts the entries, keeps the user's own (no duplicate names), and fills the slots:
first the entries that have never been drawn (the user's own, then the new ones from the
narration), at most N characters and M locations; names beyond that are reported in the run's
result, not created. Each drawing that lands marks its slot landed, in the transaction that stores
it. When the run finishes — succeeded, failed, cancelled or reaped — every slot that did not land
is refunded, each exactly once (``credits_refund_unused``; ``run_fail``/``run_cancel`` do it
themselves, the success path here calls it after ``run_succeed``). So the user pays exactly
drawings times price, the bound is held only while the run works, and a retried task or a duplicate
vendor callback cannot land (or refund) a slot twice.

A single new variation (``variation_generate``) costs one part, ``variation``, refunded if its
drawing fails. Both run kinds share the drawing code below: the run's ``params["plan"]`` lists
what to draw (entry and slot); a vendor that draws asynchronously gets one job per entry
(purpose ``variation.image``) and its callback lands the picture and settles the run.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from billing.services import ChargePart, price
from projects.models import (
    ACTIVE_RUN_STATUSES,
    BibleEntry,
    BibleKind,
    Run,
    RunKind,
    Stage,
    Variation,
)
from projects.pipeline.artifacts import store
from projects.services import project_advance
from projects.stages.base import (
    lock_project,
    locked_active_run,
    mark_delivered,
    run_launch,
)
from projects.stages.production.runs import remember_icons, seed_for
from projects.staleness import after_reference_change
from vendors.base import (
    MediaFile,
)
from vendors.offline.pictures import icon_index
from vidflow.errors import InvalidTransition, NotFound, ValidationFailed

BIBLE_RUN = RunKind.VISUAL_BIBLE_GENERATE


VARIATION_RUN = RunKind.VISUAL_BIBLE_VARIATION


PURPOSE = "variation.image"


PRICE = "visual_bible.variation"


MAX_ENTRIES = 30  # per kind and project


MAX_SUGGESTIONS = 50


COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


SHAPE = re.compile(r"^[A-Za-z][A-Za-z -]{0,31}$")


# Defaults when neither the writer nor the user gave a look: chosen from the name, so the same
# name always looks the same.
PALETTE = (
    "#d1495b", "#edae49", "#00798c", "#30638e", "#7a5195", "#ef5675",
    "#2a9d8f", "#e76f51", "#8ab17d", "#5c677d", "#bc6c25", "#3d405b",
)  # fmt: skip


SHAPES = {
    BibleKind.CHARACTER: ("round", "tall", "angular", "broad"),
    BibleKind.LOCATION: ("wide", "towering", "enclosed", "open"),
}


LABEL = {BibleKind.CHARACTER: "character", BibleKind.LOCATION: "location"}


def _pick(name: str, options: tuple[str, ...]) -> str:
    digest = hashlib.sha256(name.casefold().encode()).digest()
    return options[digest[0] % len(options)]


def entry_traits(kind: str, name: str, given: dict[str, Any] | None = None) -> dict[str, str]:
    """An entry's look: its colour (``#rrggbb``) and shape word, defaulted from the name, and
    the offline pictures' icon once it has one (given by the first picture of it, or chosen)."""
    given = given or {}
    color = str(given.get("color") or "")
    shape = " ".join(str(given.get("shape") or "").split()).lower()
    traits = {
        "color": color.lower() if COLOR.match(color) else _pick(name, PALETTE),
        "shape": shape if SHAPE.match(shape) else _pick(name, SHAPES[BibleKind(kind)]),
    }
    icon = str(given.get("icon") or "")
    if icon:
        if icon not in icon_index().icons:
            raise ValidationFailed(
                f"No icon {icon!r}.", details={"traits": {"icon": ["Search GET /api/icons?q=."]}}
            )
        traits["icon"] = icon
    return traits


def variation_prompt(entry: BibleEntry) -> str:
    what = "Character" if entry.kind == BibleKind.CHARACTER else "Location"
    return f"{what} reference: {entry.name}. {entry.description}".strip()


def entry_get(*, project_id: Any, kind: str, entry_id: Any, lock: bool = False) -> BibleEntry:
    """A character or location of the project (locked when ``lock``), or 404."""
    entries = BibleEntry.objects.select_for_update() if lock else BibleEntry.objects.all()
    entry = entries.filter(pk=entry_id, project_id=project_id, kind=kind).first()
    if entry is None:
        raise NotFound(f"{LABEL[BibleKind(kind)].capitalize()} not found.")
    return entry


def _name_taken(project_id: Any, kind: str, name: str, *, besides: Any = None) -> None:
    others = BibleEntry.objects.filter(project_id=project_id, kind=kind, name__iexact=name)
    if besides is not None:
        others = others.exclude(pk=besides)
    if others.exists():
        message = f"A {LABEL[BibleKind(kind)]} named {name!r} already exists."
        raise ValidationFailed(message, details={"name": [message]})


def bible_caps(
    *, max_characters: int | None = None, max_locations: int | None = None
) -> dict[str, int]:
    """How many characters and locations one bible run may draw (and is charged for)."""
    return {
        BibleKind.CHARACTER: settings.VISUAL_BIBLE_MAX_CHARACTERS
        if max_characters is None
        else min(max_characters, settings.VISUAL_BIBLE_MAX_CHARACTERS),
        BibleKind.LOCATION: settings.VISUAL_BIBLE_MAX_LOCATIONS
        if max_locations is None
        else min(max_locations, settings.VISUAL_BIBLE_MAX_LOCATIONS),
    }


def bible_generate(
    *,
    project_id: Any,
    actor: User,
    max_characters: int | None = None,
    max_locations: int | None = None,
) -> Run:
    """Extract the characters and locations from the narration and draw a first variation of
    each, in a run; enters the visual_bible stage. Charged for the most it may draw, refunded for
    what it did not (the module docstring has the rule)."""
    caps = bible_caps(max_characters=max_characters, max_locations=max_locations)
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        narration = list(project.chapters.values_list("narration", flat=True))
        if not narration or not all(n.strip() for n in narration):
            raise InvalidTransition(
                "The visual bible needs narration: narrate every chapter of the outline first."
            )
        if Run.objects.filter(
            project=project, kind=BIBLE_RUN, status__in=ACTIVE_RUN_STATUSES
        ).exists():
            raise InvalidTransition(
                "The visual bible is already being generated: wait for that run or cancel it."
            )
        project = project_advance(project_id=project.pk, to=Stage.VISUAL_BIBLE, actor=actor)
        each = price(PRICE)
        parts = [
            ChargePart(f"{LABEL[BibleKind(kind)]}:{slot}", each)
            for kind, cap in caps.items()
            for slot in range(1, cap + 1)
        ]
        return run_launch(
            project=project,
            actor=actor,
            kind=BIBLE_RUN,
            parts=parts,
            reason=f"visual bible of {project.title} (up to {len(parts)} drawings)",
            params={
                "maxCharacters": caps[BibleKind.CHARACTER],
                "maxLocations": caps[BibleKind.LOCATION],
            },
            total=sum(caps.values()),
        )


def variation_generate(*, project_id: Any, actor: User, kind: str, entry_id: Any) -> Run:
    """Draw one more variation of an entry (selected only when it is the entry's first)."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        entry = entry_get(project_id=project.pk, kind=kind, entry_id=entry_id)
        return run_launch(
            project=project,
            actor=actor,
            kind=VARIATION_RUN,
            parts=[ChargePart("variation", price(PRICE))],
            reason=f"a variation of {entry.name}",
            params={"plan": [{"entry": str(entry.pk), "part": "variation", "name": entry.name}]},
        )


def entry_create(
    *,
    project_id: Any,
    actor: User,
    kind: str,
    name: str,
    description: str = "",
    traits: dict[str, Any] | None = None,
) -> BibleEntry:
    """The user's own character or location (drawn later by a bible run or a variation run)."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        if BibleEntry.objects.filter(project=project, kind=kind).count() >= MAX_ENTRIES:
            raise InvalidTransition(
                f"The visual bible has {MAX_ENTRIES} {LABEL[BibleKind(kind)]}s: delete one first."
            )
        _name_taken(project.pk, kind, name)
        return BibleEntry.objects.create(
            project=project,
            kind=kind,
            name=name,
            description=description,
            traits=entry_traits(kind, name, traits),
        )


def entry_update(
    *, project_id: Any, actor: User, kind: str, entry_id: Any, changes: dict[str, Any]
) -> BibleEntry:
    """Edit an entry. A new description or look makes the shots showing it stale (they were
    drawn from the old one); the edit also clears the entry's own stale mark (its owner has
    brought it up to date)."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        entry = entry_get(project_id=project.pk, kind=kind, entry_id=entry_id, lock=True)
        fields: list[str] = []
        if "name" in changes and changes["name"] != entry.name:
            _name_taken(project.pk, kind, changes["name"], besides=entry.pk)
            entry.name = changes["name"]
            fields.append("name")
        looks_changed = False
        if "description" in changes and changes["description"] != entry.description:
            entry.description = changes["description"]
            fields.append("description")
            looks_changed = True
            if entry.traits.get("icon"):  # a new description may name another thing
                entry.traits = {k: v for k, v in entry.traits.items() if k != "icon"}
                fields.append("traits")
        if "traits" in changes:
            traits = entry_traits(kind, entry.name, {**entry.traits, **changes["traits"]})
            if traits != entry.traits:
                entry.traits = traits
                if "traits" not in fields:
                    fields.append("traits")
                looks_changed = True
        if looks_changed and entry.stale:
            entry.stale = False
            fields.append("stale")
        if fields:
            entry.save(update_fields=[*fields, "updated_at"])
        if looks_changed:
            after_reference_change(project=project, entry=entry)
        return entry


def entry_delete(*, project_id: Any, actor: User, kind: str, entry_id: Any) -> None:
    """Delete an entry and its variations (files removed after commit); the shots that showed
    it go stale."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        entry = entry_get(project_id=project.pk, kind=kind, entry_id=entry_id, lock=True)
        after_reference_change(project=project, entry=entry)
        files = [n for n in entry.variations.values_list("image", flat=True) if n]
        entry.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def variation_select(
    *, project_id: Any, actor: User, kind: str, entry_id: Any, variation_id: Any
) -> BibleEntry:
    """Make a variation the entry's reference for every later shot; the shots already drawn
    with the old one go stale."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        entry = entry_get(project_id=project.pk, kind=kind, entry_id=entry_id, lock=True)
        variation = Variation.objects.filter(pk=variation_id, entry=entry).first()
        if variation is None:
            raise NotFound("Variation not found.")
        if entry.selected_variation_id != variation.pk:
            entry.selected_variation = variation
            entry.save(update_fields=["selected_variation", "updated_at"])
            after_reference_change(project=project, entry=entry)
        return entry


def _part_of(run: Run, entry_id: Any) -> str | None:
    return next(
        (item["part"] for item in run.params.get("plan", []) if item["entry"] == str(entry_id)),
        None,
    )


def land_variation(*, run_id: Any, entry_id: Any, media: MediaFile) -> None:
    """Store a drawn picture as a new variation of the entry and mark its slot landed, once.
    An entry's first variation becomes its reference. Nothing lands for a run that is no longer
    active or an entry deleted meanwhile (its slot is then refunded)."""
    with transaction.atomic():
        run = Run.objects.get(pk=run_id)
        project = locked_active_run(run)
        if project is None:
            return
        run.refresh_from_db(fields=["params"])
        part = _part_of(run, entry_id)
        entry = BibleEntry.objects.select_for_update().filter(pk=entry_id, project=project).first()
        if entry is None or part is None or Variation.objects.filter(entry=entry, run=run).exists():
            return  # gone, not this run's to draw, or landed by an earlier delivery
        variation = Variation(
            entry=entry,
            prompt=variation_prompt(entry),
            seed=seed_for(entry.pk, run.pk, "variation"),
            run=run,
        )
        store(variation.image, media)
        variation.save()
        remember_icons(project_id=project.pk, icons=media.details.get("references", {}))
        if entry.selected_variation_id is None:
            entry.selected_variation = variation
            entry.save(update_fields=["selected_variation", "updated_at"])
            after_reference_change(project=project, entry=entry)
        mark_delivered(run, part)


def drawing_failed(*, run_id: Any, entry_id: Any, reason: str) -> None:
    """Record that an entry's drawing failed for good (its slot is refunded when the run
    settles)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if not run.is_active:
            return
        failed = dict(run.params.get("failed", {}))
        failed.setdefault(str(entry_id), reason[:500])
        run.params = {**run.params, "failed": failed}
        run.save(update_fields=["params"])
