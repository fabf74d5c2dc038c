"""Movements pages: plan runs and their progress, a plan's review and approval, manifests (on
screen, printable, Excel, handed to a crossing authority), the departure-day check-in at phone
width, crossing and arrival confirmations, and self-organised returns. Thin adapters: parse, call
one selector or service, render."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sabeel.core.actors import Actor, request_actor
from sabeel.core.permissions import require
from sabeel.core.views_helpers import run_service, staff_view
from sabeel.movements import manifests, selectors, services
from sabeel.movements.forms import (
    CancelForm,
    CheckInForm,
    ConfirmForm,
    DeparturePointForm,
    FindForm,
    FlagsForm,
    PlanRunForm,
    ReceptionForm,
    RequestForm,
    RouteForm,
    SelfReturnForm,
    ShareForm,
)
from sabeel.movements.models import Placement, Vehicle
from sabeel.registry.models import Individual
from sabeel.sharing.models import Agreement
from sabeel.sharing.selectors import agreements_in_force

LANGUAGES = ("ar", "en")


@staff_view
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "movement.manage")
    groups = list(selectors.groups_of(actor=actor))
    form = PlanRunForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        group = next(g for g in groups if g.pk == form.cleaned_data["working_group"])
        queue = partial(services.plan_run_start, actor=actor, working_group=group, start=form.cleaned_data["start"], days=form.cleaned_data["days"])
        if run_service(request, queue, _("The plan run is queued."), form=form):
            return redirect("movements:index")
    context = {
        "form": form,
        "find_form": FindForm(),
        "runs": selectors.plan_runs(actor=actor)[:30],
        "points": selectors.departure_points(actor=actor),
        "returns": selectors.self_organised_returns(actor=actor)[:20],
    }
    return render(request, "movements/index.html", context)


@staff_view
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = selectors.run_get(actor=actor, pk=pk)
    return render(request, "movements/_run.html", {"run": run})


@staff_view
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    context = {
        "plan": plan,
        "review": selectors.plan_review(actor=actor, plan=plan),
        "vehicles": selectors.vehicles_of(actor=actor, plan=plan),
        "cancel_form": CancelForm(),
    }
    return render(request, "movements/plan_detail.html", context)


@staff_view
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    run_service(request, partial(services.plan_approve, actor=actor, plan=plan), _("The plan is approved. The households are being told their dates."))
    return redirect("movements:plan_detail", pk=plan.pk)


@staff_view
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the plan is cancelled (at most 200 characters)."))
        return redirect("movements:plan_detail", pk=plan.pk)
    run_service(request, partial(services.plan_cancel, actor=actor, plan=plan, reason=form.cleaned_data["reason"]), _("The plan is cancelled."))
    return redirect("movements:plan_detail", pk=plan.pk)


@staff_view
@require_GET
def manifest(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    vehicle = selectors.vehicle_get(actor=actor, pk=pk)
    data = selectors.manifest(actor=actor, vehicle=vehicle)
    agreements = _share_agreements(vehicle)
    context = {"manifest": data, "share_form": ShareForm(agreements=agreements), "can_share": agreements.exists()}
    return render(request, "movements/manifest.html", context)


def _share_agreements(vehicle: Vehicle) -> QuerySet[Agreement]:
    return agreements_in_force(working_group_ids=[vehicle.plan.working_group_id])


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise Http404
    return language


def _for_print(request: HttpRequest, pk: int, language: str) -> tuple[Actor, Vehicle, selectors.Manifest, str]:
    """The manifest of vehicle ``pk`` read to be printed (page, Excel or PDF) in ``language``."""
    actor = request_actor(request)
    language = _language(language)
    vehicle = selectors.vehicle_get(actor=actor, pk=pk)
    return actor, vehicle, selectors.manifest(actor=actor, vehicle=vehicle, action="movement.manifest_print_read"), language


def _printed(actor: Actor, vehicle: Vehicle, data: selectors.Manifest, fmt: str, language: str) -> None:
    services.manifest_printed(
        actor=actor, vehicle=vehicle, fmt=fmt, language=language, household_ids=[r.placement.household_id for r in data.rows]
    )


@staff_view
@require_GET
def manifest_print(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The printable manifest in Arabic or English; opening it to print is audited."""
    actor, vehicle, data, language = _for_print(request, pk, language)
    _printed(actor, vehicle, data, "html", language)
    with translation.override(language):
        context = {
            "manifest": data,
            "lines": manifests.manifest_lines(data),
            "headings": manifests.headings(),
            "title": manifests.title(data),
            "language": language,
            "bidi": "rtl" if language == "ar" else "ltr",
        }
        return render(request, "movements/manifest_print.html", context)


