"""The funnel API, mounted at ``/api/reports``: the same aggregate table as the page, as JSON.

Scoped and protected exactly like the page (``reports.selectors.funnel_table``): a person-level
role reads exact figures of its own groups, every aggregate role suppressed ones (``value`` null,
``suppressed`` true). Places are given by code here (p-code, ISO country code); the page takes
names. No name of a person is ever in an answer."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
import re
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.reports import selectors
from sabeel.reports.types import Dimension, FunnelRow, FunnelTable

router = Router(tags=["reports"])

_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


class CellOut(Schema):
    value: int | None
    suppressed: bool


class RowOut(Schema):
    key: str
    label: str
    cells: dict[str, CellOut]


class ProvenanceOut(Schema):
    method: str
    source: str
    as_of: dt.datetime
    note: str
    threshold: int | None


class FunnelOut(Schema):
    dimension: str
    unit: str
    stages: list[str]
    rows: list[RowOut]
    total: RowOut
    provenance: ProvenanceOut
    filters: dict[str, str]


class FunnelQuery(Schema):
    dimension: Dimension = Dimension.ORIGIN
    unit: Literal["households", "people"] = "households"
    host_country: str | None = Field(None, max_length=2)
    host_area: str | None = Field(None, max_length=64)
    origin: str | None = Field(None, max_length=64)
    week_from: str | None = Field(None, max_length=8)
    week_to: str | None = Field(None, max_length=8)


def _row(row: FunnelRow) -> RowOut:
    return RowOut(
        key=row.key,
        label=row.label,
        cells={str(s): CellOut(value=c.value, suppressed=c.suppressed) for s, c in row.cells.items()},
    )


def _out(table: FunnelTable) -> FunnelOut:
    p = table.provenance
    return FunnelOut(
        dimension=str(table.dimension),
        unit=table.unit,
        stages=[str(s) for s in table.stages],
        rows=[_row(r) for r in table.rows],
        total=_row(table.total),
        provenance=ProvenanceOut(method=str(p.method), source=p.source, as_of=p.as_of, note=p.note, threshold=p.threshold),
        filters=dict(table.filters),
    )


@router.get("/funnel", response=FunnelOut)
def funnel(request: HttpRequest, query: Query[FunnelQuery]) -> FunnelOut:
    """The return funnel by ``dimension`` (households or people at each stage), with provenance."""
    actor = request_actor(request)
    require(actor, "aggregate.view")
    for name in ("week_from", "week_to"):
        value = getattr(query, name)
        if value and not _WEEK.match(value):
            raise ServiceError(_("Give a week as 2026-W49."), fields={name: [_("Give a week as 2026-W49.")]})
    filters = {
        k: v
        for k, v in query.dict().items()
        if k in ("host_country", "host_area", "origin", "week_from", "week_to") and v
    }
    table = selectors.funnel_table(actor, dimension=query.dimension, unit=query.unit, filters=filters)
    return _out(table)
