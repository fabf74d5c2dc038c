"""Fund pages: overview with fund-level totals and the exports, donors and pledges, projects
with progress and evidence, the ledger and its trial balance, and the portfolio runs a planner
reviews and approves. Thin: one selector or service per request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms as django_forms
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
from sabeel.fund import ledger as fund_ledger
from sabeel.fund.forms import (
    DonorForm,
    ExpenditureForm,
    MoneyForm,
    PledgeForm,
    ProgressForm,
    ProjectForm,
    RateForm,
    ReceiptForm,
    ReversalForm,
)
from sabeel.fund.models import VIEW_ACTION, AccountKind, Donor, Implementer, Pledge, Project, ProjectStatus, Transaction

LEDGER_ROWS = 200


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Every fund page: the sub-navigation shows the portfolio link to planners."""
    return render(request, template, {"can_plan": can(request_actor(request), "fund.plan"), **context})


@staff_view
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return _render(request, "fund/overview.html", {"totals": selectors.totals(actor=actor)})


def _service_errors(form: django_forms.Form, exc: ServiceError) -> None:
    form.add_error(None, exc.message)
    for field, errors in exc.fields.items():
        for error in errors:
            if field in form.fields:
                form.add_error(field, error)


def _manageable_donors(request: HttpRequest) -> list[tuple[int, str]]:
    actor = request_actor(request)
    from sabeel.core.permissions import groups_for

    rows = Donor.objects.filter(working_group_id__in=groups_for(actor, services.MANAGE)).select_related("organisation").order_by("organisation__name")
    return [(d.pk, d.organisation.name) for d in rows]


@staff_view
@require_http_methods(["GET", "POST"])
def pledges(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    form = PledgeForm(request.POST or None, donors=_manageable_donors(request)) if can(actor, services.MANAGE) else None
    if request.method == "POST":
        require(actor, services.MANAGE)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            donor = Donor.objects.get(pk=data.pop("donor"))
            try:
                pledge = services.pledge_record(actor=actor, donor=donor, **data)
            except ServiceError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("The pledge was recorded."))
                return redirect("fund:pledge_detail", pk=pledge.pk)
    rows = [(p, selectors.pledge_summary(p)) for p in selectors.pledges(actor=actor)[:200]]
    manage = can(actor, services.MANAGE)
    return _render(request, "fund/pledges.html", {"donors": selectors.donors(actor=actor), "rows": rows, "form": form,
                                                 "rate_form": RateForm() if manage else None, "donor_form": DonorForm() if manage else None})


def _manage_group(actor: Any, action: str) -> Any:
    from sabeel.core.permissions import groups_for
    from sabeel.workgroups.models import WorkingGroup

    return WorkingGroup.objects.filter(pk__in=groups_for(actor, action)).order_by("pk").first()


@staff_view
@require_POST
def rate_record(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, services.MANAGE)
    form = RateForm(request.POST)
    if form.is_valid():
        _report(request, form, _("The exchange rate was recorded."), services.exchange_rate_record, actor=actor, **form.cleaned_data)
    else:
        _report(request, form, "", None)
    return redirect("fund:pledges")


@staff_view
@require_POST
def donor_record(request: HttpRequest) -> HttpResponse:
    from sabeel.workgroups.models import Organisation

    actor = request_actor(request)
    require(actor, services.MANAGE)
    form = DonorForm(request.POST)
    if form.is_valid():
        _report(request, form, _("The donor was recorded."), services.donor_record, actor=actor, working_group=_manage_group(actor, services.MANAGE),
                organisation=Organisation.objects.get(pk=form.cleaned_data["organisation"]), iati_ref=form.cleaned_data["iati_ref"])
    else:
        _report(request, form, "", None)
    return redirect("fund:pledges")


