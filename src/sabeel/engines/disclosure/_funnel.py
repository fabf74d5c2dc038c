"""The return funnel as protected cubes, and every view the pages may publish from them.

The funnel's stages are nested (every counselled household is intending, …), so publishing each
stage's count is publishing the running sums of *exclusive* categories: registered and no further,
intending and no further, …, eligible. The main cube is host place (area → country → all) ×
origin (sub-district → governorate → all) × exclusive stage (→ all registered); it is protected
once, with every margin, and every view reads from it:

* a stage's figure in a row is published only when it follows from published cells of that row
  (the exclusive cells from that stage on, or the total less those before it), so two stages'
  difference never gives back a hidden cell;
* every row of every view (host country, host area, origin, sub-district; filtered by a host
  country or area and an origin governorate) is a cell or margin of the same cube, so two filters
  of the same table are two looks at one protected cube.

Trends (households reaching a stage per ISO week) are a separate cube per stage: host country →
all × week, whose totals per country are the main cube's figures (public there, or hidden there
and hidden here too). Their only filters are a host country and a range of weeks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sabeel.engines.disclosure._cube import TOTAL, Cell, Cube, Dimension
from sabeel.engines.disclosure._suppress import Protected, protect, sum_bounds

HOST, ORIGIN, STAGE = 0, 1, 2


@dataclass(frozen=True)
class Household:
    """One household as the funnel counts it (codes only). ``reached`` is the index of the last
    stage reached (0 = registered only); ``weeks[i]`` the week it reached stage ``i`` (or None)."""

    host_area: str
    origin_leaf: str
    reached: int
    weeks: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Places:
    """The two place hierarchies: host area → host country, origin leaf → governorate."""

    host_country_of: Mapping[str, str]  # host area → host country
    governorate_of: Mapping[str, str]  # origin leaf (sub-district or placeholder) → governorate

    def host(self) -> Dimension:
        parents = {country: TOTAL for country in set(self.host_country_of.values())}
        parents.update(self.host_country_of)
        return Dimension("host", parents)

    def origin(self) -> Dimension:
        parents = {gov: TOTAL for gov in set(self.governorate_of.values())}
        parents.update(self.governorate_of)
        return Dimension("origin", parents)


@dataclass(frozen=True)
class FunnelFigures:
    """The protected funnel: ``main`` (host × origin × exclusive stage) and ``weeks[stage]``."""

    stages: tuple[str, ...]
    main: Protected
    weeks: tuple[Protected, ...]
    host: Dimension
    origin: Dimension

    @property
    def threshold(self) -> int:
        return self.main.threshold

    # --- the main table ------------------------------------------------------------------------

    def stage_figures(self, host: str, origin: str) -> tuple[int | None, ...]:
        """Each stage's published count (households that reached it) for one row, or None."""
        return tuple(cumulative(self.main, (host, origin), len(self.stages)))

    def true_stage_figures(self, host: str, origin: str) -> tuple[int, ...]:
        value = self.main.cube.value
        exclusive = [value((host, origin, str(i))) for i in range(len(self.stages))]
        return tuple(sum(exclusive[k:]) for k in range(len(self.stages)))

    def rows(
        self, dimension: str, *, host: str = TOTAL, origin: str = TOTAL
    ) -> tuple[list[tuple[str, str]], tuple[str, str]]:
        """The (host, origin) cells of a view's rows and of its total row. ``dimension``: one of
        ``host_country``, ``host_area``, ``origin``, ``origin_subdistrict``; ``host`` a host
        country or area (or all), ``origin`` a governorate (or all)."""
        total = (host, origin)
        if dimension in ("host_country", "host_area"):
            level = 1 if dimension == "host_country" else 2
            keys = _at_level(self.host, level, under=host)
            return [(k, origin) for k in keys], total
        if dimension in ("origin", "origin_subdistrict"):
            level = 1 if dimension == "origin" else 2
            keys = _at_level(self.origin, level, under=origin)
            return [(host, k) for k in keys], total
        raise ValueError(f"unknown dimension {dimension!r}")

    # --- trends ----------------------------------------------------------------------------------

    def week_figures(self, stage: int, host: str, weeks: Sequence[str]) -> tuple[list[int | None], int | None]:
        """Households reaching ``stage`` in each of ``weeks`` (host: a country or all), and their
        total (published when every week's figure is, or when the weeks are all the weeks)."""
        protected = self.weeks[stage]
        dimension = protected.cube.dimensions[1]
        figures = [protected.published((host, week)) if week in dimension.parents else 0 for week in weeks]
        if set(weeks) >= set(dimension.parents):
            return figures, protected.published((host, TOTAL))
        total = None if any(f is None for f in figures) else sum(f for f in figures if f is not None)
        return figures, total

    def all_weeks(self) -> tuple[str, ...]:
        found: set[str] = set()
        for protected in self.weeks:
            found.update(protected.cube.dimensions[1].parents)
        return tuple(sorted(found))


