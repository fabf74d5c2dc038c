"""The funnel's suppression against an attacker who sees every view.

For random small populations of households, the attacker collects every figure the funnel
publishes under every view and filter it offers (host country, host area, origin, sub-district;
filtered by host country or area and by origin governorate; trends by week for each stage, for
every host country and every range of weeks), and writes them as linear equations over unknown
non-negative counts at the finest level (host area × origin sub-district × the last stage
reached; host country × week for each stage, tied to the same households). It then solves two
linear programmes (OR-Tools GLOP) for the least and greatest value of every figure under the
threshold that a view hides (it must range over at least one household) and of every hidden cell
of the protected cubes (never pinned), and checks that every published figure is the true count
and never under the threshold. A hidden running sum of at least the threshold may follow from
another view's published rows (a row hides what it cannot show from its own cells): that
discloses nothing. The oracle is written here from the description of the views, not from the
engine's relations.
"""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.linear_solver import pywraplp

from sabeel.engines.disclosure import TOTAL, Household, Places, protect_funnel

STAGES = ("registered", "intending", "counselled", "consented", "eligible")
AREAS = {"LB1": "LB", "LB2": "LB", "JO1": "JO", "JO2": "JO", "JO3": "JO"}
LEAVES = {"SY0101": "SY01", "SY0102": "SY01", "SY02?": "SY02", "SY0201": "SY02", "SY0301": "SY03"}
WEEKS = ("2026-W01", "2026-W02", "2026-W03")
BIG = 1e5  # far above any count here (at most 60 households), small enough for GLOP's scaling
DIMENSIONS = ("host_country", "host_area", "origin", "origin_subdistrict")


@st.composite
def populations(draw: st.DrawFn) -> tuple[list[Household], int]:
    areas = draw(st.lists(st.sampled_from(sorted(AREAS)), min_size=1, max_size=4, unique=True))
    leaves = draw(st.lists(st.sampled_from(sorted(LEAVES)), min_size=1, max_size=4, unique=True))
    n_stages = len(STAGES)
    households = draw(
        st.lists(
            st.builds(
                Household,
                host_area=st.sampled_from(areas),
                origin_leaf=st.sampled_from(leaves),
                reached=st.integers(0, n_stages - 1),
                weeks=st.tuples(*[st.sampled_from(WEEKS)] * n_stages),
            ),
            min_size=1,
            max_size=60,
        )
    )
    threshold = draw(st.sampled_from([3, 5]))
    return households, threshold


class Attacker:
    """Unknown non-negative counts and the equations the published figures make."""

    def __init__(self, households: list[Household]) -> None:
        self.areas = sorted({h.host_area for h in households})
        self.leaves = sorted({h.origin_leaf for h in households})
        countries = sorted({AREAS[a] for a in self.areas})
        self.x = {(a, o, j): f"x_{a}_{o}_{j}" for a in self.areas for o in self.leaves for j in range(len(STAGES))}
        self.y = {(i, c, w): f"y_{i}_{c}_{w}" for i in range(len(STAGES)) for c in countries for w in WEEKS}
        self.equations: list[tuple[dict[str, int], int]] = []
        # The weekly counts of a stage add up to the households that reached it, country by country.
        for i, c in itertools.product(range(len(STAGES)), countries):
            expr = {self.y[(i, c, w)]: 1 for w in WEEKS}
            for a, o, j in self.x:
                if AREAS[a] == c and j >= i:
                    expr[self.x[(a, o, j)]] = expr.get(self.x[(a, o, j)], 0) - 1
            self.equations.append((expr, 0))

    def stage_expr(self, host: str, origin: str, stage: int) -> dict[str, int]:
        def host_ok(a: str) -> bool:
            return host in (TOTAL, a, AREAS[a])

        def origin_ok(o: str) -> bool:
            return origin in (TOTAL, o, LEAVES[o])

        return {v: 1 for (a, o, j), v in self.x.items() if host_ok(a) and origin_ok(o) and j >= stage}

    def week_expr(self, stage: int, host: str, weeks: tuple[str, ...]) -> dict[str, int]:
        return {v: 1 for (i, c, w), v in self.y.items() if i == stage and host in (TOTAL, c) and w in weeks}

    def bounds(self, expr: dict[str, int]) -> tuple[float, float]:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        names = sorted(set(self.x.values()) | set(self.y.values()))
        var = {n: solver.NumVar(0, BIG, n) for n in names}  # bounded: GLOP may call an unbounded programme infeasible
        for known, value in self.equations:
            row = solver.Constraint(value, value)
            for name, coef in known.items():
                row.SetCoefficient(var[name], coef)
        found = []
        for maximize in (False, True):
            objective = solver.Objective()
            objective.Clear()
            for name, coef in expr.items():
                objective.SetCoefficient(var[name], coef)
            objective.SetMaximization() if maximize else objective.SetMinimization()
            status = solver.Solve()
            assert status == pywraplp.Solver.OPTIMAL, status
            found.append(float("inf") if objective.Value() > BIG / 2 else objective.Value())
        return found[0], found[1]


