"""Pages of the identity app: duplicate runs (start one over the registry or an uploaded list,
follow its progress bar) and the review queue (pairs side by side with the evidence, decided
same / different / unsure). Merges have their own pages (``merge_views``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.permissions import can
from sabeel.core.views_helpers import put_errors, staff_view
from sabeel.identity import runs as run_services
from sabeel.identity import selectors
from sabeel.identity.forms import DecisionForm, ListRunForm, RegistryRunForm
from sabeel.identity.models import LinkageRun
from sabeel.identity.review import pair_decide as decide
from sabeel.identity.runs import list_problem_message

PAGE_SIZE = 10


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


HEAD_SEPARATOR = " / "


def _shown(cards: list[selectors.PairCard]) -> list[selectors.PairCard]:
    """Display only: the head of household's names (Arabic and Latin, joined by " / ") one by one,
    so the template isolates each script (``<bdi>``) in a right-to-left page."""
    for card in cards:
        for side in (card.left, card.right):
            side.head_names = [name for name in side.head.split(HEAD_SEPARATOR) if name]  # type: ignore[attr-defined]
    return cards


def _require_any(request: HttpRequest) -> None:
    actor = request_actor(request)
    if not (can(actor, "identity.run") or can(actor, "identity.review")):
        raise NotPermitted


def _forms(request: HttpRequest, **bound: Any) -> dict[str, Any]:
    actor = request_actor(request)
    groups = list(selectors.run_groups(actor=actor))
    return {
        "registry_form": bound.get("registry_form") or RegistryRunForm(groups=groups),
        "list_form": bound.get("list_form") or ListRunForm(groups=groups),
        "may_run": bool(groups),
    }


@staff_view
def run_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require_any(request)
    runs = list(selectors.run_list(actor=actor)[:50])
    return render(request, "identity/run_list.html", {"runs": runs, **_forms(request)})


@staff_view
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a run over the whole registry of a working group."""
    actor = request_actor(request)
    groups = list(selectors.run_groups(actor=actor))
    if not groups:
        raise NotPermitted
    form = RegistryRunForm(request.POST, groups=groups)
    if form.is_valid():
        try:
            linkage_run = run_services.registry_run_start(actor=actor, working_group=form.cleaned_data["working_group"])
        except ServiceError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The duplicate run is queued; this page follows its progress."))
            return redirect("identity:run_detail", pk=linkage_run.pk)
    runs = list(selectors.run_list(actor=actor)[:50])
    return render(request, "identity/run_list.html", {"runs": runs, **_forms(request, registry_form=form)}, status=400)


@staff_view
@require_http_methods(["GET", "POST"])
def list_upload(request: HttpRequest) -> HttpResponse:
    """Upload a list of people to compare with the registry of a working group."""
    actor = request_actor(request)
    groups = list(selectors.run_groups(actor=actor))
    if not groups:
        raise NotPermitted
    form = ListRunForm(request.POST or None, request.FILES or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size is not None and upload.size > run_services.records.MAX_LIST_BYTES:
            form.add_error("file", list_problem_message("file_too_large"))
        else:
            try:
                linkage_run = run_services.list_run_start(
                    actor=actor,
                    working_group=form.cleaned_data["working_group"],
                    file_name=upload.name or "",
                    content=upload.read(),
                )
            except ServiceError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("The list is queued for comparison; this page follows its progress."))
                return redirect("identity:run_detail", pk=linkage_run.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "identity/list_upload.html", {"form": form}, status=status)


def _report(linkage_run: LinkageRun) -> list[dict[str, Any]]:
    return [
        {**entry, "message": list_problem_message(str(entry.get("problem", "")))}
        for entry in linkage_run.run.errors or []
        if isinstance(entry, dict)
    ]


def _run_context(request: HttpRequest, linkage_run: LinkageRun) -> dict[str, Any]:
    actor = request_actor(request)
    return {
        "linkage_run": linkage_run,
        "run": linkage_run.run,
        "zone": linkage_run.working_group,
        "stage": run_services.stage_label(linkage_run.stage),
        "report": _report(linkage_run) if linkage_run.run.is_finished else [],
        "poll_url": reverse("identity:run_progress", kwargs={"pk": linkage_run.pk}),
        "may_review": can(actor, "identity.review", linkage_run),
        "may_stop": not linkage_run.run.is_finished and can(actor, "identity.run", linkage_run.working_group),
    }


