"""A map of one funnel stage: a choropleth of the units that have a stored polygon, and a
proportional symbol (a circle at the centroid) for the units that have only a centroid.

Drawn here as SVG, on the server, from the polygons ``geo_load`` stores (``AdminUnit.boundary``):
an equirectangular projection fitted to the bounds (longitudes shrunk by the cosine of the middle
latitude) is exact enough for a country the size of Syria. A fresh machine that loaded only the
gazetteer has centroids and no polygons, so every unit is then a symbol. Colours are presentation
attributes and classes (no ``style`` attribute, no script: the Content-Security-Policy holds);
each unit carries a ``<title>`` with its name and figure (a unit's name, never a person's), read by
the browser as a tooltip and by screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _

from sabeel.reports.types import STAGE_LABELS, Cell, Dimension, FunnelTable, Stage

__all__ = ["LegendEntry", "MapUnit", "RenderedMap", "funnel_map", "map_units"]

WIDTH = 560
PADDING = 12
MAX_RADIUS = 22.0
MIN_RADIUS = 3.0
# Sequential greens, light to dark (ColorBrewer "Greens", colour-blind safe), then the neutrals.
CLASS_FILLS = ("#e5f5e0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
EMPTY_FILL = "#f4f4f2"
SUPPRESSED_FILL = "url(#map-suppressed)"
OUTLINE = "#ffffff"
SYMBOL_FILL = "#2f6f5e"

Polygon = list[list[list[float]]]


@dataclass(frozen=True)
class MapUnit:
    key: str
    label: str
    boundary: list[Polygon] | None  # MultiPolygon coordinates, or None (centroid only)
    lat: float | None
    lon: float | None
    outline_only: bool = False  # drawn as background (e.g. governorates under sub-districts)


@dataclass(frozen=True)
class LegendEntry:
    css: str  # class of the swatch: "q0".."q4", "empty", "suppressed", "symbol"
    label: str


@dataclass(frozen=True)
class RenderedMap:
    svg: str
    legend: tuple[LegendEntry, ...]
    polygons: int  # units drawn as polygons
    symbols: int  # units drawn as circles at their centroid
    stage: Stage


def map_units(dimension: Dimension, keys: Iterable[str]) -> list[MapUnit]:
    """The units a map of ``dimension`` draws (reference data, platform-wide): every Syrian
    governorate for origins; the Syrian sub-districts asked for over the governorates' outlines;
    the host areas asked for (with their countries' other first-level units as background)."""
    from sabeel.geo.choices import Country, Level
    from sabeel.geo.models import AdminUnit

    fields = ("key", "name_en", "name_ar", "boundary", "lat", "lon")
    wanted = [k for k in keys if k]
    units: list[MapUnit] = []

    def unit(obj: AdminUnit, *, outline_only: bool = False) -> MapUnit:
        coordinates = (obj.boundary or {}).get("coordinates") or None  # the stored GeoJSON MultiPolygon
        return MapUnit(obj.key, obj.local_name, coordinates, obj.lat, obj.lon, outline_only=outline_only)

    if dimension == Dimension.ORIGIN:
        qs = AdminUnit.objects.filter(country=Country.SYRIA, level=Level.ADMIN1).only(*fields)
        units = [unit(u) for u in qs]
    elif dimension == Dimension.ORIGIN_SUBDISTRICT:
        background = AdminUnit.objects.filter(country=Country.SYRIA, level=Level.ADMIN1).only(*fields)
        units = [unit(u, outline_only=True) for u in background]
        units += [unit(u) for u in AdminUnit.objects.filter(key__in=wanted).only(*fields)]
    elif dimension == Dimension.HOST_AREA:
        chosen = list(AdminUnit.objects.filter(key__in=wanted).only(*fields, "country"))
        countries = {u.country for u in chosen}
        others = AdminUnit.objects.filter(country__in=countries, level=Level.ADMIN1).exclude(key__in=wanted).only(*fields)
        units = [unit(u) for u in others] + [unit(u) for u in chosen]
    return units


def _project(units: Sequence[MapUnit]) -> tuple[Any, int, int]:
    points: list[tuple[float, float]] = []
    for u in units:
        if u.boundary:
            points.extend((x, y) for polygon in u.boundary for ring in polygon for x, y in ring)
        elif u.lat is not None and u.lon is not None:
            points.append((u.lon, u.lat))
    if not points:
        return (lambda lon, lat: (0.0, 0.0)), WIDTH, 1
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((min_y + max_y) / 2))
    span_x, span_y = max((max_x - min_x) * k, 1e-6), max(max_y - min_y, 1e-6)
    scale = (WIDTH - 2 * PADDING) / span_x
    height = max(int(span_y * scale + 2 * PADDING), 120)
    if span_x < 0.5 and span_y < 0.5:  # a lone point or a tiny area: centre it
        scale = min(scale, 200.0)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return PADDING + (lon - min_x) * k * scale, PADDING + (max_y - lat) * scale

    return project, WIDTH, height


