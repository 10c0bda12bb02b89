"""Admin actions that need a reason (and sometimes an amount) before they act.

Money and moderation actions are never one click: staff see what they are about to change and
must say why; the reason is written to the ledger or the account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from vidflow.errors import AppError


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))


class AmountReasonForm(ReasonForm):
    amount = forms.IntegerField(min_value=1, max_value=100_000)


def action_with_reason(
    *,
    description: str,
    form_class: type[ReasonForm] = ReasonForm,
    perform: Callable[[HttpRequest, Any, dict[str, Any]], str],
    describe: Callable[[Any], str] = str,
) -> Callable[..., Any]:
    """Build an admin action that first asks for a reason, then calls ``perform`` per object
    with the cleaned form data; ``perform`` returns a line for the result message. The form
    lists each object as ``describe`` says (who, what, how much), so staff see what they change.
    A refusal of the service (an ``AppError``) is reported for its object; the others go on."""

    def run(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            lines, failed = [], False
            for obj in queryset:
                try:
                    lines.append(perform(request, obj, form.cleaned_data))
                except AppError as exc:
                    failed = True
                    lines.append(f"{describe(obj)}: not done: {exc.message}")
            level = messages.ERROR if failed else messages.SUCCESS
            modeladmin.message_user(request, "; ".join(lines) or "Nothing to do.", level)
            return None
        return TemplateResponse(
            request,
            "admin/vidflow/action_with_reason.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "objects": [describe(obj) for obj in queryset],
                "form": form,
                "action": request.POST.get("action"),
                "opts": modeladmin.model._meta,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )

    run.short_description = description  # type: ignore[attr-defined]
    run.__name__ = description.lower().replace(" ", "_").replace("…", "")
    return run
