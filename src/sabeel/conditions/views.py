"""Area conditions pages: the register's units, a unit's current conditions with where each came
from and its history, the record form (htmx partial) and the printable information package."""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from sabeel.conditions import selectors, services
from sabeel.conditions.forms import ConditionForm, UnitSearchForm
from sabeel.conditions.models import InformationPackage
from sabeel.core.actors import Actor, request_actor
from sabeel.core.permissions import groups_for
from sabeel.core.views_helpers import run_service, staff_view
from sabeel.workgroups.models import WorkingGroup

PAGE_SIZE = 50


def _viewer_zone(actor: Actor) -> str:
    """The time zone the user reads times in: that of their host-country working group (the
    register is shared, so a time is shown in the reader's zone)."""
    groups = groups_for(actor, "workgroup.view")
    zones = WorkingGroup.objects.filter(pk__in=groups, host_country__isnull=False).order_by("pk")
    return zones.values_list("time_zone", flat=True).first() or "UTC"


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@staff_view
def unit_index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = UnitSearchForm(request.GET or None)
    q = form.cleaned_data.get("q") if form.is_valid() else None
    units = selectors.area_condition_units(actor=actor, q=q or None)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "conditions/unit_index.html#rows" if _htmx(request) else "conditions/unit_index.html"
    return render(request, template, {"form": form, "page": page, "q": q})


@staff_view
def unit_conditions(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_chain(unit)[:0:-1],
        "current": selectors.area_conditions_current(actor=actor, admin_unit=unit),
        "hostilities": selectors.hostilities_status(unit),
        "observations": selectors.area_observations(unit),
        "history": selectors.area_condition_history(actor=actor, admin_unit=unit)[: selectors.HISTORY_LIMIT],
        "packages": selectors.information_package_versions(actor=actor, admin_unit=unit)[:20],
        "can_record": selectors.can_record_conditions(actor=actor),
        "zone": _viewer_zone(actor),
    }
    return render(request, "conditions/unit_conditions.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def condition_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    selectors.conditions_record_check(actor=actor)
    form = ConditionForm(request.POST or None, initial={"threshold": request.GET.get("threshold")})
    if request.method == "POST" and form.is_valid():
        record = partial(services.area_condition_record, actor=actor, admin_unit=unit, **form.cleaned_data)
        done = _("The condition was recorded for %(unit)s.") % {"unit": unit.local_name}
        if run_service(request, record, done, form=form):
            if _htmx(request):
                return HttpResponseClientRedirect(_unit_url(unit.pk))
            return redirect("conditions:unit_conditions", pk=unit.pk)
    template = "conditions/condition_form.html#form" if _htmx(request) else "conditions/condition_form.html"
    return render(request, template, {"unit": unit, "form": form})


def _unit_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("conditions:unit_conditions", kwargs={"pk": pk})


def _render_package(request: HttpRequest, package: InformationPackage, *, latest: bool) -> HttpResponse:
    actor = request_actor(request)
    content = package.content
    context = {
        "package": package,
        "content": content,
        "rtl": package.language == "ar",
        "latest": latest,
        "zone": _viewer_zone(actor),
    }
    return render(request, "conditions/package.html", context)


@staff_view
def package_current(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    actor = request_actor(request)
    if language not in services.PACKAGE_LANGUAGES:
        raise Http404
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    package = services.information_package_current(destination=unit, language=language)
    return _render_package(request, package, latest=True)


@staff_view
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    package = selectors.information_package_get(actor=actor, pk=pk)
    return _render_package(request, package, latest=False)
