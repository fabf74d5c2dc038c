"""Funnel pages: the table with its chart, map and weekly trends; the aggregate export; and the
home-page card. Thin adapters: parse the GET form, ask ``reports.selectors`` for the tables (the
selector scopes them to the actor's groups and suppresses small cells for aggregate roles), render.

Everything here is aggregate: no page, export or chart carries a person's name. Place filters
take a name in either script or a code (``geo.forms.PlaceField``, the gazetteer lookup); they are
place names, not personal data, so the form is a GET form and its URL can be shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sabeel.core import audit
from sabeel.core.actors import Actor, request_actor
from sabeel.core.permissions import groups_for, require
from sabeel.core.views_helpers import staff_view
from sabeel.geo.choices import Country, Level
from sabeel.geo.forms import PlaceField
from sabeel.geo.lookup import lookup
from sabeel.geo.models import AdminUnit
from sabeel.reports import charts, exports, maps, selectors
from sabeel.reports.types import STAGE_LABELS, Dimension, FunnelTable, Stage

_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")

DIMENSION_LABELS = {
    Dimension.HOST_COUNTRY: gettext_lazy("Host country"),
    Dimension.HOST_AREA: gettext_lazy("Host area"),
    Dimension.ORIGIN: gettext_lazy("Governorate of origin"),
    Dimension.ORIGIN_SUBDISTRICT: gettext_lazy("Sub-district of origin"),
    Dimension.WEEK: gettext_lazy("Week of registration"),
}
# The geographic dimension a map shows for each table dimension.
MAP_DIMENSION = {
    Dimension.HOST_COUNTRY: Dimension.ORIGIN,
    Dimension.HOST_AREA: Dimension.HOST_AREA,
    Dimension.ORIGIN: Dimension.ORIGIN,
    Dimension.ORIGIN_SUBDISTRICT: Dimension.ORIGIN_SUBDISTRICT,
    Dimension.WEEK: Dimension.ORIGIN,
}
HOST_COUNTRIES = [(c.value, c.label) for c in Country if c != Country.SYRIA]


class WeekField(forms.CharField):
    """An ISO week, "2026-W49" (what ``<input type="week">`` sends)."""

    widget = forms.TextInput(attrs={"type": "week", "placeholder": "2026-W49"})

    def clean(self, value: Any) -> str:
        text = (super().clean(value) or "").strip()
        if text and not _WEEK.match(text):
            raise forms.ValidationError(_("Give a week as 2026-W49."), code="week")
        return text


class OriginField(PlaceField):
    """A Syrian place; a name that is a governorate and also a district or sub-district ("Homs",
    "حمص") means the governorate here, as the funnel is read by governorate first."""

    def clean(self, value: Any) -> Any:
        text = (value or "").strip() if isinstance(value, str) else ""
        if text and not AdminUnit.objects.filter(key__iexact=text).exists():
            result = lookup(text, country=Country.SYRIA, level=Level.ADMIN1, limit=3)
            if len(result.tied) == 1 and result.tied[0].exact:
                return result.tied[0].unit
        return super().clean(value)


class FunnelForm(forms.Form):
    dimension = forms.ChoiceField(
        label=gettext_lazy("Rows"), choices=list(DIMENSION_LABELS.items()), required=False, initial=Dimension.ORIGIN
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Count"),
        choices=[("households", gettext_lazy("Households")), ("people", gettext_lazy("People"))],
        required=False,
        initial="households",
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage on the map"), choices=list(STAGE_LABELS.items()), required=False, initial=Stage.INTENDING
    )
    host_country = forms.ChoiceField(
        label=gettext_lazy("Host country"), choices=[("", gettext_lazy("All")), *HOST_COUNTRIES], required=False
    )
    host_area = PlaceField(label=gettext_lazy("Host area"), syrian=False)
    origin = OriginField(label=gettext_lazy("Origin (governorate or sub-district)"), syrian=True)
    week_from = WeekField(label=gettext_lazy("From week"), required=False)
    week_to = WeekField(label=gettext_lazy("To week"), required=False)

    def filters(self) -> dict[str, str]:
        """The filters as the selector takes them: codes only, empty ones left out."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        values = {
            "host_country": data.get("host_country") or "",
            "host_area": getattr(data.get("host_area"), "key", "") or "",
            "origin": getattr(data.get("origin"), "key", "") or "",
            "week_from": data.get("week_from") or "",
            "week_to": data.get("week_to") or "",
        }
        return {k: v for k, v in values.items() if v}

    def choice(self, name: str, enum: Any) -> Any:
        value = self.cleaned_data.get(name) if self.is_bound and self.is_valid() else None
        return enum(value or self.fields[name].initial)


