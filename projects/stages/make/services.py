"""Quick mode: one run that takes a project from wherever it stands to a rendered final.mp4 and
its thumbnail, stage after stage, on the server.

The make run launches each step through the same service its stage route calls (so the state
machine, the charge and the refund rules are the ones a creator meets step by step), tags the
step's run as its child, and waits: when a child finishes, the pipeline continues the make
(``runs.make_advance``). What the next step is comes from the project's state, the same reading
the quote makes (``projects.quote``), so a make started on a half-built project does only what is
missing, and a make continued after a worker restart picks up where the project stands.

Before anything is spent the quote is checked: a balance that does not cover it is a 402 with the
quote in the details, and nothing is created. Cancelling the make cancels the step it runs
(refunds as usual); a failed step fails the make, naming the stage, and every finished stage
stays in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction

from accounts.models import User
from billing.services import price
from projects.models import ACTIVE_RUN_STATUSES, Project, Run, RunKind, Thumbnail
from projects.quote import project_quote
from projects.services import project_create
from projects.stages.base import lock_project, run_launch
from vidflow.errors import InsufficientCredits, InvalidTransition

# A make runs every stage of a video; its own deadline only bounds a make whose continuation
# was lost (each step has the deadline of its own kind).
MAKE_DEADLINE = timedelta(hours=3)
MUSIC_MOOD = "inspiring"
MUSIC_TEMPO = 96

# The stages a make goes through, in order (the run's ``progress.stage``), as the pages name them.
MAKE_STAGE_LABELS = (
    ("outline", "Writing the outline"),
    ("hook", "Writing the hook"),
    ("chapters", "Narrating the chapters"),
    ("visual_bible", "Drawing the visual bible"),
    ("voiceover", "Speaking the voiceover"),
    ("music", "Composing the music"),
    ("plan", "Planning the shots"),
    ("shots", "Drawing and animating the shots"),
    ("render", "Rendering final.mp4"),
    ("thumbnail", "Making the thumbnail"),
)


@dataclass(frozen=True)
class MakeOptions:
    music: bool = True
    captions: bool = True
    voice_id: str = ""

    def as_params(self) -> dict[str, Any]:
        return {"music": self.music, "captions": self.captions, "voiceId": self.voice_id}

    @classmethod
    def of(cls, params: dict[str, Any]) -> MakeOptions:
        return cls(
            music=bool(params.get("music", True)),
            captions=bool(params.get("captions", True)),
            voice_id=str(params.get("voiceId") or ""),
        )


def make_quote(project: Project, options: MakeOptions) -> dict[str, Any]:
    """The project's quote to an up-to-date final.mp4, plus the thumbnail a make also makes."""
    quote = project_quote(project=project, music=options.music)
    if not Thumbnail.objects.filter(project=project).exclude(image="").exists():
        credits = price("thumbnail")
        quote["steps"].append(
            {
                "step": "thumbnail",
                "label": "Make the thumbnail",
                "action": "thumbnail",
                "quantity": 1,
                "unit": "thumbnail",
                "credits": credits,
                "estimate": False,
                "note": "",
            }
        )
        quote["total"] += credits
        quote["covered"] = quote["balance"] >= quote["total"]
        quote["shortfall"] = max(0, quote["total"] - quote["balance"])
        quote["upToDate"] = False
    return quote


def project_make(*, project_id: Any, actor: User, options: MakeOptions) -> Run:
    """Start a make of the project (202 with its run). 402 INSUFFICIENT_CREDITS with the quote
    when the balance does not cover what remains; 409 while another make of it runs."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        if Run.objects.filter(
            project=project, kind=RunKind.PROJECT_MAKE, status__in=ACTIVE_RUN_STATUSES
        ).exists():
            raise InvalidTransition("This project is already being made; follow or cancel it.")
        quote = make_quote(project, options)
        if not quote["covered"]:
            raise InsufficientCredits(
                f"This video needs about {quote['total']} credits; "
                f"your balance is {quote['balance']}.",
                details={
                    "required": quote["total"],
                    "balance": quote["balance"],
                    "quote": quote,
                },
            )
        steps = _planned([s["step"] for s in quote["steps"]], planned=project.shots.exists())
        return run_launch(
            project=project,
            actor=actor,
            kind=RunKind.PROJECT_MAKE,
            params={**options.as_params(), "quote": quote["total"], "stage": "", "steps": steps},
            total=max(1, len(steps)),
            deadline=MAKE_DEADLINE,
        )


def make_from_idea(
    *,
    owner: User,
    idea: str,
    title: str = "",
    target_seconds: int | None = None,
    aspect_ratio: str | None = None,
    options: MakeOptions,
) -> Run:
    """``POST /api/make``: a new project from an idea, and its make, all or nothing (a make the
    balance does not cover leaves no project behind)."""
    with transaction.atomic():
        project = project_create(
            owner=owner,
            title=title or _title_from(idea),
            idea=idea,
            selected_title=title,
            voice_id=options.voice_id,
            aspect_ratio=aspect_ratio,
            target_seconds=target_seconds,
        )
        return project_make(project_id=project.pk, actor=owner, options=options)


def _title_from(idea: str) -> str:
    words = idea.split()
    title = " ".join(words[:10])[:200]  # a project title holds 200 characters
    return (title[:1].upper() + title[1:]).rstrip(".?!") or "Untitled video"


def _planned(steps: list[str], *, planned: bool) -> list[str]:
    """The stages a make will go through for these quoted steps (shots not planned yet are
    planned first)."""
    stages: list[str] = []
    for step in steps:
        if step == "shots" and not planned and "plan" not in stages:
            stages.append("plan")
        if step not in stages:
            stages.append(step)
    return stages


class _QuoteOnly(Exception):
    """Rolls back the project a quote for a new idea was computed on."""


def make_quote_for_idea(
    *, owner: User, target_seconds: int, aspect_ratio: str | None, options: MakeOptions
) -> dict[str, Any]:
    """What ``POST /api/make`` would cost for a new idea of this length, before there is a
    project: computed on a project made for the question and rolled back (nothing is kept)."""
    quote: dict[str, Any] = {}
    try:
        with transaction.atomic():
            project = project_create(
                owner=owner,
                title="Quote",
                aspect_ratio=aspect_ratio,
                target_seconds=target_seconds,
            )
            quote = make_quote(project, options)
            quote.pop("projectId", None)
            raise _QuoteOnly
    except _QuoteOnly:
        pass
    return quote
