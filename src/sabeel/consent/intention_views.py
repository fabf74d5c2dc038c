"""Intention pages: a household's answers (the rows are a partial the household's timeline page
includes), the officer's record form (htmx partial) and the survey import with its report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from sabeel.consent import intention_import as importer
from sabeel.consent import intentions
from sabeel.consent.intention_forms import IntentionForm, IntentionImportForm
from sabeel.consent.models import IntentionImport
from sabeel.core.exceptions import ServiceError
from sabeel.core.views_helpers import staff_view
from sabeel.registry.models import Household
from sabeel.registry.selectors import household_get

RECENT_IMPORTS = 20


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _rows_context(request: HttpRequest, household: Household) -> dict[str, Any]:
    return {
        "household": household,
        "intentions": intentions.intention_list(actor=request.user, household=household),
        "can_record_intention": intentions.can_record_intention(actor=request.user, household=household),
    }


@staff_view
def intention_list(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(actor=request.user, pk=pk, audit_as="person.viewed")
    context = _rows_context(request, household)
    if context["can_record_intention"]:
        context["form"] = IntentionForm()
    template = "consent/intention_list.html#rows" if _htmx(request) else "consent/intention_list.html"
    return render(request, template, context)


@staff_view
@require_http_methods(["GET", "POST"])
def intention_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(actor=request.user, pk=pk, action="person.update", audit_as=None)
    form = IntentionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intentions.intention_record(actor=request.user, household=household, **form.cleaned_data)
        except ServiceError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            if _htmx(request):
                response = render(request, "consent/intention_list.html#rows", _rows_context(request, household))
                return trigger_client_event(reswap(retarget(response, "#intention-rows"), "outerHTML"), "intention-recorded")
            messages.success(request, _("The answer was recorded."))
            return redirect("consent:intention_list", pk=household.pk)
    template = "consent/intention_form.html#form" if _htmx(request) else "consent/intention_form.html"
    return render(request, template, {"household": household, "form": form})


def _import_context(request: HttpRequest, run: IntentionImport | None) -> dict[str, Any]:
    return {
        "run": run,
        "summary": importer.import_summary(run) if run else "",
        "report": importer.report_rows(run) if run else [],
    }


@staff_view
@require_http_methods(["GET", "POST"])
def intention_import(request: HttpRequest) -> HttpResponse:
    recent = intentions.intention_import_list(actor=request.user)
    form = IntentionImportForm(request.POST or None, request.FILES or None, groups=intentions.import_groups(actor=request.user))
    run = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = importer.intention_import(
            actor=request.user, working_group=form.cleaned_data["working_group"], file_name=upload.name, content=upload.read()
        )
    context = {"form": form, "recent": recent[:RECENT_IMPORTS], **_import_context(request, run)}
    template = "consent/intention_import.html#report" if _htmx(request) and run else "consent/intention_import.html"
    return render(request, template, context)


@staff_view
def intention_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = intentions.intention_import_get(actor=request.user, pk=pk)
    return render(request, "consent/intention_import_detail.html", _import_context(request, run))
