"""Boundary polygons: simplified, rounded, stored on their units by key, merged where two shapes
make one unit, counted (never refused) when no unit matches, unchanged on a second run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from sabeel.core.actors import system
from sabeel.core.models import AuditEntry
from sabeel.geo import loader
from sabeel.geo.loader._polygons import DECIMALS, TOLERANCE_DEGREES, simplify_geometry, simplify_ring
from sabeel.geo.models import AdminUnit
from sabeel.geo.tests.test_loader import write_set


def circle(cx: float, cy: float, r: float, n: int = 400) -> list[list[float]]:
    points = [[cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)] for i in range(n)]
    return [*points, points[0]]


def square(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(props: dict[str, object], *rings: list[list[float]]) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": list(rings)}}


def write_geojson(root: Path, relative: str, *features: dict[str, object]) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")


# --- simplification ------------------------------------------------------------------------------


def test_a_dense_ring_is_simplified_closed_and_rounded():
    ring = circle(38.3, 34.5, 1.0, n=2000)

    simple = simplify_ring(ring)

    assert simple is not None
    assert 8 < len(simple) < 200  # far fewer points, still a round shape
    assert simple[0] == simple[-1]
    assert all(round(v, DECIMALS) == v for point in simple for v in point)
    # every kept point is still on the circle (within the tolerance and the rounding)
    assert all(abs(math.hypot(x - 38.3, y - 34.5) - 1.0) < TOLERANCE_DEGREES + 10**-DECIMALS for x, y in simple)


def test_a_ring_smaller_than_the_tolerance_is_dropped_but_its_polygon_kept_when_the_outer_ring_stays():
    outer = square(36.0, 33.0, 1.0)
    speck = square(36.5, 33.5, 0.0001)

    polygons = simplify_geometry({"type": "Polygon", "coordinates": [outer, speck]})

    assert len(polygons) == 1 and len(polygons[0]) == 1  # the hole too small to see is gone
    assert simplify_geometry({"type": "Polygon", "coordinates": [speck]}) == []


@given(st.lists(st.tuples(st.floats(35, 42), st.floats(32, 37.5)), min_size=4, max_size=60))
def test_simplification_never_invents_a_point_outside_the_ring_bounds(points):
    ring = [list(p) for p in points] + [list(points[0])]

    simple = simplify_ring(ring)

    if simple is not None:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        slack = 10**-DECIMALS
        assert all(min(xs) - slack <= x <= max(xs) + slack and min(ys) - slack <= y <= max(ys) + slack for x, y in simple)
        assert simple[0] == simple[-1]


# --- loading -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_polygons_are_stored_on_their_units_by_pcode_and_shapes_of_one_unit_merged(tmp_path):
    root = write_set(tmp_path)
    write_geojson(root, "syria/sy_admin1_polygons.geojson",
                  feature({"adm1_pcode": "SY04"}, circle(38.3, 34.5, 1.0)),
                  feature({"adm1_pcode": "SY99"}, square(40, 35, 0.5)),  # no such unit
                  feature({"adm1_name_en": "nameless"}, square(41, 35, 0.5)))  # fmt: skip
    loader.load_gazetteer()  # Lebanon's governorates
    write_geojson(root, "hosts/lbn_admin1_polygons.geojson",
                  feature({"ocha_adm1_pcode": "LB3"}, square(35.5, 33.8, 0.3)),
                  feature({"ocha_adm1_pcode": "LB3", "gb_shapeName": "Keserwan-Jbeil"}, square(35.6, 34.1, 0.2)))  # fmt: skip

    report = loader.geo_load(root, actor=system("test"))

    homs = AdminUnit.objects.get(key="SY04")
    assert homs.boundary["type"] == "MultiPolygon" and len(homs.boundary["coordinates"]) == 1
    assert homs.boundary_source == "syria/sy_admin1_polygons.geojson"
    assert len(AdminUnit.objects.get(key="LB3").boundary["coordinates"]) == 2  # both shapes, one unit
    assert AdminUnit.objects.get(key="SY12").boundary is None  # no polygon: centroid only
    assert (report.boundaries_stored, report.boundaries_unmatched) == (2, 2)
    entry = AuditEntry.objects.get(action="geo.reference_loaded")
    assert entry.data["boundaries_stored"] == 2 and entry.data["not_stored"] == []


@pytest.mark.django_db
def test_a_second_run_with_the_same_polygons_changes_nothing(tmp_path):
    root = write_set(tmp_path)
    write_geojson(root, "syria/sy_admin1_polygons.geojson", feature({"adm1_pcode": "SY04"}, circle(38.3, 34.5, 1.0)))
    loader.geo_load(root, actor=system("test"))
    stamp = AdminUnit.objects.get(key="SY04").updated_at

    again = loader.geo_load(root, actor=system("test"))

    assert not again.changed
    assert (again.boundaries_stored, again.boundaries_unchanged) == (0, 1)
    assert AdminUnit.objects.get(key="SY04").updated_at == stamp


@pytest.mark.django_db
def test_a_jordanian_sub_district_without_a_wikidata_id_matches_its_generated_key(tmp_path):
    root = write_set(tmp_path)
    (root / "hosts").mkdir(exist_ok=True)
    (root / "hosts/jor_admin1_governorates.csv").write_text(
        "wikidata,iso3166_2,name_en,name_ar,centroid_lat,centroid_lon\nQ721441,JO-IR,Irbid,إربد,32.5,35.9\n", encoding="utf-8")
    (root / "hosts/jor_admin2_districts.csv").write_text(
        "wikidata,name_en,name_ar,adm1_wikidata,adm1_name_en,centroid_lat,centroid_lon,population_2024_est\n"
        "Q27125427,Aghwar Shamaliyah District,لواء الأغوار الشمالية,Q721441,Irbid,32.5,35.6,1\n", encoding="utf-8")
    (root / "hosts/jor_admin3_subdistricts.csv").write_text(
        "wikidata,name_en,name_ar,adm2_wikidata,adm2_name_en,adm1_wikidata,adm1_name_en,centroid_lat,centroid_lon,qa_note\n"
        ",Aghwar Janoobiyah Sub-District,,Q27125427,Aghwar Shamaliyah District,Q721441,Irbid,32.47,35.59,\n", encoding="utf-8")  # fmt: skip
    write_geojson(root, "hosts/jor_admin_polygons_osm.geojson",
                  feature({"level": 1, "wikidata": "Q721441"}, square(35.6, 32.3, 0.5)),
                  feature({"level": 3, "wikidata": None, "parent_wikidata": "Q27125427",
                           "name_en": "Aghwar Janoobiyah Sub-District"}, square(35.55, 32.4, 0.1)))  # fmt: skip

    loader.geo_load(root, actor=system("test"))

    sub = AdminUnit.objects.get(country="JO", level=3)
    assert sub.key_kind == "generated" and sub.boundary is not None
    assert AdminUnit.objects.get(key="Q721441").boundary is not None


@pytest.mark.django_db
def test_the_command_says_how_many_boundaries_it_stored(tmp_path, capsys):
    root = write_set(tmp_path)
    write_geojson(root, "syria/sy_admin1_polygons.geojson", feature({"adm1_pcode": "SY12"}, square(36, 32.6, 0.5)))

    call_command("geo_load", str(root))

    assert "Boundaries: 1 stored, 0 unchanged, 0 without a known unit" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_shared_reference_polygons_stay_small_enough_for_a_page(reference_dir):
    loader.geo_load(reference_dir, actor=system("test"))

    syria = AdminUnit.objects.filter(country="SY", level=1).exclude(boundary=None)
    assert syria.count() == 14
    assert sum(len(json.dumps(u.boundary)) for u in syria) < 60_000  # the whole country