def _true(households: list[Household], host: str, origin: str, stage: int) -> int:
    return sum(
        1
        for h in households
        if host in (TOTAL, h.host_area, AREAS[h.host_area])
        and origin in (TOTAL, h.origin_leaf, LEAVES[h.origin_leaf])
        and h.reached >= stage
    )


def _true_weeks(households: list[Household], stage: int, host: str, weeks: tuple[str, ...]) -> int:
    return sum(
        1 for h in households if h.reached >= stage and host in (TOTAL, AREAS[h.host_area]) and h.weeks[stage] in weeks
    )


@settings(max_examples=40, deadline=None, report_multiple_bugs=False, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_no_protected_cell_is_pinned_by_every_view_together(population: tuple[list[Household], int]) -> None:
    households, threshold = population
    places = Places(
        {a: AREAS[a] for a in {h.host_area for h in households}},
        {o: LEAVES[o] for o in {h.origin_leaf for h in households}},
    )
    funnel = protect_funnel(households, places, STAGES, threshold)
    attacker = Attacker(households)
    hidden: list[tuple[str, dict[str, int], int]] = []
    published = Counter[str]()

    def publish(label: str, figure: int | None, expr: dict[str, int], true: int) -> None:
        if figure is None:
            hidden.append((label, expr, true))
            return
        assert figure == true, f"{label}: published {figure}, true {true}"
        assert not 0 < figure < threshold, f"{label}: {figure} is under the threshold {threshold}"
        attacker.equations.append((expr, figure))
        published[label] += 1

    countries = sorted({AREAS[a] for a in attacker.areas})
    hosts = [TOTAL, *countries, *attacker.areas]
    origins = [TOTAL, *sorted({LEAVES[o] for o in attacker.leaves})]
    for dimension, host, origin in itertools.product(DIMENSIONS, hosts, origins):
        rows, total = funnel.rows(dimension, host=host, origin=origin)
        for h, o in [*rows, total]:
            for stage, figure in enumerate(funnel.stage_figures(h, o)):
                label = f"{dimension} {host}/{origin}: {h}/{o} {STAGES[stage]}"
                publish(label, figure, attacker.stage_expr(h, o, stage), _true(households, h, o, stage))
    ranges = [WEEKS[i:j] for i in range(len(WEEKS)) for j in range(i + 1, len(WEEKS) + 1)]
    for stage, host, weeks in itertools.product(range(len(STAGES)), [TOTAL, *countries], ranges):
        figures, total = funnel.week_figures(stage, host, weeks)
        for week, figure in zip(weeks, figures, strict=True):
            label = f"week {STAGES[stage]} {host} {week}"
            publish(
                label, figure, attacker.week_expr(stage, host, (week,)), _true_weeks(households, stage, host, (week,))
            )
        label = f"weeks {STAGES[stage]} {host} {weeks[0]}..{weeks[-1]}"
        publish(label, total, attacker.week_expr(stage, host, weeks), _true_weeks(households, stage, host, weeks))

    # The protected cubes' hidden cells, as the attacker writes them (sums of unknowns).
    for h, o, j in funnel.main.suppressed:
        expr = {
            v: 1
            for (a, leaf, k), v in attacker.x.items()
            if h in (TOTAL, a, AREAS[a]) and o in (TOTAL, leaf, LEAVES[leaf]) and j in (TOTAL, str(k))
        }
        hidden.append((f"cube cell {h}/{o}/{j}", expr, -1))
    for stage, protected in enumerate(funnel.weeks):
        for c, w in protected.suppressed:
            weeks = WEEKS if w == TOTAL else (w,)
            hidden.append((f"weekly cube cell {STAGES[stage]} {c}/{w}", attacker.week_expr(stage, c, weeks), -1))

    for label, expr, true in hidden:
        low, high = attacker.bounds(expr)
        if true >= 0:
            assert low - 1e-6 <= true <= high + 1e-6, f"{label}: the true {true} is outside [{low}, {high}]"
        if 0 < true < threshold:
            # A figure under the threshold: never pinned, never narrowed below one household.
            assert high - low >= 1 - 1e-6, f"{label}: the sensitive {true} is confined to [{low}, {high}]"
        elif true == -1:
            # A hidden cell of the protected cubes: never pinned by all the views together.
            assert high - low > 1e-6, f"{label}: hidden, but pinned by the published figures"
        # Any other hidden figure (a running sum of at least the threshold) may follow from published
        # rows of another view (the views hide what their own row cannot show): no disclosure.
