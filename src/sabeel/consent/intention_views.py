"""Intention pages: a household's answers (the rows are a partial the household's timeline page
includes), the officer's record form (htmx partial) and the survey import with its report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sabeel.consent import intention_import as importer
from sabeel.consent import intentions
from sabeel.consent.intention_forms import IntentionForm, IntentionImportForm
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.runs import Run
from sabeel.core.views_helpers import staff_view
from sabeel.registry.models import Household
from sabeel.registry.selectors import household_get
from sabeel.workgroups.models import WorkingGroup

RECENT_IMPORTS = 20


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _rows_context(request: HttpRequest, household: Household) -> dict[str, Any]:
    actor = request_actor(request)
    return {
        "household": household,
        "intentions": intentions.intention_list(actor=actor, household=household),
        "can_record_intention": intentions.can_record_intention(actor=actor, household=household),
    }


@staff_view
def intention_list(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = household_get(actor=actor, pk=pk, audit_as="person.viewed")
    context = _rows_context(request, household)
    if context["can_record_intention"]:
        context["form"] = IntentionForm()
    template = "consent/intention_list.html#rows" if _htmx(request) else "consent/intention_list.html"
    return render(request, template, context)


@staff_view
@require_http_methods(["GET", "POST"])
def intention_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = household_get(actor=actor, pk=pk, action="person.update", audit_as=None)
    form = IntentionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intentions.intention_record(actor=actor, household=household, **form.cleaned_data)
        except ServiceError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            recorded = _("The answer was recorded.")
            if _htmx(request):
                # The form comes back empty with the confirmation in its place; the answers' rows,
                # on a page that shows them, are refreshed out of band.
                context = {**_rows_context(request, household), "form": IntentionForm(), "recorded": recorded}
                return render(request, "consent/intention_form.html#recorded", context)
            messages.success(request, recorded)
            return redirect("consent:intention_list", pk=household.pk)
    template = "consent/intention_form.html#form" if _htmx(request) else "consent/intention_form.html"
    return render(request, template, {"household": household, "form": form})


def _import_context(request: HttpRequest, run: Run | None) -> dict[str, Any]:
    return {
        "run": run,
        "group": WorkingGroup.objects.filter(pk=run.working_group_id or 0).first() if run else None,
        "summary": importer.import_summary(run) if run else "",
        "report": importer.report_rows(run) if run and run.is_finished else [],
    }


@staff_view
@require_http_methods(["GET", "POST"])
def intention_import(request: HttpRequest) -> HttpResponse:
    """The upload: the file is checked for its size and kind, stored on a queued run and imported
    in the background; the page then shows the run's progress, and its report once finished."""
    actor = request_actor(request)
    recent = intentions.intention_import_list(actor=actor)
    groups = intentions.import_groups(actor=actor)
    form = IntentionImportForm(request.POST or None, request.FILES or None, groups=groups)
    run = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = importer.intention_import_start(
                actor=actor,
                working_group=form.cleaned_data["working_group"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ServiceError as exc:
            for name, errors in (exc.fields or {"": [exc.message]}).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            if not _htmx(request):
                return redirect("consent:intention_import_detail", pk=run.pk)
            form = IntentionImportForm(groups=groups)
    by_id = {g.pk: g for g in groups}
    context = {
        "form": form,
        "recent": [(r, by_id.get(r.working_group_id or 0)) for r in recent[:RECENT_IMPORTS]],
        "limits": {"rows": importer.MAX_ROWS, "mb": importer.MAX_BYTES // (1024 * 1024)},
        **_import_context(request, run),
    }
    htmx_post = _htmx(request) and request.method == "POST"
    template = "consent/intention_import.html#upload" if htmx_post else "consent/intention_import.html"
    return render(request, template, context)


@staff_view
def intention_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = intentions.intention_import_get(actor=actor, pk=pk)
    return render(request, "consent/intention_import_detail.html", _import_context(request, run))


@staff_view
def intention_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's progress bar (polled every 2 seconds while it works), then its report."""
    actor = request_actor(request)
    run = intentions.intention_import_get(actor=actor, pk=pk)
    return render(request, "consent/intention_import.html#report", _import_context(request, run))
