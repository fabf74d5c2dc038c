"""Geography pages: the admin-unit browser, a unit's page, place-name lookup, crossings."""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sabeel.core.actors import request_actor
from sabeel.core.views_helpers import run_service, staff_view
from sabeel.geo import selectors, services
from sabeel.geo.filters import AdminUnitFilterForm, CrossingFilterForm
from sabeel.geo.forms import CrossingOperationsForm, LookupForm

PAGE_SIZE = 50
CHILDREN_SHOWN = 100


def _partial(request: HttpRequest, template: str, partial: str) -> str:
    return f"{template}#{partial}" if getattr(request, "htmx", False) else template


@staff_view
def admin_unit_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = AdminUnitFilterForm(request.GET)
    filters = form.filters()
    parent = selectors.admin_unit_get(actor=actor, pk=filters.pop("parent")) if "parent" in filters else None
    units = selectors.admin_unit_list(actor=actor, parent=parent, **filters)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "parent": parent}
    return render(request, _partial(request, "geo/admin_unit_list.html", "rows"), context)


@staff_view
def admin_unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    unit = selectors.admin_unit_get(actor=actor, pk=pk)
    children = selectors.admin_unit_list(actor=actor, parent=unit)
    context = {
        "unit": unit,
        "ancestors": selectors.admin_unit_ancestors(actor=actor, unit=unit),
        "children": children[:CHILDREN_SHOWN],
        "children_total": children.count(),
        "names": selectors.admin_unit_names(actor=actor, unit=unit),
        "crossings": selectors.crossing_list(actor=actor, syria_unit=unit) if unit.country == "SY" else [],
        "sites": selectors.site_list(actor=actor, admin_unit=unit),
        "can_edit": selectors.geo_can_edit(actor=actor),
    }
    return render(request, "geo/admin_unit_detail.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def admin_unit_lookup(request: HttpRequest) -> HttpResponse:
    """The query travels in the POST body only, never in a URL (nor, therefore, in a log)."""
    actor = request_actor(request)
    form = LookupForm(request.POST if request.method == "POST" else None)
    result = None
    if form.is_valid():
        result = selectors.admin_unit_lookup(actor=actor, **form.cleaned_data)
    else:
        selectors.geo_view_check(actor=actor)
    return render(request, _partial(request, "geo/lookup.html", "results"), {"form": form, "result": result})


@staff_view
def crossing_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = CrossingFilterForm(request.GET)
    country = form.cleaned_data.get("country") if form.is_valid() else None
    crossings = selectors.crossing_list(actor=actor, country=country or None)
    context = {"form": form, "crossings": crossings, "can_edit": selectors.geo_can_edit(actor=actor)}
    return render(request, _partial(request, "geo/crossing_list.html", "rows"), context)


@staff_view
@require_http_methods(["GET", "POST"])
def crossing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    crossing = selectors.crossing_get(actor=actor, pk=pk, action="geo.edit")
    form = CrossingOperationsForm(request.POST) if request.method == "POST" else CrossingOperationsForm.for_crossing(crossing)
    if request.method == "POST" and form.is_valid():
        save = partial(
            services.crossing_operations_set,
            actor=actor,
            crossing=crossing,
            opening_days=form.opening_days_value(),
            daily_capacity=form.cleaned_data["daily_capacity"],
        )
        done = _("Saved the opening days and capacity of %(crossing)s.") % {"crossing": crossing}
        if run_service(request, save, done, form=form):
            return redirect("geo:crossing_list")
    return render(request, "geo/crossing_edit.html", {"crossing": crossing, "form": form})
