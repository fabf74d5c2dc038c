"""Primary and secondary cell suppression of a hierarchical count cube.

Primary: every cell (leaf or margin) with ``0 < n < threshold``. Secondary: for every additive
relation (a margin and its parts, along any dimension) that holds a hidden cell, at least one more
non-zero cell of that relation is hidden, so no single sum gives a hidden cell back; then an audit
by linear programming (the attacker's view: every published cell, every relation, non-negative
counts) widens the protection where several relations together would still pin a hidden cell or
narrow it to less than the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sabeel.engines.disclosure._cube import Cell, Cube

_INFINITY = float("inf")


def _big(cube: Cube) -> float:
    """An upper bound for every unknown, so that GLOP never meets an unbounded programme (it may
    call one infeasible), small enough to keep it well scaled; a maximum at half of it or more is
    reported as unbounded."""
    return 4.0 * max(cube.values.values(), default=1) + 1000.0


@dataclass(frozen=True)
class Protected:
    """A cube with its hidden cells. ``published(cell)`` is the figure anyone may see, or None."""

    cube: Cube
    threshold: int
    primary: frozenset[Cell]
    suppressed: frozenset[Cell]
    audit_rounds: int = 0
    narrow: frozenset[Cell] = frozenset()  # hidden cells the audit could not widen to the threshold

    def published(self, cell: Cell) -> int | None:
        return None if cell in self.suppressed else self.cube.value(cell)

    def sum_published(self, cells: Iterable[Cell]) -> int | None:
        """The sum of ``cells`` when every one of them is published, else None."""
        total = 0
        for cell in cells:
            value = self.published(cell)
            if value is None:
                return None
            total += value
        return total


def primary_cells(cube: Cube, threshold: int) -> set[Cell]:
    return {cell for cell, value in cube.values.items() if 0 < value < threshold}


def _relation_key(parent: Cell, children: tuple[Cell, ...]) -> tuple[Cell, Cell]:
    return parent, children[0]


class _Suppressor:
    def __init__(self, cube: Cube, threshold: int, fixed: frozenset[Cell]) -> None:
        self.cube = cube
        self.threshold = threshold
        self.fixed = fixed
        self.hidden: set[Cell] = set()

    def _candidates(self, members: tuple[Cell, ...]) -> list[Cell]:
        return [m for m in members if m not in self.hidden and m not in self.fixed and self.cube.value(m) > 0]

    def _choose(self, parent: Cell, candidates: list[Cell]) -> Cell:
        """Prefer a part to the margin, and the smallest count at or above the threshold (it
        protects fully and hides little); else the largest count."""
        t = self.threshold
        value = self.cube.value

        def rank(cell: Cell) -> tuple[int, int, int]:
            v = value(cell)
            return (cell == parent, 0 if v >= t else 1, v if v >= t else -v)

        return min(candidates, key=lambda c: (*rank(c), c))

    def hide(self, cells: Iterable[Cell]) -> None:
        queue = [c for c in cells if c not in self.hidden]
        self.hidden.update(queue)
        while queue:
            cell = queue.pop()
            for parent, children in self.cube.relations_of(cell):
                members = (parent, *children)
                hidden_nonzero = sum(1 for m in members if m in self.hidden and self.cube.value(m) > 0)
                if hidden_nonzero >= 2 or (hidden_nonzero == 0):
                    continue
                candidates = self._candidates(members)
                if not candidates:
                    continue
                choice = self._choose(parent, candidates)
                self.hidden.add(choice)
                queue.append(choice)

    def widen(self, cell: Cell) -> bool:
        """Hide one more non-zero cell in a relation of ``cell`` (the relation with the fewest hidden
        cells first). False when there is nothing left to hide."""
        options = []
        for parent, children in self.cube.relations_of(cell):
            members = (parent, *children)
            candidates = self._candidates(members)
            if candidates:
                hidden = sum(1 for m in members if m in self.hidden)
                options.append((hidden, parent, candidates))
        if not options:
            return False
        options.sort(key=lambda o: (o[0], o[1]))
        _, parent, candidates = options[0]
        self.hide([self._choose(parent, candidates)])
        return True


def intervals(cube: Cube, hidden: Iterable[Cell], ask: Iterable[Cell] | None = None) -> dict[Cell, tuple[float, float]]:
    """For each asked hidden cell (default: all), the least and greatest value consistent with every
    published cell of ``cube``, every additive relation and non-negative counts (``inf`` when
    unbounded). Solved with OR-Tools' GLOP, one linear programme per connected group of hidden
    cells."""
    from ortools.linear_solver import pywraplp

    hidden = set(hidden)
    asked = set(hidden if ask is None else ask) & hidden
    relations: dict[tuple[Cell, Cell], tuple[Cell, tuple[Cell, ...]]] = {}
    for cell in hidden:
        for parent, children in cube.relations_of(cell):
            relations.setdefault(_relation_key(parent, children), (parent, children))
    # Connected groups of hidden cells (cells sharing a relation).
    root: dict[Cell, Cell] = {c: c for c in hidden}

    def find(c: Cell) -> Cell:
        while root[c] != c:
            root[c] = root[root[c]]
            c = root[c]
        return c

    for parent, children in relations.values():
        members = [m for m in (parent, *children) if m in hidden]
        for other in members[1:]:
            a, b = find(members[0]), find(other)
            if a != b:
                root[a] = b
    groups: dict[Cell, list[Cell]] = {}
    for cell in hidden:
        groups.setdefault(find(cell), []).append(cell)
    group_relations: dict[Cell, list[tuple[Cell, tuple[Cell, ...]]]] = {}
    for parent, children in relations.values():
        member = next(m for m in (parent, *children) if m in hidden)
        group_relations.setdefault(find(member), []).append((parent, children))

    answers: dict[Cell, tuple[float, float]] = {}
    big = _big(cube)
    for key, cells in groups.items():
        wanted = [c for c in cells if c in asked]
        if not wanted:
            continue
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - OR-Tools is installed with GLOP
            raise RuntimeError("GLOP is not available")
        var = {c: solver.NumVar(0.0, big, f"x{i}") for i, c in enumerate(sorted(cells))}
        for parent, children in group_relations.get(key, []):
            constant = 0.0
            row = solver.Constraint(0.0, 0.0)
            for member, sign in ((parent, -1.0), *((child, 1.0) for child in children)):
                if member in var:
                    row.SetCoefficient(var[member], row.GetCoefficient(var[member]) + sign)
                else:
                    constant += sign * cube.value(member)
            row.SetBounds(-constant, -constant)
        objective = solver.Objective()
        for cell in sorted(wanted):
            bounds: list[float] = []
            for maximize in (False, True):
                objective.Clear()
                objective.SetCoefficient(var[cell], 1.0)
                if maximize:
                    objective.SetMaximization()
                else:
                    objective.SetMinimization()
                status = solver.Solve()
                if status == pywraplp.Solver.OPTIMAL:
                    found = var[cell].solution_value()
                    bounds.append(_INFINITY if found > big / 2 else found)
                else:  # pragma: no cover - the true counts are always a solution
                    raise RuntimeError(f"the audit's linear programme failed (status {status})")
            answers[cell] = (bounds[0], bounds[1])
    return answers


def sum_bounds(cube: Cube, hidden: Iterable[Cell], cells: Iterable[Cell]) -> tuple[float, float]:
    """The least and greatest value of the sum of ``cells`` consistent with every published cell of
    ``cube`` (those not in ``hidden``), every additive relation and non-negative counts."""
    from ortools.linear_solver import pywraplp

    hidden = set(hidden)
    cells = list(cells)
    constant = float(sum(cube.value(c) for c in cells if c not in hidden))
    wanted = [c for c in cells if c in hidden]
    if not wanted:
        return constant, constant
    relations: dict[tuple[Cell, Cell], tuple[Cell, tuple[Cell, ...]]] = {}
    for cell in hidden:
        for parent, children in cube.relations_of(cell):
            relations.setdefault(_relation_key(parent, children), (parent, children))
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover
        raise RuntimeError("GLOP is not available")
    big = _big(cube)
    var = {c: solver.NumVar(0.0, big, f"x{i}") for i, c in enumerate(sorted(hidden))}
    for parent, children in relations.values():
        known = 0.0
        row = solver.Constraint(0.0, 0.0)
        for member, sign in ((parent, -1.0), *((child, 1.0) for child in children)):
            if member in var:
                row.SetCoefficient(var[member], row.GetCoefficient(var[member]) + sign)
            else:
                known += sign * cube.value(member)
        row.SetBounds(-known, -known)
    bounds: list[float] = []
    objective = solver.Objective()
    for maximize in (False, True):
        objective.Clear()
        for cell in wanted:
            objective.SetCoefficient(var[cell], 1.0)
        if maximize:
            objective.SetMaximization()
        else:
            objective.SetMinimization()
        if solver.Solve() != pywraplp.Solver.OPTIMAL:  # pragma: no cover - the true counts are a solution
            raise RuntimeError("the linear programme failed")
        found = objective.Value()
        bounds.append(_INFINITY if found > big / 2 else found)
    return constant + bounds[0], constant + bounds[1]


def protect(
    cube: Cube,
    threshold: int,
    *,
    fixed: Iterable[Cell] = (),
    forced: Iterable[Cell] = (),
    audit: bool = True,
    audit_limit: int | None = None,
    max_rounds: int = 200,
) -> Protected:
    """Suppress ``cube`` for publication at ``threshold``.

    ``fixed``: cells already public elsewhere (never hidden as a complement; a fixed cell that is
    itself under the threshold is still hidden). ``forced``: cells hidden elsewhere, hidden here too.
    With ``audit`` the hidden cells under the threshold are checked by linear programming and the
    protection widened until each may range over at least ``threshold`` (or nothing is left to
    hide around it: those are reported in ``narrow``). ``audit_limit``: audit only when there are
    at most that many cells under the threshold (the audit solves two programmes per cell); the
    result says whether it ran (``audit_rounds`` 0 when not).
    """
    if threshold < 1:
        raise ValueError("the threshold is at least 1")
    primary = primary_cells(cube, threshold)
    fixed_cells = frozenset(fixed) - primary
    worker = _Suppressor(cube, threshold, fixed_cells)
    worker.hide(primary | set(forced))
    rounds = 0
    narrow: set[Cell] = set()
    sensitive = primary | {c for c in forced if 0 < cube.value(c) < threshold}
    if audit and threshold > 1 and (audit_limit is None or len(sensitive) <= audit_limit):
        while rounds < max_rounds:
            rounds += 1
            found = intervals(cube, worker.hidden, ask=sensitive - narrow)
            short = sorted(c for c, (low, high) in found.items() if high - low < threshold - 1e-6)
            if not short:
                break
            widened = False
            for cell in short:
                if worker.widen(cell):
                    widened = True
                else:
                    narrow.add(cell)
            if not widened:
                break
    if rounds:
        # A complement that the published cells pin anyway hides nothing: publish it (the attacker
        # already knows it, so no other hidden cell becomes any narrower).
        found = intervals(cube, worker.hidden, ask=worker.hidden - sensitive)
        worker.hidden -= {c for c, (low, high) in found.items() if high - low < 1e-6}
    return Protected(
        cube=cube,
        threshold=threshold,
        primary=frozenset(primary),
        suppressed=frozenset(worker.hidden),
        audit_rounds=rounds,
        narrow=frozenset(narrow),
    )
