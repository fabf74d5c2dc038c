"""Charts of a funnel table: Vega-Lite specs built with Altair, rendered to SVG on the server.

Why this way: Altair is a maintained, declarative library (the Vega-Lite grammar) and
``vl_convert.vegalite_to_svg`` renders its specs to SVG in-process, with no network and no
JavaScript bundle in the page (the Content-Security-Policy allows only our own scripts, and the
pages work offline on a field laptop). The SVG is placed inline and its text is drawn by the
browser with the page's fonts, so Arabic labels are shaped and read right to left like the rest of
the page (a PNG renderer would draw them with whatever font it has). vl-convert writes presentation
attributes (``fill``, ``font-size``), never ``style=""`` or a script, and ``_clean`` makes sure of
it, so an inline chart passes the policy.

Suppressed figures are never drawn as numbers: a suppressed stage has no bar but a grey
"suppressed" mark at zero, and a trend line breaks at a suppressed week (a gap, not a guess).
Renders are cached by their spec (which holds the figures and the labels of the language), so a
page asking twice for the same table renders it once.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from sabeel.reports.types import STAGE_LABELS, FunnelTable, Stage

__all__ = ["funnel_chart", "funnel_spec", "trends_chart", "trends_spec"]

BAR_COLOUR = "#2f6f5e"
SUPPRESSED_COLOUR = "#9aa0a6"
STAGE_COLOURS = ("#2f6f5e", "#c0792b", "#4a6fa5", "#8a4f7d", "#6b8e23", "#b5524b", "#5f6b73", "#2b8a9a", "#a67c00")
WIDTH = 560
_STYLE_ATTRIBUTE = re.compile(r"\sstyle=\"[^\"]*\"")
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


def _label(stage: Stage) -> str:
    return str(STAGE_LABELS[stage])


def _config(rtl: bool) -> dict[str, Any]:
    return {
        "view": {"stroke": None},
        "font": "sans-serif",
        # Large enough to stay legible when a phone scales the chart down to its width.
        "axis": {"labelFontSize": 14, "titleFontSize": 14, "labelLimit": 220},
        "legend": {"labelFontSize": 14, "titleFontSize": 14, "orient": "bottom", "columns": 3},
        "text": {"fontSize": 14},
        "locale": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]}},
        "background": None,
        **({"title": {"anchor": "end"}} if rtl else {}),
    }


def funnel_spec(table: FunnelTable, *, rtl: bool | None = None) -> dict[str, Any]:
    """Horizontal bars, one per stage, of the table's total row. In a right-to-left language the
    stage names stand on the right and the bars grow leftwards."""
    import altair as alt

    rtl = get_language_bidi() if rtl is None else rtl
    labels = [_label(s) for s in table.stages]
    suppressed_text = _("suppressed")
    rows = []
    for stage in table.stages:
        cell = table.total.cells.get(stage)
        value = None if cell is None or cell.suppressed else cell.value
        rows.append(
            {
                "stage": _label(stage),
                "value": value,
                "shown": f"{value:,}" if value is not None else suppressed_text,
                "suppressed": value is None,
            }
        )
    data = alt.Data(values=rows)
    y = alt.Y("stage:N", sort=labels, title=None, axis=alt.Axis(orient="right" if rtl else "left", labelPadding=6))
    x = alt.X(
        "value:Q",
        title=_("Households") if table.unit == "households" else _("People"),
        scale=alt.Scale(reverse=rtl),
        axis=alt.Axis(format=",d", tickMinStep=1),
    )
    bars = alt.Chart(data).mark_bar(color=BAR_COLOUR).encode(y=y, x=x).transform_filter("datum.value != null")
    marks = (
        alt.Chart(data)
        .mark_point(shape="cross", color=SUPPRESSED_COLOUR, size=90, filled=True)
        .encode(y=y, x=alt.X("zero:Q", scale=alt.Scale(reverse=rtl)))
        .transform_filter("datum.value == null")
        .transform_calculate(zero="0")
    )
    text = (
        alt.Chart(data)
        .mark_text(align="right" if rtl else "left", dx=-6 if rtl else 6, color="#222")
        .encode(y=y, x=alt.X("value0:Q", scale=alt.Scale(reverse=rtl)), text="shown:N")
        .transform_calculate(value0="datum.value == null ? 0 : datum.value")
    )
    chart = alt.layer(bars, marks, text).properties(width=WIDTH - 220, height=32 * len(labels))
    spec = chart.to_dict()
    spec["config"] = _config(rtl)
    spec["description"] = _("Return funnel: households at each stage")
    return spec


def trends_spec(table: FunnelTable, *, rtl: bool | None = None) -> dict[str, Any]:
    """One line per stage across the weeks (the table's rows, by ISO week). A suppressed week is
    a gap in its line, never a point."""
    import altair as alt

    rtl = get_language_bidi() if rtl is None else rtl
    labels = [_label(s) for s in table.stages]
    rows = []
    for row in table.rows:
        for stage in table.stages:
            cell = row.cells.get(stage)
            rows.append({"week": row.key, "stage": _label(stage), "value": None if cell is None else cell.value})
    weeks = [row.key for row in table.rows]
    data = alt.Data(values=rows)
    colour = alt.Color(
        "stage:N",
        sort=labels,
        title=None,
        scale=alt.Scale(domain=labels, range=list(STAGE_COLOURS[: len(labels)])),
    )
    x = alt.X("week:O", sort=list(reversed(weeks)) if rtl else weeks, title=_("Week"), axis=alt.Axis(labelAngle=-45))
    y = alt.Y(
        "value:Q",
        title=_("Households") if table.unit == "households" else _("People"),
        axis=alt.Axis(format=",d", tickMinStep=1, orient="right" if rtl else "left"),
    )
    chart = (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(x=x, y=y, color=colour)
        .properties(width=WIDTH - 120, height=240)
    )
    spec = chart.to_dict()
    spec["config"] = _config(rtl)
    spec["description"] = _("Return funnel by week")
    return spec


def _clean(svg: str) -> str:
    """No ``style`` attribute and no script may reach the page (the policy blocks both); the
    fixed size becomes a class the style sheet scales down on a phone."""
    svg = _SCRIPT.sub("", _STYLE_ATTRIBUTE.sub("", svg))
    return svg.replace('class="marks"', 'class="marks chart-svg"', 1)


@functools.lru_cache(maxsize=128)
def _render(spec_json: str) -> str:
    import vl_convert

    return _clean(vl_convert.vegalite_to_svg(json.loads(spec_json)))


def render(spec: dict[str, Any]) -> str:
    """The SVG of a Vega-Lite spec (cached by the spec's text)."""
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False))


def funnel_chart(table: FunnelTable, *, rtl: bool | None = None) -> str:
    return render(funnel_spec(table, rtl=rtl))


def trends_chart(table: FunnelTable, *, rtl: bool | None = None) -> str:
    return render(trends_spec(table, rtl=rtl))
