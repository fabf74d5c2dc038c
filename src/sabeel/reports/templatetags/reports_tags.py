"""Template filters of the funnel pages: a stage's label, a row's cell, the suppression mark."""

from __future__ import annotations

from typing import Any

from django import template

from sabeel.reports.types import STAGE_LABELS, Cell, Stage

register = template.Library()


@register.filter
def stage_label(stage: Any) -> str:
    try:
        return str(STAGE_LABELS[Stage(str(stage))])
    except ValueError:
        return str(stage)


@register.filter
def cell(cells: dict[Stage, Cell] | None, stage: Any) -> Cell | None:
    if not cells:
        return None
    return cells.get(Stage(str(stage)))


@register.filter
def suppressed_mark(threshold: int | None) -> str:
    return f"<{threshold or 5}"
