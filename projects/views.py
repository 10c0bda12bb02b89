"""The browser pages of the web app (session login). They read through selectors and write
through the same services as the API; the project workspace and the runs list are filled in and
driven by small scripts in ``static/vidflow/`` that call the JSON API with the session cookie."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from vendors import registry
from vendors.base import ProviderError
from vidflow.errors import AppError, NotFound

from . import selectors, services
from .models import AspectRatio, RunKind, RunStatus, Stage
from .serializers import PROGRESS_UNITS
from .stages.make.services import MAKE_STAGE_LABELS
from .stages.publishing.services import youtube_connect_finish
from .stages.writing import text_provider_info

LENGTHS = [
    (15, "15 seconds"),  # a short
    (30, "30 seconds"),
    (60, "1 minute"),
    (120, "2 minutes"),
    (180, "3 minutes"),
    (300, "5 minutes"),
    (600, "10 minutes"),
]


class NewProjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    idea = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    aspect_ratio = forms.ChoiceField(choices=AspectRatio.choices, initial=AspectRatio.LANDSCAPE)
    target_seconds = forms.TypedChoiceField(label="Length", choices=LENGTHS, coerce=int, initial=60)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required lets only signed-in users through
    return request.user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = NewProjectForm(request.POST or None)
    if request.method == "POST" and _user(request).is_suspended:
        messages.error(request, "A suspended account cannot create projects.")
        return redirect("dashboard")
    if request.method == "POST" and form.is_valid():
        project = services.project_create(owner=_user(request), **form.cleaned_data)
        return redirect("project-page", project_id=project.pk)
    projects = selectors.projects_for(_user(request)).select_related("channel")[:100]
    return render(
        request,
        "projects/dashboard.html",
        {
            "projects": projects,
            "form": form,
            "lengths": LENGTHS,
            "aspect_ratios": AspectRatio.choices,
            "make_stages": dict(MAKE_STAGE_LABELS),
        },
    )


@login_required
def project_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The workspace shell: one section per stage. The page's script loads each section's
    artifacts from the API and keeps the marks (done, stale, counts) in step with the payload."""
    try:
        project = selectors.project_detail(user=_user(request), project_id=project_id)
    except NotFound:
        raise Http404("Project not found.") from None  # another user's project is none
    done = set(project.payload.completed_stages)  # type: ignore[attr-defined]
    stages = []
    for stage in Stage:
        marks = {"done": stage.value in done, "current": stage == project.status}
        classes = " ".join(name for name, on in marks.items() if on)
        stages.append({"value": stage.value, "label": stage.label, "classes": classes, **marks})
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "stages": stages,
            "lengths": dict(LENGTHS),
            # The run kinds and their labels, for the page's scripts (read from a json_script).
            "run_kinds": dict(RunKind.choices),
        },
    )


@login_required
def runs_page(request: HttpRequest) -> HttpResponse:
    runs = selectors.recent_runs(user=_user(request))
    rows = [(run, RunKind.label_of(run.kind), PROGRESS_UNITS.get(run.kind, "done")) for run in runs]
    # The statuses' names, for the script that follows active runs (read from a json_script).
    context = {"rows": rows, "run_statuses": dict(RunStatus.choices)}
    return render(request, "projects/runs.html", context)


@login_required
def youtube_connected(request: HttpRequest) -> HttpResponse:
    """Google sends the user back here after the consent screen."""
    if request.GET.get("error"):
        messages.error(request, f"YouTube was not connected: {request.GET['error']}.")
        return redirect("dashboard")
    try:
        channel = youtube_connect_finish(
            user=_user(request),
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            redirect_uri=request.build_absolute_uri(request.path),
        )
    except (AppError, ProviderError) as exc:
        messages.error(request, f"YouTube was not connected: {exc}")
        return redirect("dashboard")
    messages.success(request, f"{channel.name} can now publish to YouTube.")
    return redirect("dashboard")


REAL_SCRIPTS_HEADING = "## Real scripts: connect a language model"


def real_scripts_help(request: HttpRequest) -> HttpResponse:
    """The README's "Real scripts" section, where every placeholder mark links: how to connect a
    language model. Read from the README itself, so the two never disagree."""
    readme = Path(settings.BASE_DIR) / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    section = ""
    if REAL_SCRIPTS_HEADING in text:
        section = text.split(REAL_SCRIPTS_HEADING, 1)[1].split("\n## ", 1)[0].strip()
    return render(
        request,
        "projects/real_scripts.html",
        {"section": section, "text_provider": text_provider_info(registry.provider("text"))},
    )