def _with_defaults(request: HttpRequest) -> dict[str, Any]:
    """The GET form's data, a choice left out taking its default (so the form shows what is shown)."""
    if not request.GET:
        return {}
    data: dict[str, Any] = request.GET.dict()
    for name in ("dimension", "unit", "stage"):
        if not data.get(name):
            data[name] = str(FunnelForm.base_fields[name].initial)
    return data


@dataclass(frozen=True)
class Figures:
    """What the page shows: the table, the trends by week, the map and their charts."""

    table: FunnelTable
    trends: FunnelTable
    chart_svg: str
    trends_svg: str
    map: maps.RenderedMap


def _table(actor: Actor, *, dimension: Dimension, unit: str, filters: dict[str, str], leaving: bool = False) -> FunnelTable:
    # An export leaves the group: always suppressed; a page: as the actor's roles decide.
    return selectors.funnel_table(actor, dimension=dimension, unit=unit, filters=filters, suppress=True if leaving else None)


def _zone(actor: Actor) -> str:
    """The time zone of the actor's (first) group, for the as-of times."""
    from sabeel.workgroups.models import WorkingGroup

    ids = sorted(groups_for(actor, "aggregate.view"))
    group = WorkingGroup.objects.filter(pk__in=ids).order_by("pk").first()
    return str(getattr(group, "time_zone", "") or "UTC")


def _figures(actor: Actor, form: FunnelForm) -> Figures:
    dimension, unit, stage = form.choice("dimension", Dimension), form.choice("unit", str), form.choice("stage", Stage)
    filters = form.filters()
    map_dimension = MAP_DIMENSION[dimension]
    with selectors.one_version():  # the table, its trends and its map from the same figures
        table = _table(actor, dimension=dimension, unit=unit, filters=filters)
        trends = table if dimension == Dimension.WEEK else _table(actor, dimension=Dimension.WEEK, unit=unit, filters=filters)
        geo = table if map_dimension == dimension else _table(actor, dimension=map_dimension, unit=unit, filters=filters)
    units = maps.map_units(map_dimension, [row.key for row in geo.rows])
    return Figures(
        table=table,
        trends=trends,
        chart_svg=charts.funnel_chart(table),
        trends_svg=charts.trends_chart(trends) if trends.rows else "",
        map=maps.funnel_map(geo, units, stage=stage),
    )


@staff_view
@require_GET
def funnel(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "aggregate.view")
    form = FunnelForm(_with_defaults(request) or None)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/funnel.html", {"form": form, "figures": None})
    figures = _figures(actor, form)
    context = {
        "form": form,
        "figures": figures,
        "zone": _zone(actor),
        "dimension_label": DIMENSION_LABELS[figures.table.dimension],
        "suppressed_mark": exports.suppressed_mark(figures.table.provenance.threshold),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/funnel.html", context)


@staff_view
@require_GET
def funnel_export(request: HttpRequest) -> HttpResponse:
    """The table as Excel or HXL CSV: always suppressed (it leaves the group), no agreement needed,
    recorded in the audit trail with the parameters (codes only)."""
    actor = request_actor(request)
    require(actor, "aggregate.view")
    fmt = request.GET.get("format", "xlsx")
    form = FunnelForm(_with_defaults(request))
    if fmt not in exports.FORMATS or not form.is_valid():  # a bound form: "format" alone is enough
        return HttpResponse(_("Choose a valid format (xlsx or csv) and valid filters."), status=400, content_type="text/plain; charset=utf-8")
    dimension, unit = form.choice("dimension", Dimension), form.choice("unit", str)
    filters = form.filters()
    table = _table(actor, dimension=dimension, unit=unit, filters=filters, leaving=True)
    file = exports.funnel_file(table, fmt, time_zone=_zone(actor))
    groups = sorted(groups_for(actor, "aggregate.view"))
    audit.record(
        actor=actor,
        action="report.exported",
        # In its group's trail (its auditors see it); the groups counted are named by id.
        working_group_id=groups[0] if len(groups) == 1 else None,
        data={
            "groups": groups,
            "report": "funnel",
            "format": fmt,
            "dimension": str(dimension),
            "unit": unit,
            "filters": filters,
            "rows": len(table.rows),
            "threshold": table.provenance.threshold,
        },
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@staff_view
@require_GET
def home_card(request: HttpRequest) -> HttpResponse:
    """The headline funnel for the home page (an htmx fragment): stage totals and a link."""
    actor = request_actor(request)
    require(actor, "aggregate.view")
    summary = selectors.home_summary(actor)
    return render(request, "reports/_home_card.html", {"summary": summary, "zone": _zone(actor)})
