"""Return-grant pages for finance officers: programmes with their grant rules and payment lists,
a payment list (its run's progress, the file for the provider, the results imported back) and the
reconciliation. Registration numbers and amounts only; names leave in a file under an agreement."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sabeel.assistance import selectors, services
from sabeel.assistance.forms import ExportForm, ResultsForm, RuleForm
from sabeel.assistance.models import PaymentList
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.views_helpers import put_errors, staff_view
from sabeel.sharing.models import Agreement
from sabeel.sharing.selectors import agreements_in_force


def _index_context(request: HttpRequest, rule_form: RuleForm | None = None, programme_pk: int | None = None) -> dict:  # type: ignore[type-arg]
    actor = request_actor(request)
    rows = []
    for programme in selectors.programmes(actor=actor):
        rows.append(
            {
                "programme": programme,
                "rules": list(selectors.rules_of(actor=actor, programme=programme)[:5]),
                "lists": list(selectors.payment_lists(actor=actor, programme=programme)[:20]),
                "form": rule_form if (rule_form is not None and programme.pk == programme_pk) else RuleForm(prefix=f"p{programme.pk}"),
            }
        )
    return {"rows": rows}


@staff_view
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "assistance/index.html", _index_context(request))


@staff_view
@require_POST
def rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    form = RuleForm(request.POST, prefix=f"p{programme.pk}")
    if form.is_valid():
        try:
            rule = services.grant_rule_create(actor=actor, programme=programme, **form.cleaned_data)
        except ServiceError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Version %(version)d of the grant rule is in force.") % {"version": rule.version})
            return redirect("assistance:index")
    return render(request, "assistance/index.html", _index_context(request, form, programme.pk), status=400)


@staff_view
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    try:
        run = services.payment_run_start(actor=actor, programme=programme)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("assistance:index")
    return redirect("assistance:list_detail", pk=run.payment_list.pk)


def _agreements(plist: PaymentList) -> QuerySet[Agreement]:
    return agreements_in_force(working_group_ids=[plist.working_group_id])


def _list_context(request: HttpRequest, pk: int, **extra: object) -> dict:  # type: ignore[type-arg]
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    return {
        "plist": plist,
        "run": plist.run,
        "zone": plist.working_group.time_zone,
        "payments": selectors.payments_of(actor=actor, payment_list=plist)[:500],
        "poll_url": reverse("assistance:list_detail", kwargs={"pk": plist.pk}),
        "export_form": ExportForm(agreements=_agreements(plist)),
        "results_form": ResultsForm(),
        **extra,
    }


@staff_view
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _list_context(request, pk)
    template = "assistance/list_detail.html#status" if getattr(request, "htmx", False) else "assistance/list_detail.html"
    return render(request, template, context)


@staff_view
@require_POST
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    form = ExportForm(request.POST, agreements=_agreements(plist))
    if form.is_valid():
        agreement, recipient = form.cleaned_data.get("agreement"), form.cleaned_data.get("recipient")
        try:
            content, kind, name = services.payment_file(
                actor=actor,
                payment_list=plist,
                fmt=form.cleaned_data["fmt"],
                agreement_id=agreement.pk if agreement else None,
                recipient_id=recipient.pk if recipient else None,
            )
        except ServiceError as exc:
            put_errors(form, exc)
        else:
            response = HttpResponse(content, content_type=kind)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "assistance/list_detail.html", _list_context(request, pk, export_form=form), status=400)


@staff_view
@require_POST
def results_import(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    form = ResultsForm(request.POST, request.FILES)
    outcome = None
    if form.is_valid():
        try:
            outcome = services.results_import(actor=actor, payment_list=plist, content=form.cleaned_data["file"].read())
        except ServiceError as exc:
            put_errors(form, exc)
    status = 200 if outcome is not None else 400
    return render(request, "assistance/list_detail.html", _list_context(request, pk, results_form=form, outcome=outcome), status=status)


@staff_view
@require_POST
def payment_reissue(request: HttpRequest, pk: int, payment: int) -> HttpResponse:
    """Re-issue a failed or returned payment of this list as a new attempt."""
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    target = selectors.payment_get(actor=actor, payment_list=plist, pk=payment)
    try:
        again = services.payment_reissue(actor=actor, payment=target)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Re-issued as attempt %(attempt)d; it goes out in this list's next file.") % {"attempt": again.attempt})
    return redirect("assistance:list_detail", pk=plist.pk)


@staff_view
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    return render(request, "assistance/reconciliation.html", {"rec": selectors.reconciliation(actor=actor, programme=programme)})
