"""Monitoring pages: the monitor's visits due (their assigned households only) with the findings
by area, and the visit form (phone-sized)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sabeel.core.actors import Actor, request_actor
from sabeel.core.permissions import get_visible, require
from sabeel.core.views_helpers import run_service, staff_view
from sabeel.monitoring import selectors, services
from sabeel.monitoring.forms import VisitForm
from sabeel.registry.models import Household


def _findings(actor: Actor) -> dict[str, Any]:
    from sabeel.reports.selectors import threshold

    return {"findings": selectors.findings_by_area(actor=actor), "inside": selectors.findings_inside(actor=actor), "threshold": threshold()}


@staff_view
def index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    due = selectors.visits_due(actor=actor)[:200]  # monitors only (the menu's action)
    return render(request, "monitoring/index.html", {"due": due, **_findings(actor)})


@staff_view
def findings(request: HttpRequest) -> HttpResponse:
    """Findings by sub-district for every role with aggregate figures (small cells hidden outside
    the working group)."""
    actor = request_actor(request)
    require(actor, "aggregate.view")
    return render(request, "monitoring/findings.html", _findings(actor))


@staff_view
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "monitoring.record")
    household = get_visible(actor, Household.objects.all(), "monitoring.record", pk=pk)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        severity = data.pop("incident_severity")
        incidents = [severity] if severity else []
        record = partial(services.visit_record, actor=actor, household=household, incidents=incidents, **data)
        if run_service(request, record, _("The visit was recorded."), form=form):
            return redirect("monitoring:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "monitoring/visit_form.html", {"household": household, "form": form}, status=status)