@staff_view
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    linkage_run = selectors.run_get(actor=actor, pk=pk)
    return render(request, "identity/run_detail.html", _run_context(request, linkage_run))


@staff_view
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status block (polled every 2 seconds while the run works)."""
    actor = request_actor(request)
    linkage_run = selectors.run_get(actor=actor, pk=pk)
    return render(request, "identity/run_detail.html#status", _run_context(request, linkage_run))


@staff_view
@require_POST
def run_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a queued or running run (``identity.run``)."""
    actor = request_actor(request)
    linkage_run = selectors.run_get(actor=actor, pk=pk)
    if run_services.run_stop(actor=actor, linkage_run=linkage_run):
        messages.success(request, _("The run is stopped; it stores no pair."))
    else:
        messages.error(request, _("The run had already finished."))
    return redirect("identity:run_detail", pk=linkage_run.pk)


@staff_view
def pair_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """The review queue of one run: a page of pairs side by side, uncertain first."""
    actor = request_actor(request)
    linkage_run = selectors.run_get(actor=actor, pk=pk)
    decision = request.GET.get("decision", "pending")
    if decision not in selectors.DECISION_FILTERS:
        decision = "pending"
    pairs = selectors.pair_queue(actor=actor, linkage_run=linkage_run, decision=decision)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = _shown(selectors.pair_cards(actor=actor, pairs=list(page.object_list), linkage_run=linkage_run))
    return render(
        request,
        "identity/pair_queue.html",
        {
            "linkage_run": linkage_run,
            "page": page,
            "cards": cards,
            "decision": decision,
            "filters": [(f, _filter_label(f)) for f in selectors.DECISION_FILTERS],
            "form": DecisionForm(),
            "next": request.get_full_path(),
        },
    )


def _filter_label(name: str) -> str:
    return {
        "pending": _("Not decided"),
        "unsure": _("Unsure"),
        "same": _("Same person"),
        "different": _("Different people"),
        "all": _("All"),
    }[name]


@staff_view
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pair side by side, with the history of its decisions."""
    actor = request_actor(request)
    pair = selectors.pair_get(actor=actor, pk=pk)
    linkage_run = selectors.run_get(actor=actor, pk=pair.linkage_run_id)
    cards = _shown(
        selectors.pair_cards(actor=actor, pairs=[pair], linkage_run=linkage_run, action="identity.pair_viewed", is_list=False)
    )
    return render(
        request,
        "identity/pair_detail.html",
        {
            "linkage_run": linkage_run,
            "card": cards[0],
            "evidence_open": True,
            "history": list(selectors.pair_history(pair)),
            "form": DecisionForm(),
            "next": request.get_full_path(),
        },
    )


@staff_view
@require_POST
def pair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision; htmx gets the pair's card back, a plain form goes back to the queue."""
    actor = request_actor(request)
    pair = selectors.pair_get(actor=actor, pk=pk)
    form = DecisionForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            decide(actor=actor, pair=pair, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"])
        except ServiceError as exc:
            error = exc.message
    else:
        error = _("Choose: same person, different people, or unsure.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("identity:pair_queue", kwargs={"pk": pair.linkage_run_id})
    if _htmx(request):
        linkage_run = selectors.run_get(actor=actor, pk=pair.linkage_run_id)
        cards = _shown(
            selectors.pair_cards(actor=actor, pairs=[pair], linkage_run=linkage_run, action="identity.pair_viewed", is_list=False)
        )
        # The evidence stays as the page showed it: open on the pair's own page, folded in the queue.
        evidence_open = next_url.startswith(reverse("identity:pair_detail", kwargs={"pk": pair.pk}))
        return render(
            request,
            "identity/pair_queue.html#card",
            {"card": cards[0], "form": DecisionForm(), "error": error, "next": next_url, "evidence_open": evidence_open},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect(next_url)
