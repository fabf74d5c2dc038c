"""Fund pages: overview with fund-level totals and the exports, donors and pledges, projects
with progress and evidence, the ledger and its trial balance, and the portfolio runs a planner
reviews and approves. Thin: one selector or service per request."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.core import audit
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.core.views_helpers import staff_view
from sabeel.fund import exports, portfolio, selectors, services
from sabeel.fund.forms import ProgressForm
from sabeel.fund.models import VIEW_ACTION, ProjectStatus

LEDGER_ROWS = 200


@staff_view
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return render(request, "fund/overview.html", {"totals": selectors.totals(actor=actor), "can_plan": can(actor, "fund.plan")})


@staff_view
def pledges(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    rows = [(p, selectors.pledge_summary(p)) for p in selectors.pledges(actor=actor)[:200]]
    return render(request, "fund/pledges.html", {"donors": selectors.donors(actor=actor), "rows": rows})


@staff_view
def projects(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return render(request, "fund/projects.html", {"projects": selectors.projects(actor=actor)[:500]})


@staff_view
@require_http_methods(["GET", "POST"])
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    project = selectors.project_get(actor=actor, pk=pk)
    can_report = can(actor, services.MANAGE, project) and project.status not in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
    form = ProgressForm(request.POST or None) if can_report else None
    if request.method == "POST":
        require(actor, services.MANAGE, project)
        if form is not None and form.is_valid():
            try:
                services.progress_record(actor=actor, project=project, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
                for field, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("The progress report was recorded."))
                return redirect("fund:project_detail", pk=project.pk)
    context = {"project": project, "money": selectors.project_money(actor=actor, project=project), "form": form}
    return render(request, "fund/project_detail.html", context)


@staff_view
def ledger(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    entries = selectors.entries(actor=actor)[:LEDGER_ROWS]
    return render(request, "fund/ledger.html", {"totals": selectors.totals(actor=actor), "entries": entries, "limit": LEDGER_ROWS})


@staff_view
@require_http_methods(["GET", "POST"])
def portfolio_runs(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "fund.plan")
    if request.method == "POST":
        group = selectors.fund_groups(actor=actor).filter(pk__in=selectors.full_groups(actor)).first()
        if group is not None:
            record = portfolio.portfolio_run_start(actor=actor, working_group=group)
            messages.success(request, _("The optimiser is running."))
            return redirect("fund:portfolio_detail", pk=record.pk)
    return render(request, "fund/portfolio_runs.html", {"runs": selectors.portfolio_runs(actor=actor)[:50]})


@staff_view
def portfolio_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "fund.plan")
    record = selectors.portfolio_run_get(actor=actor, pk=pk)
    proposal = record.proposal or {}
    chosen = set(proposal.get("chosen", []))
    names = {str(p.pk): p for p in selectors.projects(actor=actor).filter(working_group_id=record.working_group_id)}
    explanations = [(names.get(e["project_id"]), e) for e in proposal.get("explanations", [])]
    return render(request, "fund/portfolio_detail.html", {
        "record": record, "run": record.run, "zone": record.working_group, "proposal": proposal, "explanations": explanations, "chosen": chosen,
    })


@staff_view
@require_POST
def portfolio_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "fund.plan")
    record = selectors.portfolio_run_get(actor=actor, pk=pk)
    ids = [int(v) for v in request.POST.getlist("project") if v.isdigit()]
    try:
        made = portfolio.portfolio_run_approve(actor=actor, portfolio_run=record, project_ids=ids or None)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)d commitments were recorded.") % {"count": len(made)})
    return redirect("fund:portfolio_detail", pk=record.pk)


def _exported(request: HttpRequest, content: bytes, content_type: str, name: str, kind: str, count: int) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(actor=request_actor(request), action=f"fund.{kind}_exported", data={"projects": count})
    return response


@staff_view
def iati(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    rows = list(selectors.projects(actor=actor).exclude(status=ProjectStatus.CANDIDATE))
    return _exported(request, exports.iati_xml(rows), "application/xml", "sabeel-fund-iati.xml", "iati", len(rows))


@staff_view
def flows(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    rows = list(selectors.projects(actor=actor))
    return _exported(request, exports.flows_csv(rows), "text/csv; charset=utf-8", "sabeel-fund-flows.csv", "flows", len(rows))