def _at_level(dimension: Dimension, level: int, *, under: str) -> list[str]:
    """Nodes ``level`` steps below the root that are ``under`` (or are) the given node."""
    depth = {TOTAL: 0}
    for node in dimension.parents:
        depth[node] = len(dimension.ancestors(node)) - 1
    if depth.get(under, 0) >= level:
        return [under] if depth.get(under) == level else []
    return sorted(n for n in dimension.parents if depth[n] == level and under in dimension.ancestors(n))


def cumulative(protected: Protected, row: Cell, stages: int) -> list[int | None]:
    """The count of each nested stage for ``row`` (the cube's cell without its stage node), from the
    exclusive cells: published when the exclusive cells from that stage on are all published, or
    the row's total and the cells before that stage are."""
    cells = [(*row, str(i)) for i in range(stages)]
    total = (*row, TOTAL)
    figures: list[int | None] = []
    for k in range(stages):
        value = protected.sum_published(cells[k:])
        if value is None:
            before = protected.sum_published(cells[:k])
            whole = protected.published(total)
            if before is not None and whole is not None:
                value = whole - before
        figures.append(value)
    return figures


def protect_funnel(
    households: Iterable[Household],
    places: Places,
    stages: Sequence[str],
    threshold: int,
    *,
    audit: bool = True,
) -> FunnelFigures:
    """Count the households, then protect (see :func:`protect_counts`)."""
    leaves: dict[Cell, int] = {}
    week_leaves: list[dict[Cell, int]] = [{} for _ in stages]
    for household in households:
        cell = (household.host_area, household.origin_leaf, str(household.reached))
        leaves[cell] = leaves.get(cell, 0) + 1
        country = places.host_country_of[household.host_area]
        for i, week in enumerate(household.weeks[: household.reached + 1]):
            if week is not None:
                key = (country, week)
                week_leaves[i][key] = week_leaves[i].get(key, 0) + 1
    return protect_counts(leaves, week_leaves, places, stages, threshold, audit=audit)


def protect_counts(
    leaves: Mapping[Cell, int],
    week_leaves: Sequence[Mapping[Cell, int]],
    places: Places,
    stages: Sequence[str],
    threshold: int,
    *,
    forced: Iterable[Cell] = (),
    week_forced: Sequence[Iterable[Cell]] = (),
    audit: bool = True,
    audit_limit: int | None = None,
) -> FunnelFigures:
    """Protect counts already made: ``leaves[(host area, origin leaf, str(last stage reached))]``
    and ``week_leaves[stage][(host country, week)]``. The main cube first, then each stage's weekly
    cube, whose per-country totals are the main cube's figures (fixed when published there, hidden
    when hidden there). ``forced`` cells are hidden whatever their count (a figure in people whose
    households are too few)."""
    host, origin = places.host(), places.origin()
    stage_dim = Dimension.flat("stage", [str(i) for i in range(len(stages))])
    main = protect(
        Cube.from_leaves((host, origin, stage_dim), leaves),
        threshold,
        forced=forced,
        audit=audit,
        audit_limit=audit_limit,
    )
    figures = FunnelFigures(tuple(stages), main, (), host, origin)
    countries = Dimension.flat("host", sorted(set(places.host_country_of.values())))
    protected_weeks = []
    for i in range(len(stages)):
        counts = week_leaves[i] if i < len(week_leaves) else {}
        weeks = Dimension.flat("week", sorted({cell[1] for cell in counts}))
        cube = Cube.from_leaves((countries, weeks), counts)
        fixed: list[Cell] = []
        hidden: list[Cell] = list(week_forced[i]) if i < len(week_forced) else []
        for country in (TOTAL, *countries.parents):
            known = figures.stage_figures(country, TOTAL)[i] is not None
            if not known and audit:
                # Hidden in its row, but perhaps implied by other published cells of the main cube:
                # then it is public knowledge, and the weekly cube must protect around it as such.
                cells = [(country, TOTAL, str(j)) for j in range(i, len(stages))]
                low, high = sum_bounds(main.cube, main.suppressed, cells)
                known = high - low < 1e-6
            (fixed if known else hidden).append((country, TOTAL))
        protected_weeks.append(
            protect(cube, threshold, fixed=fixed, forced=hidden, audit=audit, audit_limit=audit_limit)
        )
    return FunnelFigures(tuple(stages), main, tuple(protected_weeks), host, origin)
