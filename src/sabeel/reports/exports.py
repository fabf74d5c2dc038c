"""Aggregate exports of a funnel table: Excel and HXL-tagged CSV through ``core/exports.py``.

An aggregate export leaves the working group, so it is always a suppressed table (the caller asks
the selector for one; ``funnel_file`` refuses a table without a threshold). Suppressed cells are
written as the same "<5" mark the page shows, and the provenance, the threshold and the filters
travel as note lines above the header, as HXL allows. Names of areas only: never a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from sabeel.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Column, to_hxl_csv, to_xlsx
from sabeel.reports.types import STAGE_LABELS, Cell, Dimension, FunnelTable, Method

__all__ = ["FORMATS", "ExportFile", "UnsuppressedExport", "columns_for", "funnel_file", "notes_for", "rows_for", "suppressed_mark"]

FORMATS = ("xlsx", "csv")

# (key column hashtag, name column hashtag) per dimension; None: no name column.
_KEY_TAGS: dict[Dimension, tuple[str, str | None]] = {
    Dimension.HOST_COUNTRY: ("#country +code", "#country +name"),
    Dimension.HOST_AREA: ("#adm1 +code", "#adm1 +name"),
    Dimension.ORIGIN: ("#adm1 +code +origin", "#adm1 +name +origin"),
    Dimension.ORIGIN_SUBDISTRICT: ("#adm3 +code +origin", "#adm3 +name +origin"),
    Dimension.WEEK: ("#date +week", None),
}


class UnsuppressedExport(ValueError):
    """A table without a suppression threshold may not leave the group."""


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def suppressed_mark(threshold: int | None) -> str:
    return f"<{threshold or 5}"


def _key_header(dimension: Dimension) -> str:
    return {
        Dimension.HOST_COUNTRY: _("Host country code"),
        Dimension.HOST_AREA: _("Host area code"),
        Dimension.ORIGIN: _("Governorate of origin code"),
        Dimension.ORIGIN_SUBDISTRICT: _("Sub-district of origin code"),
        Dimension.WEEK: _("Week"),
    }[dimension]


def columns_for(table: FunnelTable) -> list[Column]:
    key_tag, name_tag = _KEY_TAGS[table.dimension]
    columns = [Column("key", _key_header(table.dimension), key_tag)]
    if name_tag is not None:
        columns.append(Column("label", _("Name"), name_tag))
    who = "+hh" if table.unit == "households" else "+ind"
    columns.extend(Column(str(stage), STAGE_LABELS[stage], f"#affected {who} +num +{stage}") for stage in table.stages)
    return columns


def _value(cell: Cell | None, mark: str) -> Any:
    if cell is None:
        return None
    return mark if cell.suppressed else cell.value


def rows_for(table: FunnelTable) -> list[dict[str, Any]]:
    mark = suppressed_mark(table.provenance.threshold)
    out = []
    for row in (*table.rows, table.total):
        values: dict[str, Any] = {"key": row.key, "label": row.label}
        if row is table.total:
            values["key"] = "" if table.dimension != Dimension.WEEK else _("Total")
            values["label"] = _("Total")
        values.update({str(stage): _value(row.cells.get(stage), mark) for stage in table.stages})
        out.append(values)
    return out


def notes_for(table: FunnelTable, *, time_zone: str = "UTC") -> list[str]:
    p = table.provenance
    as_of = p.as_of.astimezone(ZoneInfo(time_zone or "UTC"))
    method = _("counted from records") if p.method == Method.COUNTED else _("estimated")
    notes = [
        _("Sabeel — return funnel (%(unit)s), aggregate figures; no person is named.")
        % {"unit": _("households") if table.unit == "households" else _("people")},
        _("Provenance: %(method)s; source: %(source)s; as of %(at)s (%(zone)s).")
        % {"method": method, "source": p.source, "at": as_of.strftime("%Y-%m-%d %H:%M"), "zone": time_zone},
        _("Cells under %(n)d are suppressed and written “%(mark)s”; further cells are suppressed where they would reveal one.")
        % {"n": p.threshold or 5, "mark": suppressed_mark(p.threshold)},
    ]
    if p.note:
        notes.append(p.note)
    if table.filters:
        notes.append(_("Filters: %(filters)s") % {"filters": "; ".join(f"{k}={v}" for k, v in sorted(table.filters.items()))})
    return notes


def funnel_file(table: FunnelTable, fmt: str, *, time_zone: str = "UTC", today: dt.date | None = None) -> ExportFile:
    """The table as an Excel workbook or an HXL-tagged CSV. Refuses an unsuppressed table."""
    if table.provenance.threshold is None:
        raise UnsuppressedExport("an aggregate export must be suppressed")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    columns, rows, notes = columns_for(table), rows_for(table), notes_for(table, time_zone=time_zone)
    stamp = (today or table.provenance.as_of.date()).isoformat()
    name = f"sabeel-funnel-{table.dimension}-{stamp}"
    if fmt == "csv":
        return ExportFile(to_hxl_csv(columns, rows, notes=notes), CSV_CONTENT_TYPE, f"{name}.csv")
    content = to_xlsx(columns, rows, title=_("Return funnel"), notes=notes, right_to_left=get_language_bidi())
    return ExportFile(content, XLSX_CONTENT_TYPE, f"{name}.xlsx")
