"""Boundary polygons: read from the set's GeoJSON files, matched to units by key, simplified.

Three files of the shared layout carry polygons: Syrian governorates (``adm1_pcode``), Lebanese
governorates (``ocha_adm1_pcode``; two geoBoundaries shapes fall in one OCHA governorate and are
merged) and Jordan's three levels (``wikidata``, or the generated key of a sub-district without
one). Each geometry is simplified (Douglas–Peucker) and rounded so a whole country's map stays a
few kilobytes in a page; what is stored is a GeoJSON ``MultiPolygon`` geometry, in degrees.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sabeel.geo.choices import Country
from sabeel.geo.loader._rows import Problem

# ~550 m at Syria's latitudes: well under a pixel on a country map a page shows.
TOLERANCE_DEGREES = 0.005
DECIMALS = 3
# A ring simplified to fewer than 4 points (closed triangle) is dropped.
_MIN_RING = 4

Ring = list[list[float]]
Polygon = list[Ring]


def _syria_key(props: dict[str, Any]) -> str:
    return str(props.get("adm1_pcode") or "")


def _lebanon_key(props: dict[str, Any]) -> str:
    return str(props.get("ocha_adm1_pcode") or "")


def _jordan_key(props: dict[str, Any]) -> str:
    from sabeel.geo.loader._read import generated_key

    qid = props.get("wikidata") or ""
    if qid:
        return str(qid)
    parent, name_en = props.get("parent_wikidata") or "", props.get("name_en") or ""
    if props.get("level") == 3 and parent and name_en:
        return generated_key(Country.JORDAN, str(parent), str(name_en))
    return ""


POLYGON_FILES: dict[str, Callable[[dict[str, Any]], str]] = {
    "syria/sy_admin1_polygons.geojson": _syria_key,
    "hosts/lbn_admin1_polygons.geojson": _lebanon_key,
    "hosts/jor_admin_polygons_osm.geojson": _jordan_key,
}


@dataclass(frozen=True)
class BoundaryRow:
    key: str
    geometry: dict[str, Any]  # {"type": "MultiPolygon", "coordinates": [...]}
    source: str


def _perpendicular(point: Sequence[float], start: Sequence[float], end: Sequence[float]) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify_line(points: Sequence[Sequence[float]], tolerance: float) -> list[list[float]]:
    """Douglas–Peucker, iterative (no recursion limit on long coastlines)."""
    if len(points) < 3:
        return [list(p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, farthest = 0, 0.0
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > farthest:
                index, farthest = i, distance
        if farthest > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [list(p) for p, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: Sequence[Sequence[float]], tolerance: float = TOLERANCE_DEGREES) -> Ring | None:
    """A closed ring simplified and rounded; None when too little of it is left to draw.

    A closed ring's first and last points coincide, so it is split at its farthest point from the
    start and each half simplified (Douglas–Peucker needs two distinct ends)."""
    points = [[float(x), float(y)] for x, y, *_rest in ring]
    if len(points) < _MIN_RING:
        return None
    if points[0] != points[-1]:
        points.append(points[0])
    far = max(range(len(points)), key=lambda i: math.hypot(points[i][0] - points[0][0], points[i][1] - points[0][1]))
    if far == 0:
        return None
    half1 = simplify_line(points[: far + 1], tolerance)
    half2 = simplify_line(points[far:], tolerance)
    out: Ring = []
    for x, y in half1[:-1] + half2:
        rounded = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != rounded:
            out.append(rounded)
    if len(out) < _MIN_RING:
        return None
    return out


def simplify_geometry(geometry: dict[str, Any], tolerance: float = TOLERANCE_DEGREES) -> list[Polygon]:
    """A Polygon or MultiPolygon as a list of simplified polygons (outer ring first)."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    out: list[Polygon] = []
    for polygon in polygons:
        rings = [simplify_ring(ring, tolerance) for ring in polygon]
        if rings and rings[0] is not None:
            out.append([r for r in rings if r is not None])
    return out


def read_boundaries(directory: Path, problems: list[Problem]) -> tuple[list[BoundaryRow], list[str], list[str], list[str]]:
    """The boundaries of the known polygon files present in ``directory``: (rows, files read,
    GeoJSON files present but not read, features naming no key). Features of one key are merged
    into one MultiPolygon. A polygon never refuses the set: one without a key is only reported."""
    rows: list[BoundaryRow] = []
    files: list[str] = []
    unmatched: list[str] = []
    for relative, key_of in POLYGON_FILES.items():
        path = directory / relative
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            features = data["features"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(relative, 0, _("not a GeoJSON feature collection (%(error)s)") % {"error": type(exc).__name__}))
            continue
        merged: dict[str, list[Polygon]] = {}
        for number, feature in enumerate(features, start=1):  # number: the feature's place in the file
            props = feature.get("properties") or {}
            key = key_of(props)
            if not key:
                unmatched.append(f"{relative}#{number}")
                continue
            polygons = simplify_geometry(feature.get("geometry") or {})
            if polygons:
                merged.setdefault(key, []).extend(polygons)
        rows.extend(
            BoundaryRow(key, {"type": "MultiPolygon", "coordinates": polygons}, relative) for key, polygons in merged.items()
        )
        files.append(relative)
    unread = sorted(str(p.relative_to(directory)) for p in directory.rglob("*.geojson") if str(p.relative_to(directory)) not in files)
    return rows, files, unread, unmatched