def _path(boundary: list[Polygon], project: Any) -> str:
    parts = []
    for polygon in boundary:
        for ring in polygon:
            coords = [project(x, y) for x, y in ring]
            parts.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in coords) + "Z")
    return "".join(parts)


def _bins(values: Sequence[int], lowest: int = 1) -> list[int]:
    """Upper bounds of five equal-width classes from ``lowest`` (the suppression threshold, when
    figures under it are never shown) up to the largest value."""
    top = max(values, default=0)
    step = max(math.ceil((top - lowest + 1) / len(CLASS_FILLS)), 1)
    return [lowest - 1 + step * (i + 1) for i in range(len(CLASS_FILLS))]


def _class_of(value: int, bins: Sequence[int]) -> int:
    for i, bound in enumerate(bins):
        if value <= bound:
            return i
    return len(bins) - 1


def _title(label: str, cell: Cell | None, stage_label: str, threshold: int | None) -> str:
    if cell is None:
        figure = _("none counted")
    elif cell.suppressed:
        figure = _("suppressed (fewer than %(n)d)") % {"n": threshold or 5}
    else:
        figure = f"{cell.value:,}"
    return f"{label} — {stage_label}: {figure}"


def funnel_map(table: FunnelTable, units: Sequence[MapUnit], *, stage: Stage) -> RenderedMap:
    """The SVG map of ``stage`` for the rows of ``table`` keyed like the units (p-codes)."""
    cells = {row.key: row.cells.get(stage) for row in table.rows}
    stage_label = str(STAGE_LABELS[stage])
    threshold = table.provenance.threshold
    values = [c.value for c in cells.values() if c is not None and c.value]
    lowest = threshold or 1
    bins = _bins(values, min(lowest, min(values, default=1)))
    top = max(values, default=0)
    project, width, height = _project(units)
    shapes: list[str] = []
    symbols: list[str] = []
    drawn_polygons = drawn_symbols = 0
    for unit in units:
        cell = None if unit.outline_only else cells.get(unit.key)
        title = f"<title>{escape(_title(unit.label, cell, stage_label, threshold))}</title>"
        key = escape(unit.key)
        if unit.boundary:
            if unit.outline_only:
                shapes.append(f'<path class="map-outline" d="{_path(unit.boundary, project)}" fill="none" stroke="#8a8f94" stroke-width="0.8"/>')
                continue
            if cell is None or cell.value == 0:
                css, fill = "empty", EMPTY_FILL
            elif cell.suppressed:
                css, fill = "suppressed", SUPPRESSED_FILL
            else:
                index = _class_of(cell.value or 0, bins)
                css, fill = f"q{index}", CLASS_FILLS[index]
            shapes.append(
                f'<path class="map-unit {css}" data-key="{key}" d="{_path(unit.boundary, project)}" '
                f'fill="{fill}" stroke="{OUTLINE}" stroke-width="1">{title}</path>'
            )
            drawn_polygons += 1
        elif unit.lat is not None and unit.lon is not None and not unit.outline_only:
            cx, cy = project(unit.lon, unit.lat)
            if cell is None or cell.value == 0:
                continue  # nothing to show for a unit with none counted and no polygon
            if cell.suppressed:
                radius, css, fill = MIN_RADIUS * 1.5, "suppressed", SUPPRESSED_FILL
            else:
                value = cell.value or 0
                radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(value / top)) if top else MIN_RADIUS
                css, fill = "symbol", SYMBOL_FILL
            symbols.append(
                f'<circle class="map-symbol {css}" data-key="{key}" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" '
                f'fill="{fill}" fill-opacity="0.75" stroke="#ffffff" stroke-width="1">{title}</circle>'
            )
            drawn_symbols += 1
    hatch = (
        '<defs><pattern id="map-suppressed" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#d9d9d6"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#8a8f94" stroke-width="2"/></pattern></defs>'
    )
    label = escape(_("Map: %(stage)s by area") % {"stage": stage_label})
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">{hatch}'
        f'<g class="map-polygons">{"".join(shapes)}</g><g class="map-symbols">{"".join(symbols)}</g></svg>'
    )
    legend: list[LegendEntry] = []
    if drawn_polygons:
        lower = bins[0] - (bins[1] - bins[0]) + 1
        for i, bound in enumerate(bins):
            if lower > top:
                break
            upper = min(bound, top)
            legend.append(LegendEntry(f"q{i}", f"{lower:,}" if lower == upper else f"{lower:,}–{upper:,}"))
            lower = bound + 1
        legend.append(LegendEntry("empty", _("none counted")))
    if drawn_symbols:
        legend.append(LegendEntry("symbol", _("circle: an area without a stored boundary, its size the figure")))
    legend.append(LegendEntry("suppressed", _("suppressed: fewer than %(n)d") % {"n": threshold or 5}))
    return RenderedMap(svg, tuple(legend), drawn_polygons, drawn_symbols, stage)
