"""The return funnel's figures: aggregate queries over the snapshot, protected before they leave.

``funnel_table(actor, dimension=…, unit=…, filters=…)`` counts the open households of the groups
where the actor holds ``aggregate.view`` by GROUP BY queries on the registry joined to the funnel
snapshot (never a loop over households): one query for the funnel (host place × origin × the last
stage reached), one per stage for the weeks. A household without a snapshot row yet counts as
registered only (unknown: never eligible).

Who sees what: a person-level role inside its own groups sees exact figures; every aggregate role
(``Scope.AGGREGATE``), and every figure that leaves a group (``suppress=True``: exports), gets
figures protected by ``engines.disclosure`` at ``settings.SABEEL_SUPPRESSION_THRESHOLD``: the whole
funnel is one protected cube and every view and filter reads from it, so no two views can be
combined to recover a hidden cell. The protected cube is kept per process for as long as the
snapshot does not change; after a change a cube read less than ``SABEEL_FUNNEL_SERVE_STALE_SECONDS``
ago still answers (dated) while the new one is protected in the background.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Case, Count, DateField, F, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sabeel.consent.models import Answer
from sabeel.core.actors import Actor, as_actor
from sabeel.core.permissions import groups_for, memberships, visible_to
from sabeel.core.roles import POLICY, Scope
from sabeel.engines.disclosure import TOTAL, FunnelFigures, Places, protect_counts
from sabeel.geo.models import AdminUnit
from sabeel.registry.choices import DeregistrationState, HouseholdStatus, MemberStatus
from sabeel.registry.models import Household
from sabeel.reports.choices import ConsentState
from sabeel.reports.models import HouseholdFunnel
from sabeel.reports.types import Cell, Dimension, FunnelRow, FunnelTable, Method, Provenance, Stage

__all__ = ["SHOWN_STAGES", "UNITS", "funnel_figures", "funnel_table", "home_summary", "must_suppress", "threshold"]

# The stages built so far (the later ones come with movements and monitoring).
SHOWN_STAGES: tuple[Stage, ...] = tuple(Stage)
UNITS = ("households", "people")
UNKNOWN = "?"  # a place not recorded (or not at the level asked)
AUDIT_LIMIT = 400  # hidden cells under the threshold that the linear-programming audit checks at most

_ROW_DIMENSION = {
    Dimension.HOST_COUNTRY: "host_country",
    Dimension.HOST_AREA: "host_area",
    Dimension.ORIGIN: "origin",
    Dimension.ORIGIN_SUBDISTRICT: "origin_subdistrict",
}


def threshold() -> int:
    return int(getattr(settings, "SABEEL_SUPPRESSION_THRESHOLD", 5))


def must_suppress(actor: Actor, group_ids: set[int]) -> bool:
    """True unless the actor holds a person-level role in every one of these groups and no
    aggregate role in any of them (a donor inside a group gets suppressed figures)."""
    person: set[int] = set()
    for group_id, role in memberships(actor):
        if group_id not in group_ids:
            continue
        if POLICY[role].scope is Scope.AGGREGATE:
            return True
        person.add(group_id)
    return not group_ids or person != group_ids


# --- places ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    key: str
    level: int
    country: str
    area: str  # the level-1 ancestor's key ("" for a country)
    name_en: str
    name_ar: str


_units_lock = threading.Lock()
_units_cache: dict[str, Any] = {}


def _units() -> dict[int, _Unit]:
    """Every admin unit by id with its level-1 ancestor, read again whenever the geography changed
    (the same signature as the gazetteer's name index: count, newest id, last change)."""
    signature = tuple(AdminUnit.objects.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at")).values())
    with _units_lock:
        if _units_cache.get("signature") == signature:
            return _units_cache["units"]  # type: ignore[no-any-return]
    rows = {
        u["pk"]: u for u in AdminUnit.objects.values("pk", "key", "level", "country", "parent_id", "name_en", "name_ar")
    }
    units: dict[int, _Unit] = {}
    for pk, row in rows.items():
        up: dict[str, Any] | None = dict(row)
        area = ""
        while up is not None:
            if up["level"] == 1:
                area = up["key"]
                break
            parent = rows.get(up["parent_id"])
            up = dict(parent) if parent is not None else None
        units[pk] = _Unit(row["key"], row["level"], row["country"], area, row["name_en"], row["name_ar"])
    with _units_lock:
        _units_cache.update(signature=signature, units=units)
    return units


def _host_area(country: str, location_id: int | None, units: Mapping[int, _Unit]) -> str:
    unit = units.get(location_id) if location_id else None
    if unit is None or not unit.area or unit.country != country:
        return f"{country}{UNKNOWN}"
    return unit.area


def _origin_leaf(origin_id: int | None, units: Mapping[int, _Unit]) -> tuple[str, str]:
    """(origin leaf, governorate): the sub-district where known, else "<governorate>?"."""
    unit = units.get(origin_id) if origin_id else None
    if unit is None or not unit.area:
        return UNKNOWN + UNKNOWN, UNKNOWN
    if unit.level >= 3:
        return unit.key, unit.area
    return f"{unit.area}{UNKNOWN}", unit.area


def _label(key: str, by_key: Mapping[str, _Unit]) -> str:
    if key == "":
        return _("Total")
    if key.endswith(UNKNOWN):
        return _("Not recorded")
    unit = by_key.get(key)
    if unit is None:
        return key
    arabic = (get_language() or "").startswith("ar")
    return (unit.name_ar if arabic else unit.name_en) or unit.name_en or key


# --- the counts -----------------------------------------------------------------------------------


def _reached() -> Case:
    """The last stage reached (0 = registered only). The stages are nested: a household that
    reached a stage counts in every stage before it (a household whose adults all consented was
    counselled and intends to return, whatever its last survey answer says)."""
    return Case(
        When(Q(funnel__monitored_on__isnull=False), then=Value(8)),
        When(Q(funnel__arrived_on__isnull=False), then=Value(7)),
        When(Q(funnel__departed_on__isnull=False), then=Value(6)),
        When(Q(funnel__scheduled_on__isnull=False), then=Value(5)),
        When(Q(funnel__eligible=True, funnel__stale=False), then=Value(4)),
        When(Q(funnel__consent_state=ConsentState.CONSENTED), then=Value(3)),
        When(Q(funnel__counselled_on__isnull=False), then=Value(2)),
        When(Q(funnel__intention=Answer.YES), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


_STAGE_DATES = (
    "funnel__intending_on",
    "funnel__counselled_on",
    "funnel__consented_on",
    "funnel__eligible_since",
    "funnel__scheduled_on",
    "funnel__departed_on",
    "funnel__arrived_on",
    "funnel__monitored_on",
)


def _stage_day(stage: int) -> Any:
    """The day a household reached ``stage``: its own date, else the first later stage's (a stage
    reached by implication is reached on the day of the stage that implies it); registration is
    the day the household was created."""
    if stage == 0:
        return TruncDate("created_at")
    dates = [F(name) for name in _STAGE_DATES[stage - 1 :]]
    return dates[0] if len(dates) == 1 else Coalesce(*dates, output_field=DateField())


def _iso_week(day: dt.date | dt.datetime | None) -> str | None:
    if day is None:
        return None
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class _Counts:
    leaves: dict[tuple[str, ...], int]
    people_leaves: dict[tuple[str, ...], int]
    weeks: list[dict[tuple[str, ...], int]]
    people_weeks: list[dict[tuple[str, ...], int]]
    places: Places
    as_of: dt.datetime | None  # the oldest verdict counted
    missing: int  # households without a snapshot row yet
    read_at: dt.datetime  # when the records were counted


def _people_counted() -> Q:
    """The members a household's people count: current members, less the records merged into
    another while the merge is in effect (docs/eligibility.md rule 18: a person counts once, as
    the surviving record). A subquery, not a join, so no member is counted twice."""
    from sabeel.identity.models import LinkState, PersonLink

    merged_away = PersonLink.objects.filter(state=LinkState.ACTIVE).values("merged_id")
    return Q(members__status=MemberStatus.ACTIVE) & ~Q(members__pk__in=merged_away)


# The households the funnel counts: open files, and files closed because the household returned
# (a verified or presumed return stays in the funnel's later stages; a file closed on request does not).
_COUNTED = Q(status=HouseholdStatus.OPEN) | Q(deregistration__in=[DeregistrationState.VERIFIED_RETURN, DeregistrationState.PRESUMED_RETURN])


def _households(actor: Actor) -> Any:
    return visible_to(actor, Household.objects.filter(_COUNTED), action="aggregate.view")


def _count(actor: Actor) -> _Counts:
    read_at = timezone.now()
    units = _units()
    leaves: dict[tuple[str, ...], int] = {}
    people_leaves: dict[tuple[str, ...], int] = {}
    host_country_of: dict[str, str] = {}
    governorate_of: dict[str, str] = {}
    grouped = (
        _households(actor)
        .annotate(reached=_reached())
        .values("host_country", "current_location_id", "origin_id", "reached")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people = {
        (row["host_country"], row["current_location_id"], row["origin_id"], row["reached"]): row["p"]
        for row in _households(actor)
        .annotate(reached=_reached())
        .values("host_country", "current_location_id", "origin_id", "reached")
        .annotate(p=Count("members", filter=_people_counted()))
        .order_by()
    }
    for row in grouped:
        area = _host_area(row["host_country"], row["current_location_id"], units)
        leaf, governorate = _origin_leaf(row["origin_id"], units)
        host_country_of[area] = row["host_country"]
        governorate_of[leaf] = governorate
        cell = (area, leaf, str(row["reached"]))
        leaves[cell] = leaves.get(cell, 0) + row["n"]
        key = (row["host_country"], row["current_location_id"], row["origin_id"], row["reached"])
        people_leaves[cell] = people_leaves.get(cell, 0) + int(people.get(key, 0))
    # every stage's weeks at once: a group per country, last stage reached and the week each stage
    # was reached, households counted without the members and people with them (two queries where
    # there were nine, one per stage, each joining the members)
    stages = range(len(SHOWN_STAGES))
    weeks: list[dict[tuple[str, ...], int]] = [{} for _ in stages]
    people_weeks: list[dict[tuple[str, ...], int]] = [{} for _ in stages]
    columns = [f"week{stage}" for stage in stages]

    def by_weeks(**count: Any) -> Any:
        return (
            _households(actor)
            .annotate(reached=_reached(), **{f"week{stage}": TruncWeek(_stage_day(stage), output_field=DateField()) for stage in stages})
            .values("host_country", "reached", *columns)
            .annotate(**count)
            .order_by()
        )

    for into, rows in ((weeks, by_weeks(n=Count("pk"))), (people_weeks, by_weeks(n=Count("members", filter=_people_counted())))):
        for week_row in rows:
            for stage in range(min(week_row["reached"], len(SHOWN_STAGES) - 1) + 1):
                week = _iso_week(week_row[f"week{stage}"])
                if week is not None:
                    week_key = (week_row["host_country"], week)
                    into[stage][week_key] = into[stage].get(week_key, 0) + week_row["n"]
    snapshot = visible_to(
        actor, HouseholdFunnel.objects.filter(household__in=Household.objects.filter(_COUNTED)), action="aggregate.view"
    )
    facts = snapshot.aggregate(rows=Count("pk"))
    oldest = snapshot.order_by("computed_at").values_list("computed_at", flat=True).first()
    total = sum(leaves.values())
    return _Counts(
        leaves=leaves,
        people_leaves=people_leaves,
        weeks=weeks,
        people_weeks=people_weeks,
        places=Places(host_country_of, governorate_of),
        as_of=oldest,
        missing=max(total - int(facts["rows"] or 0), 0),
        read_at=read_at,
    )


# --- protection, kept while the snapshot does not change -------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], FunnelFigures, _Counts]] = {}
_protecting: set[tuple[Any, ...]] = set()  # cubes being protected on a background thread
_CACHE_SIZE = 16


# Within one page (a table, its trends and its map: three funnel_table calls) the figures are read
# at one version: ``one_version()`` keeps the first version check for the rest of the block.
_page_versions: contextvars.ContextVar[dict[tuple[int, ...], tuple[Any, ...]] | None] = contextvars.ContextVar(
    "funnel_page_versions", default=None
)


@contextlib.contextmanager
def one_version() -> Iterator[None]:
    """Read every funnel table inside the block at the version of the first one."""
    token = _page_versions.set({})
    try:
        yield
    finally:
        _page_versions.reset(token)


def _version(actor: Actor) -> tuple[Any, ...]:
    """Changes whenever a counted figure may have: the snapshot's newest row and size, the
    registry's size and newest change in the actor's groups (each read through an index)."""
    groups = tuple(sorted(groups_for(actor, "aggregate.view")))
    memo = _page_versions.get()
    if memo is not None and groups in memo:
        return memo[groups]
    snap = HouseholdFunnel.objects.filter(working_group_id__in=groups).aggregate(newest=Max("computed_at"), rows=Count("pk"))
    reg = _households(actor).aggregate(newest=Max("updated_at"), rows=Count("pk"))
    version = (snap["newest"], snap["rows"], reg["newest"], reg["rows"])
    if memo is not None:
        memo[groups] = version
    return version


def _stale_seconds() -> int:
    return int(getattr(settings, "SABEEL_FUNNEL_SERVE_STALE_SECONDS", 0))


def _start_background(job: Callable[[], object]) -> None:
    """Run ``job`` on a daemon thread (its own database connection, closed when it ends)."""

    def run() -> None:
        try:
            job()
        finally:
            connections.close_all()

    threading.Thread(target=run, name="funnel-protect", daemon=True).start()


def funnel_figures(actor: Actor, *, unit: str = "households", suppress: bool = True) -> tuple[FunnelFigures, _Counts]:
    """The funnel of the actor's groups as a protected cube (``suppress``) or an exact one.

    The cube is kept per process while the snapshot does not change. When it has changed and the
    kept cube was read less than ``SABEEL_FUNNEL_SERVE_STALE_SECONDS`` ago, the kept cube is
    answered at once (its provenance gives the time it was read) and a new one is protected on a
    background thread, so a busy registry does not make every page wait for the whole cube; past
    that age, or with no cube kept, the caller waits for a new one."""
    who = as_actor(actor)
    groups = tuple(sorted(groups_for(who, "aggregate.view")))
    t = threshold() if suppress else 1
    base = (groups, unit, t)
    version = _version(who)
    with _cache_lock:
        found = _cache.get(base)
    if found is not None:
        kept_version, figures, counts = found
        if kept_version == version:
            return figures, counts
        if (timezone.now() - counts.read_at).total_seconds() < _stale_seconds():
            with _cache_lock:
                start = base not in _protecting
                _protecting.add(base)
            if start:
                _start_background(lambda: _protect_and_keep(who, base, version))
            return figures, counts
    return _protect_and_keep(who, base, version)


def _protect_and_keep(who: Actor, base: tuple[Any, ...], version: tuple[Any, ...]) -> tuple[FunnelFigures, _Counts]:
    _groups, unit, t = base
    try:
        counts = _count(who)
        stages = tuple(str(s) for s in SHOWN_STAGES)
        if unit == "people":
            # A figure in people is hidden wherever its households are too few, whatever the people.
            household_cells = {c for c, n in counts.leaves.items() if 0 < n < t}
            figures = protect_counts(
                counts.people_leaves,
                counts.people_weeks,
                counts.places,
                stages,
                t,
                forced=_margins_under(counts, t) | household_cells,
                week_forced=[{c for c, n in w.items() if 0 < n < t} for w in counts.weeks],
                audit_limit=AUDIT_LIMIT,
            )
        else:
            figures = protect_counts(counts.leaves, counts.weeks, counts.places, stages, t, audit_limit=AUDIT_LIMIT)
        with _cache_lock:
            if base not in _cache and len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[base] = (version, figures, counts)
        return figures, counts
    finally:
        with _cache_lock:
            _protecting.discard(base)


def _margins_under(counts: _Counts, t: int) -> set[tuple[str, ...]]:
    """Every cell (margins included) of the household cube with 0 < households < t."""
    from sabeel.engines.disclosure import Cube
    from sabeel.engines.disclosure import Dimension as CubeDimension

    stage_dim = CubeDimension.flat("stage", [str(i) for i in range(len(SHOWN_STAGES))])
    cube = Cube.from_leaves((counts.places.host(), counts.places.origin(), stage_dim), counts.leaves)
    return {c for c, n in cube.values.items() if 0 < n < t}


def _cells(values: tuple[int | None, ...] | list[int | None]) -> dict[Stage, Cell]:
    return {stage: Cell(value=v, suppressed=v is None) for stage, v in zip(SHOWN_STAGES, values, strict=True)}


def _week_key(value: str) -> str:
    """A week as "2026-W07" (accepts "2026-W7" and dates)."""
    value = (value or "").strip()
    if not value:
        return ""
    if "-W" in value.upper():
        year, week = value.upper().split("-W", 1)
        return f"{int(year)}-W{int(week):02d}"
    return _iso_week(dt.date.fromisoformat(value)) or ""


def funnel_table(
    actor: Actor,
    *,
    dimension: Dimension | str,
    unit: str = "households",
    filters: Mapping[str, str] | None = None,
    suppress: bool | None = None,
) -> FunnelTable:
    """The funnel by ``dimension`` for the groups where the actor holds ``aggregate.view``.

    ``filters``: ``host_country`` (``LB``), ``host_area`` (a level-1 p-code of the host country),
    ``origin`` (a governorate p-code, or a lower unit: its governorate is used), ``week_from`` and
    ``week_to`` (``2026-W07``; trends only). Trends (``Dimension.WEEK``) take a host country and a
    range of weeks only (other filters would give figures outside the protected cubes).
    ``suppress``: None decides by the actor's roles; True always protects (exports)."""
    who = as_actor(actor)
    dimension = Dimension(dimension)
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    wanted = {k: str(v) for k, v in (filters or {}).items() if v}
    groups = groups_for(who, "aggregate.view")
    hide = True if suppress else must_suppress(who, groups)
    figures, counts = funnel_figures(who, unit=unit, suppress=hide)
    units = _units()
    by_key = {u.key: u for u in units.values()}
    host = wanted.get("host_area") or wanted.get("host_country") or TOTAL
    origin = TOTAL
    if wanted.get("origin"):
        unit_row = by_key.get(wanted["origin"])
        origin = (unit_row.area or unit_row.key) if unit_row else wanted["origin"]
    rows: list[FunnelRow] = []
    applied: dict[str, str] = {}
    if dimension is Dimension.WEEK:
        country = wanted.get("host_country", "")
        week_host = country or TOTAL
        applied = {k: wanted[k] for k in ("host_country", "week_from", "week_to") if wanted.get(k)}
        every = figures.all_weeks()
        low, high = _week_key(wanted.get("week_from", "")), _week_key(wanted.get("week_to", ""))
        chosen = tuple(w for w in every if (not low or w >= low) and (not high or w <= high))
        per_stage = [figures.week_figures(i, week_host, chosen) for i in range(len(SHOWN_STAGES))]
        for n, week in enumerate(chosen):
            rows.append(
                FunnelRow(key=week, label=week, cells=_cells([per_stage[i][0][n] for i in range(len(SHOWN_STAGES))]))
            )
        total = FunnelRow(key="", label=_("Total"), cells=_cells([per_stage[i][1] for i in range(len(SHOWN_STAGES))]))
    else:
        applied = {k: wanted[k] for k in ("host_country", "host_area", "origin") if wanted.get(k)}
        row_cells, total_cell = figures.rows(_ROW_DIMENSION[dimension], host=host, origin=origin)
        for h, o in row_cells:
            key = h if dimension in (Dimension.HOST_COUNTRY, Dimension.HOST_AREA) else o
            rows.append(FunnelRow(key=key, label=_label(key, by_key), cells=_cells(figures.stage_figures(h, o))))
        total = FunnelRow(key="", label=_("Total"), cells=_cells(figures.stage_figures(*total_cell)))
    # The records were counted at read_at (a kept cube may be minutes old); verdicts may be older.
    as_of = min(counts.as_of, counts.read_at) if counts.as_of else counts.read_at
    note = _(
        "Registered, intending, counselled and consented are counted from the records; eligible is a "
        "snapshot of the eligibility verdicts, the oldest computed at the time shown. Scheduled, departed, "
        "arrived and monitored are counted from the movement and monitoring records, self-organised returns "
        "included from departed on; a stage reached counts in every stage before it."
    )
    if counts.missing:
        note += " " + _("%(count)d households have no verdict yet and are not counted as eligible.") % {
            "count": counts.missing
        }
    if hide:
        note += " " + _("Figures from 1 to %(below)d are hidden, and enough others that they cannot be worked out.") % {
            "below": figures.threshold - 1
        }
    provenance = Provenance(
        method=Method.COUNTED,
        source=_("Sabeel registry, voluntariness records and eligibility verdicts"),
        as_of=as_of,
        note=note,
        threshold=figures.threshold if hide else None,
    )
    return FunnelTable(
        dimension=dimension,
        unit=unit,
        stages=SHOWN_STAGES,
        rows=tuple(rows),
        total=total,
        provenance=provenance,
        filters=applied,
    )


def home_summary(actor: Actor) -> FunnelTable | None:
    """The headline funnel for the home card (stage totals of the actor's groups, protected as
    ``funnel_table`` decides); None when the actor sees no group's figures."""
    who = as_actor(actor)
    if not groups_for(who, "aggregate.view"):
        return None
    return funnel_table(who, dimension=Dimension.HOST_COUNTRY)