@staff_view
@require_http_methods(["GET", "POST"])
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where every unit of a pledge is: received, committed, paid and spent, project by project."""
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    pledge = selectors.pledge_get(actor=actor, pk=pk)
    form = ReceiptForm(request.POST or None) if can(actor, services.MANAGE, pledge) else None
    if request.method == "POST":
        require(actor, services.MANAGE, pledge)
        if form is not None and form.is_valid():
            try:
                services.receipt_record(actor=actor, pledge=pledge, **form.cleaned_data)
            except ServiceError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("The cash receipt was recorded."))
                return redirect("fund:pledge_detail", pk=pledge.pk)
    by_project: dict[int, dict[str, int]] = {}
    for (kind, project_id), cents in fund_ledger.pledge_balances(pledge).items():
        if project_id is not None:
            by_project.setdefault(project_id, {})[kind] = cents
    projects = {p.pk: p for p in Project.objects.filter(pk__in=by_project)}
    context = {"pledge": pledge, "summary": selectors.pledge_summary(pledge), "form": form,
               "receipts": pledge.receipts.select_related("transaction").order_by("received_on", "pk"),
               "funded": [(projects[pid], b) for pid, b in sorted(by_project.items())]}
    return _render(request, "fund/pledge_detail.html", context)


@staff_view
def projects(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    form = None
    if can(actor, services.PLAN):
        group = _manage_group(actor, services.PLAN)
        implementers = [(i.pk, i.organisation.name) for i in Implementer.objects.filter(working_group=group).select_related("organisation")]
        form = ProjectForm(implementers=implementers)
    return _render(request, "fund/projects.html", {"projects": selectors.projects(actor=actor)[:500], "form": form})


@staff_view
@require_POST
def project_record(request: HttpRequest) -> HttpResponse:
    from sabeel.geo.models import AdminUnit

    actor = request_actor(request)
    require(actor, services.PLAN)
    group = _manage_group(actor, services.PLAN)
    implementers = Implementer.objects.filter(working_group=group)
    form = ProjectForm(request.POST, implementers=[(i.pk, "") for i in implementers])
    if form.is_valid():
        data = form.cleaned_data
        unit = AdminUnit.objects.filter(key=data["subdistrict"].strip().upper()).first()
        codes = [c.strip() for c in data["requires"].split(",") if c.strip()]
        requires = list(Project.objects.filter(working_group=group, code__in=codes))
        if unit is None or len(requires) != len(set(codes)):
            messages.error(request, _("Give the p-code of a Syrian sub-district and the codes of projects of this fund."))
        else:
            _report(request, form, _("The project was recorded."), services.project_record, actor=actor, working_group=group,
                    code=data["code"], title=data["title"], title_ar=data["title_ar"], sector=data["sector"], subdistrict=unit,
                    cost_usd=data["cost_usd"], duration_months=data["duration_months"],
                    implementer=implementers.filter(pk=data["implementer"]).first() if data["implementer"] else None, requires=requires)
    else:
        _report(request, form, "", None)
    return redirect("fund:projects")


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
    context = {"project": project, "money": selectors.project_money(actor=actor, project=project), "form": form, **_money_forms(actor, project)}
    return _render(request, "fund/project_detail.html", context)


def _money_forms(actor: Any, project: Project) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        return out
    pledges = list(Pledge.objects.filter(working_group_id=project.working_group_id).select_related("donor__organisation").order_by("pk"))
    if can(actor, services.PLAN, project):
        gov = services.governorate_of(project.subdistrict)
        choices = [(p.pk, f"#{p.pk} {p.donor.organisation.name} ({services.usd(services.available_cents(p))} $)") for p in pledges
                   if p.may_fund(project.sector, gov.key if gov else "")]
        out["commit_form"] = MoneyForm(pledges=choices, prefix="commit")
    if can(actor, services.MANAGE, project):
        committed = [(p, fund_ledger.balance(p.accounts.filter(kind=AccountKind.COMMITMENT, project=project).first())) for p in pledges]
        out["disburse_form"] = MoneyForm(pledges=[(p.pk, f"#{p.pk} {p.donor.organisation.name} ({services.usd(c)} $)") for p, c in committed if c > 0], prefix="disburse")
        out["expenditure_form"] = ExpenditureForm(prefix="spend")
    return out


def _money_post(request: HttpRequest, pk: int, action: str, prefix: str) -> tuple[Any, Project, Any]:
    actor = request_actor(request)
    require(actor, action)
    project = selectors.project_get(actor=actor, pk=pk)
    require(actor, action, project)
    return actor, project, request.POST


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _report(request: HttpRequest, form: django_forms.Form, done: str, call: Any, **kwargs: Any) -> None:
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return
    try:
        call(**kwargs)
    except ServiceError as exc:
        messages.error(request, " ".join([exc.message, *(e for errors in exc.fields.values() for e in errors if e != exc.message)]))
    else:
        messages.success(request, done)


@staff_view
@require_POST
def project_commit(request: HttpRequest, pk: int) -> HttpResponse:
    actor, project, data = _money_post(request, pk, services.PLAN, "commit")
    form = MoneyForm(data, pledges=[(p.pk, "") for p in Pledge.objects.filter(working_group_id=project.working_group_id)], prefix="commit")
    if form.is_valid():
        pledge = Pledge.objects.get(pk=form.cleaned_data["pledge"])
        _report(request, form, _("The commitment was recorded."), services.commitment_record, actor=actor, project=project, pledge=pledge,
                usd_cents=_cents(form.cleaned_data["usd"]), committed_on=form.cleaned_data["on"])
    else:
        _report(request, form, "", None)
    return redirect("fund:project_detail", pk=project.pk)


@staff_view
@require_POST
def project_disburse(request: HttpRequest, pk: int) -> HttpResponse:
    actor, project, data = _money_post(request, pk, services.MANAGE, "disburse")
    form = MoneyForm(data, pledges=[(p.pk, "") for p in Pledge.objects.filter(working_group_id=project.working_group_id)], prefix="disburse")
    if form.is_valid():
        pledge = Pledge.objects.get(pk=form.cleaned_data["pledge"])
        _report(request, form, _("The disbursement was recorded."), services.disbursement_record, actor=actor, project=project, pledge=pledge,
                usd_cents=_cents(form.cleaned_data["usd"]), disbursed_on=form.cleaned_data["on"])
    else:
        _report(request, form, "", None)
    return redirect("fund:project_detail", pk=project.pk)


@staff_view
@require_POST
def project_expenditure(request: HttpRequest, pk: int) -> HttpResponse:
    actor, project, data = _money_post(request, pk, services.MANAGE, "spend")
    form = ExpenditureForm(data, prefix="spend")
    if form.is_valid():
        _report(request, form, _("The expenditure was recorded."), services.expenditure_record, actor=actor, project=project, **form.cleaned_data)
    else:
        _report(request, form, "", None)
    return redirect("fund:project_detail", pk=project.pk)


@staff_view
@require_POST
def transaction_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, services.MANAGE)
    txn = selectors.transaction_get(actor=actor, pk=pk)
    require(actor, services.MANAGE, txn)
    form = ReversalForm(request.POST)
    if form.is_valid():
        _report(request, form, _("The transaction was reversed."), services.transaction_reverse, actor=actor, txn=txn, reason=form.cleaned_data["reason"])
    else:
        _report(request, form, "", None)
    return redirect("fund:ledger")


@staff_view
def ledger(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    entries = selectors.entries(actor=actor)[:LEDGER_ROWS]
    reversible = can(actor, services.MANAGE)
    reversed_ids = set(Transaction.objects.filter(reverses__isnull=False).values_list("reverses_id", flat=True)) if reversible else set()
    return _render(request, "fund/ledger.html", {"totals": selectors.totals(actor=actor), "entries": entries, "limit": LEDGER_ROWS,
                                                "reversible": reversible, "reversed_ids": reversed_ids, "reversal_form": ReversalForm()})


@staff_view
@require_http_methods(["GET", "POST"])
def portfolio_runs(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "fund.plan")
    if request.method == "POST":
        group = _manage_group(actor, services.PLAN)
        if group is not None:
            record = portfolio.portfolio_run_start(actor=actor, working_group=group)
            messages.success(request, _("The optimiser is running."))
            return redirect("fund:portfolio_detail", pk=record.pk)
    return _render(request, "fund/portfolio_runs.html", {"runs": selectors.portfolio_runs(actor=actor)[:50]})


@staff_view
def portfolio_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "fund.plan")
    record = selectors.portfolio_run_get(actor=actor, pk=pk)
    proposal = record.proposal or {}
    chosen = set(proposal.get("chosen", []))
    names = {str(p.pk): p for p in selectors.projects(actor=actor).filter(working_group_id=record.working_group_id)}
    labels = {"chosen": _("Chosen"), "no gain": _("No returnee gains the minimum services"), "budget": _("Not enough money"),
              "earmark": _("No money earmarked for it"), "dependency": _("A project it needs is not funded"),
              "capacity": _("The implementer is at capacity")}
    explanations = [(names.get(e["project_id"]), {**e, "label": labels.get(e["reason"], e["reason"])}) for e in proposal.get("explanations", [])]
    template = "fund/portfolio_detail.html#review" if getattr(request, "htmx", False) else "fund/portfolio_detail.html"
    return _render(request, template, {
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