def _xlsx(data: selectors.Manifest, language: str, name: str) -> HttpResponse:
    response = HttpResponse(
        manifests.manifest_xlsx(data, language),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view
@require_GET
def manifest_excel(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    actor, vehicle, data, language = _for_print(request, pk, language)
    _printed(actor, vehicle, data, "xlsx", language)
    return _xlsx(data, language, f"manifest-{vehicle.pk}-{language}.xlsx")


@staff_view
@require_GET
def manifest_pdf(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    actor, vehicle, data, language = _for_print(request, pk, language)
    try:
        content = manifests.manifest_pdf(data, language)
    except manifests.PdfUnavailable:
        messages.error(request, _("The PDF cannot be made on this server; use the printable page or the Excel file."))
        return redirect("movements:manifest", pk=vehicle.pk)
    _printed(actor, vehicle, data, "pdf", language)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="manifest-{vehicle.pk}-{language}.pdf"'
    return response


@staff_view
@require_POST
def manifest_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the manifest to a crossing authority: a share under an agreement, logged; the Excel
    file (Arabic) is the list handed over."""
    actor = request_actor(request)
    vehicle = selectors.vehicle_get(actor=actor, pk=pk)
    form = ShareForm(request.POST, agreements=_share_agreements(vehicle))
    data = selectors.manifest(actor=actor, vehicle=vehicle, action="movement.manifest_share_read")
    if form.is_valid():
        share = partial(
            services.manifest_share,
            actor=actor,
            vehicle=vehicle,
            agreement_id=form.cleaned_data["agreement"].pk,
            recipient_id=form.cleaned_data["recipient"].pk,
            individual_ids=data.individual_ids,
        )
        if run_service(request, share):
            return _xlsx(data, "ar", f"manifest-{vehicle.pk}-shared.xlsx")
    else:
        messages.error(request, _("Choose the agreement and the recipient."))
    return redirect("movements:manifest", pk=vehicle.pk)


@staff_view
@require_GET
def check_in_list(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    point = selectors.point_get(actor=actor, pk=pk)
    try:  # another day's list (an arrival confirmed the day after); check-in itself is today's only
        day = dt.date.fromisoformat(request.GET["day"]) if request.GET.get("day") else None
    except ValueError:
        day = None
    data = selectors.departures(actor=actor, point=point, day=day)
    return render(request, "movements/check_in.html", {"departures": data})


def _check_in_row(request: HttpRequest, placement: Placement) -> HttpResponse:
    actor = request_actor(request)
    if request.htmx:  # type: ignore[attr-defined]
        data = selectors.departures(actor=actor, point=placement.departure_point, day=placement.date)
        return render(request, "movements/check_in.html#list", {"departures": data})
    url = reverse("movements:check_in_list", kwargs={"pk": placement.departure_point_id})
    return redirect(f"{url}?day={placement.date.isoformat()}")


@staff_view
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    placement = selectors.placement_get(actor=actor, pk=pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose present, absent or withdrew here."))
        return _check_in_row(request, placement)
    individual = None
    if form.cleaned_data.get("individual"):
        individual = Individual.objects.filter(pk=form.cleaned_data["individual"], household_id=placement.household_id).first()
    check = partial(services.check_in, actor=actor, placement=placement, status=form.cleaned_data["status"], individual=individual)
    run_service(request, check, _("Recorded."))
    return _check_in_row(request, placement)


@staff_view
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    placement = selectors.placement_get(actor=actor, pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        run_service(request, partial(services.confirm, actor=actor, placement=placement, kind=form.cleaned_data["kind"]), _("Recorded."))
    return _check_in_row(request, placement)


@staff_view
@require_http_methods(["GET", "POST"])
def self_return(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk)
    form = SelfReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = partial(services.self_organised_return_record, actor=actor, household=household, **form.cleaned_data)
        if run_service(request, record, _("The self-organised return is recorded."), form=form):
            return redirect("movements:index")
    return render(request, "movements/self_return.html", {"form": form, "household": household})


@staff_view
@require_http_methods(["GET", "POST"])
def movement_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A movement officer records where the household boards and the dates it chose; the
    protection officer's flags are shown, never the needs behind them."""
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk)
    current = selectors.movement_request_of(household)
    points = list(selectors.departure_points(actor=actor).filter(working_group_id=household.working_group_id))
    initial = {"departure_point": current.departure_point_id, "earliest": current.earliest, "latest": current.latest} if current else {}
    form = RequestForm(request.POST or None, points=points, initial=initial)
    if request.method == "POST" and form.is_valid():
        point = next(p for p in points if p.pk == form.cleaned_data["departure_point"])
        set_request = partial(
            services.movement_request_set,
            actor=actor, household=household, departure_point=point,
            earliest=form.cleaned_data["earliest"], latest=form.cleaned_data["latest"],
        )  # fmt: skip
        if run_service(request, set_request, _("Recorded."), form=form):
            return redirect("movements:request", pk=household.pk)
    return render(request, "movements/request.html", {"form": form, "household": household, "current": current})


@staff_view
@require_http_methods(["GET", "POST"])
def movement_flags(request: HttpRequest, pk: int) -> HttpResponse:
    """A protection officer sets the priority tier and the need of a medical-fit vehicle."""
    actor = request_actor(request)
    household = selectors.household_for_flags(actor=actor, pk=pk)
    current = selectors.movement_request_of(household)
    initial = {"priority_tier": current.priority_tier, "needs_medical_vehicle": current.needs_medical_vehicle} if current else {}
    form = FlagsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        set_flags = partial(services.movement_flags_set, actor=actor, household=household, **form.cleaned_data)
        if run_service(request, set_flags, _("Recorded."), form=form):
            return redirect("movements:flags", pk=household.pk)
    return render(request, "movements/flags.html", {"form": form, "household": household, "current": current})


@staff_view
@require_POST
def find(request: HttpRequest) -> HttpResponse:
    """Open a household's movement request by its registration number (in the POST body, never
    in a URL); one of another group, or none, answers the same message."""
    actor = request_actor(request)
    require(actor, "movement.manage")
    form = FindForm(request.POST)
    household = None
    if form.is_valid():
        household = selectors.household_by_number(actor=actor, number=form.cleaned_data["registration_number"])
    if household is None:
        messages.error(request, _("No household of your working groups has this registration number."))
        return redirect("movements:index")
    return redirect("movements:request", pk=household.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Departure points (seats, vehicle sizes, routes to crossings) and reception capacity of the
    officer's groups; the crossings' opening days and capacity are set on the geography pages."""
    actor = request_actor(request)
    require(actor, "movement.manage")
    groups = list(selectors.groups_of(actor=actor))
    points = list(selectors.departure_points(actor=actor).prefetch_related("routes__crossing"))
    which = request.POST.get("form") if request.method == "POST" else None
    point_form = DeparturePointForm(request.POST if which == "point" else None, groups=groups, prefix="point")
    route_form = RouteForm(request.POST if which == "route" else None, points=points, prefix="route")
    reception_form = ReceptionForm(request.POST if which == "reception" else None, groups=groups, prefix="reception")
    form: Any = {"point": point_form, "route": route_form, "reception": reception_form}.get(which or "")
    if form is not None and form.is_valid():
        data = dict(form.cleaned_data)

        def record() -> None:
            if which == "point":
                group = next(g for g in groups if g.pk == data.pop("working_group"))
                services.departure_point_create(actor=actor, working_group=group, **data)
            elif which == "route":
                point = next(p for p in points if p.pk == data["departure_point"])
                services.route_set(actor=actor, departure_point=point, crossing=data["crossing"], travel_minutes=data["travel_minutes"])
            else:
                group = next(g for g in groups if g.pk == data["working_group"])
                services.reception_capacity_set(
                    actor=actor, working_group=group, destination=data["destination"], persons_per_day=data["persons_per_day"]
                )

        if run_service(request, record, _("Recorded."), form=form):
            return redirect("movements:setup")
    context = {
        "points": points,
        "receptions": selectors.reception_capacities(actor=actor),
        "point_form": point_form,
        "route_form": route_form,
        "reception_form": reception_form,
    }
    return render(request, "movements/setup.html", context)
