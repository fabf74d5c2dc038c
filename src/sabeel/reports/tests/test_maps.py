"""The funnel map: polygons where geo_load stored them, circles at the centroid where not (a
fresh machine with the gazetteer only), a neutral hatched fill for suppressed units, a <title> per
unit with its name and figure, and nothing the Content-Security-Policy blocks."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from sabeel.core.actors import system
from sabeel.geo import loader
from sabeel.geo.models import AdminUnit
from sabeel.reports import maps
from sabeel.reports.tests.test_charts import cells, table
from sabeel.reports.types import Dimension, FunnelRow, Stage


def square(x: float, y: float, size: float) -> list[list[list[list[float]]]]:
    return [[[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]]


def rows(**values: tuple[int | None, ...]) -> tuple[FunnelRow, ...]:
    return tuple(FunnelRow(key, f"Unit {key}", cells(*v)) for key, v in values.items())


ORIGINS = table(rows(SY04=(40, 30, 20, 10, 9), SY12=(12, None, None, None, None), SY02=(200, 150, 90, 40, 30)))


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The labels are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


def titles(svg: str) -> dict[str, str]:
    return dict(re.findall(r'data-key="([^"]+)"[^>]*><title>([^<]*)</title>', svg))


def test_units_with_a_boundary_are_drawn_as_filled_polygons_with_a_title():
    units = [
        maps.MapUnit("SY02", "Aleppo", square(36.5, 35.8, 1.5), 36.2, 37.2),
        maps.MapUnit("SY04", "Homs", square(37, 34, 2), 34.7, 38.0),
        maps.MapUnit("SY12", "Dar'a", square(36, 32.6, 0.6), 32.8, 36.2),
        maps.MapUnit("SY09", "Deir-ez-Zor", square(39, 34.5, 1.8), 35.3, 40.1),
    ]

    rendered = maps.funnel_map(ORIGINS, units, stage=Stage.INTENDING)

    assert (rendered.polygons, rendered.symbols) == (4, 0)
    assert "<circle" not in rendered.svg
    found = titles(rendered.svg)
    assert found["SY02"] == "Aleppo — Intend to return: 150"
    assert found["SY04"] == "Homs — Intend to return: 30"
    assert found["SY12"].startswith("Dar&#x27;a — Intend to return: suppressed (fewer than 5)")
    assert found["SY09"].endswith("none counted")
    classes = dict(re.findall(r'class="map-unit ([a-z0-9]+)" data-key="([^"]+)"', rendered.svg))
    by_key = {k: c for c, k in classes.items()}
    assert by_key["SY02"] == "q4" and by_key["SY12"] == "suppressed" and by_key["SY09"] == "empty"
    assert 'fill="url(#map-suppressed)"' in rendered.svg
    assert [e.css for e in rendered.legend][-2:] == ["empty", "suppressed"]


def test_units_with_only_a_centroid_are_drawn_as_proportional_circles():
    units = [
        maps.MapUnit("SY02", "Aleppo", None, 36.2, 37.2),
        maps.MapUnit("SY04", "Homs", None, 34.7, 38.0),
        maps.MapUnit("SY12", "Dar'a", None, 32.8, 36.2),
        maps.MapUnit("SY09", "Deir-ez-Zor", None, 35.3, 40.1),  # no households: no circle
    ]

    rendered = maps.funnel_map(ORIGINS, units, stage=Stage.REGISTERED)

    assert (rendered.polygons, rendered.symbols) == (0, 3)
    radii = dict(re.findall(r'data-key="([^"]+)" cx="[^"]+" cy="[^"]+" r="([^"]+)"', rendered.svg))
    assert float(radii["SY02"]) == maps.MAX_RADIUS
    # area proportional to the figure: r ∝ √value
    assert float(radii["SY04"]) == pytest.approx(maps.MAX_RADIUS * (40 / 200) ** 0.5, abs=0.06)
    assert "SY09" not in radii
    assert "symbol" in [e.css for e in rendered.legend]


def test_a_suppressed_unit_never_shows_its_figure():
    units = [maps.MapUnit("SY12", "Dar'a", None, 32.8, 36.2), maps.MapUnit("SY04", "Homs", square(37, 34, 2), None, None)]
    hidden = table(rows(SY12=(12, None, None, None, None), SY04=(40, None, 20, 10, 9)))

    rendered = maps.funnel_map(hidden, units, stage=Stage.INTENDING)

    assert 'class="map-symbol suppressed"' in rendered.svg and 'class="map-unit suppressed"' in rendered.svg
    for title in titles(rendered.svg).values():
        assert "suppressed" in title and not re.search(r": \d", title)


def test_the_map_passes_the_content_security_policy_and_escapes_names():
    units = [maps.MapUnit("SY04", "<b onload=x>", square(37, 34, 2), None, None)]

    svg = maps.funnel_map(table(rows(SY04=(9, 9, 9, 9, 9))), units, stage=Stage.REGISTERED).svg

    assert " style=" not in svg and "<script" not in svg and "<b " not in svg
    assert "&lt;b onload=x&gt;" in svg


@pytest.mark.django_db
def test_a_fresh_machine_with_the_gazetteer_only_draws_symbols():
    loader.load_gazetteer(actor=system("test"))

    units = maps.map_units(Dimension.ORIGIN, [])
    rendered = maps.funnel_map(ORIGINS, units, stage=Stage.REGISTERED)

    assert len(units) == 14 and all(u.boundary is None for u in units)
    assert (rendered.polygons, rendered.symbols) == (0, 3)


@pytest.mark.django_db
def test_stored_polygons_are_drawn_and_the_rest_fall_back_to_symbols():
    loader.load_gazetteer(actor=system("test"))
    AdminUnit.objects.filter(key="SY04").update(boundary={"type": "MultiPolygon", "coordinates": square(37, 34, 2)})

    units = maps.map_units(Dimension.ORIGIN, [])
    rendered = maps.funnel_map(ORIGINS, units, stage=Stage.REGISTERED)

    assert (rendered.polygons, rendered.symbols) == (1, 2)
    assert 'class="map-unit q0" data-key="SY04"' in rendered.svg


@pytest.mark.django_db
def test_sub_districts_are_drawn_over_the_governorate_outlines(reference_dir):
    loader.geo_load(reference_dir, actor=system("test"))
    sub = table(rows(SY020000=(30, 20, 10, 5, 5)), dimension=Dimension.ORIGIN_SUBDISTRICT)

    rendered = maps.funnel_map(sub, maps.map_units(Dimension.ORIGIN_SUBDISTRICT, ["SY020000"]), stage=Stage.REGISTERED)

    assert rendered.svg.count('class="map-outline"') == 14
    assert (rendered.polygons, rendered.symbols) == (0, 1)  # no sub-district polygons in the shared data


def test_classes_start_at_the_threshold_and_a_zero_is_drawn_as_none_counted():
    units = [maps.MapUnit("SY02", "Aleppo", square(36.5, 35.8, 1.5), None, None), maps.MapUnit("SY04", "Homs", square(37, 34, 2), None, None)]
    figures = table(rows(SY02=(200, 150, 90, 40, 30), SY04=(40, 0, 0, 0, 0)))

    rendered = maps.funnel_map(figures, units, stage=Stage.INTENDING)

    assert 'class="map-unit empty" data-key="SY04"' in rendered.svg
    classes = [e.label for e in rendered.legend if e.css.startswith("q")]
    assert classes[0].startswith("5–")  # nothing under the threshold is ever shown, so no class for it
    assert classes[-1].endswith("–150")  # the last class ends at the largest figure
    single = maps.funnel_map(table(rows(SY02=(8, 8, 8, 8, 8), SY04=(5, 5, 5, 5, 5))), units, stage=Stage.REGISTERED)
    assert [e.label for e in single.legend if e.css.startswith("q")] == ["5", "6", "7", "8"]
