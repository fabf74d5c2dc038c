"""The funnel and trend charts: SVG rendered on the server from a FunnelTable, safe for the
Content-Security-Policy, translated, mirrored in Arabic, and never drawing a suppressed figure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sabeel.reports import charts
from sabeel.reports.types import Cell, Dimension, FunnelRow, FunnelTable, Method, Provenance, Stage

STAGES = (Stage.REGISTERED, Stage.INTENDING, Stage.COUNSELLED, Stage.CONSENTED, Stage.ELIGIBLE)
AS_OF = dt.datetime(2026, 12, 6, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The labels are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


def cells(*values: int | None) -> dict[Stage, Cell]:
    return {s: Cell(v) if v is not None else Cell(None, suppressed=True) for s, v in zip(STAGES, values, strict=True)}


def table(
    rows: tuple[FunnelRow, ...] = (),
    total: tuple[int | None, ...] = (120, 60, 30, None, 8),
    *,
    dimension: Dimension = Dimension.ORIGIN,
    threshold: int | None = 5,
    unit: str = "households",
) -> FunnelTable:
    return FunnelTable(
        dimension=dimension,
        unit=unit,
        stages=STAGES,
        rows=rows,
        total=FunnelRow("", "Total", cells(*total)),
        provenance=Provenance(Method.COUNTED, "Sabeel registry", AS_OF, note="eligible: snapshot", threshold=threshold),
    )


def weeks(values: dict[str, tuple[int | None, ...]]) -> FunnelTable:
    rows = tuple(FunnelRow(week, week, cells(*v)) for week, v in values.items())
    return table(rows, dimension=Dimension.WEEK)


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_the_funnel_chart_is_an_svg_with_one_bar_per_shown_figure_and_the_stage_labels():
    svg = charts.funnel_chart(table(), rtl=False)

    assert svg.startswith("<svg") and "chart-svg" in svg
    shown = texts(svg)
    assert {"Registered", "Intend to return", "Counselled", "Consented", "Eligible"} <= set(shown)
    assert {"120", "60", "30", "8"} <= set(shown)
    assert "suppressed" in shown


def test_a_suppressed_stage_is_never_drawn_as_a_number():
    # 4 consented is below the threshold: the chart must not say 4 anywhere, nor size a bar by it
    visible = charts.funnel_chart(table(total=(120, 60, 30, 4, 8)), rtl=False)
    hidden = charts.funnel_chart(table(total=(120, 60, 30, None, 8)), rtl=False)

    assert "4" in texts(visible)
    assert "4" not in texts(hidden)
    bars = re.findall(r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar"', hidden)
    assert len(bars) == 4 and not any("Consented" in b for b in bars)


def test_charts_pass_the_content_security_policy():
    for svg in (charts.funnel_chart(table(), rtl=False), charts.trends_chart(weeks({"2026-W48": (9, 8, 7, 6, 5)}), rtl=False)):
        assert " style=" not in svg
        assert "<script" not in svg.lower()
        assert "javascript:" not in svg
        assert "http://" not in svg.replace("http://www.w3.org/", "")  # nothing fetched from outside


def test_in_arabic_the_labels_are_translated_and_the_bars_grow_from_the_right():
    with translation.override("ar"):
        spec = charts.funnel_spec(table())
        svg = charts.render(spec)

    assert "الأسر" in texts(svg)  # the axis title, translated
    bars = spec["layer"][0]["encoding"]
    assert bars["y"]["axis"]["orient"] == "right"  # stage names on the right
    assert bars["x"]["scale"]["reverse"] is True  # bars grow leftwards
    english = charts.funnel_spec(table(), rtl=False)["layer"][0]["encoding"]
    assert (english["y"]["axis"]["orient"], english["x"]["scale"]["reverse"]) == ("left", False)


def test_the_trend_chart_breaks_its_line_at_a_suppressed_week():
    data = {"2026-W46": (30, 20, 10, 6, 5), "2026-W47": (30, 20, None, 6, 5), "2026-W48": (30, 20, 12, 6, 5)}

    spec = charts.trends_spec(weeks(data), rtl=False)
    svg = charts.render(spec)

    values = spec["data"]["values"] if "values" in spec.get("data", {}) else next(iter(spec["datasets"].values()))
    counselled = [v["value"] for v in values if v["stage"] == "Counselled"]
    assert counselled == [10, None, 12]  # the gap is a gap, not a number
    assert spec["mark"]["invalid"] == "break-paths-show-domains"
    assert {"2026-W46", "2026-W47", "2026-W48"} <= set(texts(svg))


def test_renders_are_cached_by_table():
    charts._render.cache_clear()
    charts.funnel_chart(table(), rtl=False)
    charts.funnel_chart(table(), rtl=False)

    info = charts._render.cache_info()
    assert (info.misses, info.hits) == (1, 1)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(5, 10_000)), min_size=5, max_size=5))
def test_every_shown_figure_is_labelled_and_no_suppressed_one_is(values):
    svg = charts.funnel_chart(table(total=tuple(values)), rtl=False)

    labels = texts(svg)
    for value in values:
        if value is not None:
            assert f"{value:,}" in labels
    assert ("suppressed" in labels) == (None in values)
