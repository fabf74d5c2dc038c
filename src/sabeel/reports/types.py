"""The shapes the funnel's selectors hand to pages, charts, maps and exports.

Every published figure is a ``Cell`` inside a ``FunnelTable`` that carries its ``Provenance``
(hard rule 6: numbers say where they came from). A suppressed cell has ``value None`` and
``suppressed True``; nothing downstream may recompute it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(StrEnum):
    """The return funnel, in order. Each stage counts households that reached it (a subset of the
    stage before). Stages after ``ELIGIBLE`` come with later capabilities (movements, monitoring)."""

    REGISTERED = "registered"
    INTENDING = "intending"
    COUNSELLED = "counselled"
    CONSENTED = "consented"
    ELIGIBLE = "eligible"
    SCHEDULED = "scheduled"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    MONITORED = "monitored"


STAGE_LABELS: dict[Stage, Promise] = {
    # "Registered" alone is already a column header meaning the date of registration.
    Stage.REGISTERED: pgettext_lazy("funnel stage", "Registered"),
    Stage.INTENDING: _("Intend to return"),
    Stage.COUNSELLED: _("Counselled"),
    Stage.CONSENTED: _("Consented"),
    Stage.ELIGIBLE: _("Eligible"),
    Stage.SCHEDULED: _("Scheduled"),
    Stage.DEPARTED: _("Departed"),
    Stage.ARRIVED: _("Arrived"),
    Stage.MONITORED: _("Monitored"),
}


class Dimension(StrEnum):
    """What the rows of a funnel table are."""

    HOST_COUNTRY = "host_country"
    HOST_AREA = "host_area"  # host-country governorate (admin level 1)
    ORIGIN = "origin"  # Syrian governorate of origin (admin level 1)
    ORIGIN_SUBDISTRICT = "origin_subdistrict"  # Syrian sub-district where loaded
    WEEK = "week"  # ISO week of registration (trends)


class Method(StrEnum):
    COUNTED = "counted"  # counted from records
    ESTIMATED = "estimated"  # estimated (e.g. public figures, models)


@dataclass(frozen=True)
class Provenance:
    method: Method
    source: str  # e.g. "Sabeel registry and voluntariness records"
    as_of: dt.datetime  # aware; when the figures were read (or the snapshot computed)
    note: str = ""  # e.g. "eligible: snapshot of verdicts computed at …"
    threshold: int | None = None  # suppression threshold applied, None when exact figures


@dataclass(frozen=True)
class Cell:
    value: int | None  # None when suppressed
    suppressed: bool = False

    def __post_init__(self) -> None:
        if self.suppressed != (self.value is None):
            raise ValueError("a cell is either suppressed (no value) or has a value")


@dataclass(frozen=True)
class FunnelRow:
    key: str  # p-code, country code ("LB") or ISO week ("2026-W49"); "" for the total row
    label: str  # translated display name in the current language
    cells: dict[Stage, Cell]


@dataclass(frozen=True)
class FunnelTable:
    dimension: Dimension
    unit: str  # "households" or "people"
    stages: tuple[Stage, ...]  # the stages shown (those built so far)
    rows: tuple[FunnelRow, ...]
    total: FunnelRow
    provenance: Provenance
    filters: dict[str, str] = field(default_factory=dict)  # what was asked, for labels and exports
