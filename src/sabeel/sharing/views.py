"""Pages of the data-sharing app: agreements and their partner tokens (administrators), the share
log and its HXL export (auditors and administrators), and the person-level export of the household
list (``person.export`` under an agreement), a background run its requester downloads once."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.core import audit
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.exports import CSV_CONTENT_TYPE, to_hxl_csv
from sabeel.core.permissions import require
from sabeel.core.views_helpers import put_errors, run_service, staff_view
from sabeel.registry.filters import HouseholdFilterForm
from sabeel.sharing import exports, selectors, services
from sabeel.sharing.forms import (
    AgreementCreateForm,
    AgreementForm,
    ExportForm,
    RevokeForm,
    ShareLogFilterForm,
    TokenForm,
)
from sabeel.sharing.log import SHARE_LOG_COLUMNS, share_log_rows
from sabeel.sharing.models import Agreement, ExportFile
from sabeel.workgroups.models import WorkingGroup


@staff_view
def agreement_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    agreements = selectors.agreement_list(actor=actor)
    rows = [(a, services.agreement_is_current(a)) for a in agreements]
    return render(request, "sharing/agreement_list.html", {"rows": rows})


@staff_view
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "agreement.manage")
    groups = selectors.manageable_groups(actor=actor)
    form = AgreementCreateForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "working_group"}
        try:
            agreement = services.agreement_create(actor=actor, working_group=form.cleaned_data["working_group"], **values)
        except ServiceError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The agreement is recorded."))
            return redirect("sharing:agreement_detail", pk=agreement.pk)
    return render(request, "sharing/agreement_form.html", {"form": form, "agreement": None})


@staff_view
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    agreement = selectors.agreement_get(actor=actor, pk=pk)
    initial = {k: getattr(agreement, k) for k in services.EDITABLE_FIELDS if k != "parties"}
    initial["parties"] = list(agreement.parties.all())
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update = partial(services.agreement_update, actor=actor, agreement=agreement, changes=dict(form.cleaned_data))
        if run_service(request, update, _("The agreement is changed; its earlier version is kept."), form=form):
            return redirect("sharing:agreement_detail", pk=agreement.pk)
    return render(request, "sharing/agreement_form.html", {"form": form, "agreement": agreement})


def _detail(request: HttpRequest, agreement: Agreement, **extra: Any) -> HttpResponse:
    context = {
        "agreement": agreement,
        "current": services.agreement_is_current(agreement),
        "tokens": agreement.tokens.select_related("recipient").all(),
        "versions": agreement.versions.select_related("changed_by").order_by("-version"),
        "token_form": TokenForm(agreement=agreement),
        "raw_token": None,
        **extra,
    }
    return render(request, "sharing/agreement_detail.html", context)


@staff_view
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    return _detail(request, selectors.agreement_get(actor=actor, pk=pk))


@staff_view
@require_http_methods(["GET", "POST"])
def agreement_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    agreement = selectors.agreement_get(actor=actor, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoke = partial(services.agreement_revoke, actor=actor, agreement=agreement, reason=form.cleaned_data["reason"])
        if run_service(request, revoke, _("The agreement is revoked, and every token it owned with it."), form=form):
            return redirect("sharing:agreement_detail", pk=agreement.pk)
    return render(request, "sharing/agreement_revoke.html", {"form": form, "agreement": agreement})


@staff_view
@require_POST
def token_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    agreement = selectors.agreement_get(actor=actor, pk=pk)
    form = TokenForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            _token, raw = services.agreement_token_create(actor=actor, agreement=agreement, **form.cleaned_data)
        except ServiceError as error:
            put_errors(form, error)
        else:
            # Shown once, on this answer only: it is stored as a hash.
            return _detail(request, agreement, raw_token=raw)
    return _detail(request, agreement, token_form=form)


@staff_view
@require_POST
def token_revoke(request: HttpRequest, pk: int, token: int) -> HttpResponse:
    actor = request_actor(request)
    agreement = selectors.agreement_get(actor=actor, pk=pk)
    services.agreement_token_revoke(actor=actor, token=selectors.token_get(actor=actor, agreement=agreement, pk=token))
    messages.success(request, _("The token is revoked."))
    return redirect("sharing:agreement_detail", pk=agreement.pk)


# --- the share log -------------------------------------------------------------------------------


def _share_log(request: HttpRequest) -> tuple[ShareLogFilterForm, Any]:
    actor = request_actor(request)
    form = ShareLogFilterForm(request.GET or None, agreements=selectors.share_log_agreements(actor=actor))
    return form, selectors.share_log(actor=actor, **form.filters())


@staff_view
def share_log(request: HttpRequest) -> HttpResponse:
    form, entries = _share_log(request)
    return render(request, "sharing/share_log.html", {"form": form, "entries": entries[:200], "query": request.GET.urlencode()})


@staff_view
def share_log_export(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _form, entries = _share_log(request)
    rows = share_log_rows(entries)
    audit.record(actor=actor, action="sharing.log_exported", data={"row_count": len(rows)})
    response = HttpResponse(to_hxl_csv(SHARE_LOG_COLUMNS, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="share-log.csv"'
    return response


# --- person-level exports ------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def household_export(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "person.export")
    data = request.POST if request.method == "POST" else None
    form = ExportForm(data, agreements=selectors.export_agreements(actor=actor))
    # From the household list's "export this list" link the filters arrive in the query string
    # (places and codes only, never a name) and are shown as the form's starting values.
    filters = HouseholdFilterForm(data, initial=request.GET.dict() if data is None else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = exports.household_export_start(
                actor=actor,
                agreement=form.cleaned_data["agreement"],
                recipient=form.cleaned_data["recipient"],
                fmt=form.cleaned_data["format"],
                filter_data=request.POST,
            )
        except ServiceError as error:
            put_errors(form, error)
        else:
            return redirect("sharing:export_detail", pk=run.pk)
    return render(request, "sharing/household_export.html", {"form": form, "filters": filters})


@staff_view
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = exports.export_run_get(actor=actor, pk=pk)
    file = ExportFile.objects.filter(run=run).defer("content").first()
    context = {
        "run": run,
        "file": file,
        "downloadable": file is not None and file.downloaded_at is None,
        "poll_url": reverse("sharing:export_detail", kwargs={"pk": run.pk}),
        "zone": WorkingGroup.objects.filter(pk=run.working_group_id or 0).first(),
    }
    template = "sharing/export_detail.html#status" if request.headers.get("HX-Request") else "sharing/export_detail.html"
    return render(request, template, context)


@staff_view
@require_POST
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = exports.export_run_get(actor=actor, pk=pk)
    try:
        name, content_type, content = exports.export_download(actor=actor, run=run)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("sharing:export_detail", pk=run.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
