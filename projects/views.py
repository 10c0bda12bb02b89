"""The browser pages of the web app (session login). They read through selectors and write
through the same services as the API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from vendors.base import ProviderError
from vidflow.api.exceptions import ApiError

from . import selectors, services
from .models import AspectRatio
from .stages.publishing import youtube_connect_finish


class NewProjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    idea = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    aspect_ratio = forms.ChoiceField(choices=AspectRatio.choices, initial=AspectRatio.LANDSCAPE)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required lets only signed-in users through
    return request.user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = NewProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(owner=_user(request), **form.cleaned_data)
        return redirect("project-page", project_id=project.pk)
    projects = selectors.projects_for(_user(request)).select_related("channel")[:100]
    return render(request, "projects/dashboard.html", {"projects": projects, "form": form})


@login_required
def project_page(request: HttpRequest, project_id: str) -> HttpResponse:
    project = selectors.project_detail(user=_user(request), project_id=project_id)
    return render(request, "projects/project.html", {"project": project})


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
    except (ApiError, ProviderError) as exc:
        messages.error(request, f"YouTube was not connected: {exc}")
        return redirect("dashboard")
    messages.success(request, f"{channel.name} can now publish to YouTube.")
    return redirect("dashboard")
