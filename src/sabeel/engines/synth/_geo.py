from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate

from sabeel.engines.synth._facts import GOVERNORATE_POPULATION
from sabeel.engines.synth._types import AdminUnitRef


class _Choice:
    __slots__ = ("cum", "last", "total", "units")

    def __init__(self, units: list[AdminUnitRef], weights: list[float]):
        if sum(weights) <= 0:
            weights = [1.0] * len(units)
        self.units = tuple(units)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]
        self.last = len(units) - 1

    def pick(self, rng: random.Random) -> AdminUnitRef:
        return self.units[bisect_right(self.cum, rng.random() * self.total, 0, self.last)]


def _sibling_weights(units: list[AdminUnitRef]) -> list[float]:
    known = [u.weight for u in units if u.weight is not None]
    default = sum(known) / len(known) if known else 1.0
    return [default if u.weight is None else u.weight for u in units]


class UnitTree:
    """The admin units a caller loaded, as a tree to walk down by weight (a private helper).

    Roots are the units whose parent is not loaded. Iteration is always in code order so that results do
    not depend on the caller's order or on string hashing."""

    def __init__(self, units: Iterable[AdminUnitRef]):
        by_code: dict[str, AdminUnitRef] = {}
        for unit in sorted(units, key=lambda u: u.code):
            by_code.setdefault(unit.code, unit)
        self.by_code = by_code
        children: dict[str, list[AdminUnitRef]] = {}
        roots: list[AdminUnitRef] = []
        for unit in by_code.values():
            if unit.parent_code is not None and unit.parent_code in by_code and unit.parent_code != unit.code:
                children.setdefault(unit.parent_code, []).append(unit)
            else:
                roots.append(unit)
        self.roots = roots
        self.children = {code: _Choice(kids, _sibling_weights(kids)) for code, kids in children.items()}

    def descend(self, unit: AdminUnitRef, rng: random.Random, stop: Mapping[int, float] | None = None) -> AdminUnitRef:
        while True:
            choice = self.children.get(unit.code)
            if choice is None:
                return unit
            if stop is not None and rng.random() < stop.get(unit.level, 0.0):
                return unit
            unit = choice.pick(rng)

    def sibling(self, unit: AdminUnitRef, rng: random.Random) -> AdminUnitRef | None:
        if unit.parent_code is None or unit.parent_code not in self.children:
            return None
        choice = self.children[unit.parent_code]
        if len(choice.units) < 2:
            return None
        for _ in range(4):
            other = choice.pick(rng)
            if other.code != unit.code:
                return other
        return None


class HostPlaces:
    """Picks a current location: a root by weight, then down to the deepest loaded level."""

    def __init__(self, units: Iterable[AdminUnitRef]):
        self.tree = UnitTree(units)
        self.roots = _Choice(self.tree.roots, _sibling_weights(self.tree.roots))

    def pick(self, rng: random.Random) -> AdminUnitRef:
        return self.tree.descend(self.roots.pick(rng), rng)


class SyrianPlaces:
    """Picks origins by governorate shares, then a loaded district or sub-district under it (sometimes
    stopping at the governorate or district), and destinations (usually the origin)."""

    def __init__(self, units: Iterable[AdminUnitRef], shares: Mapping[str, float], *, stop: Mapping[int, float]):
        self.tree = UnitTree(units)
        self.stop = stop
        self.origin = self._governorates(shares)
        self.elsewhere = self._governorates(GOVERNORATE_POPULATION)

    def _governorates(self, shares: Mapping[str, float]) -> tuple[_Choice, dict[str, _Choice]]:
        groups: dict[str, list[AdminUnitRef]] = {}
        for root in self.tree.roots:
            groups.setdefault(root.code[:4], []).append(root)
        smallest = min((v for v in shares.values() if v > 0), default=1.0)
        codes = sorted(groups)
        weights = [float(shares.get(code, smallest * 0.1)) for code in codes]
        inner = {code: _Choice(groups[code], _sibling_weights(groups[code])) for code in codes}
        return _Choice([groups[code][0] for code in codes], weights), inner

    def _pick(self, table: tuple[_Choice, dict[str, _Choice]], rng: random.Random) -> AdminUnitRef:
        first, inner = table
        governorate = first.pick(rng).code[:4]
        return self.tree.descend(inner[governorate].pick(rng), rng, self.stop)

    def pick_origin(self, rng: random.Random) -> AdminUnitRef:
        return self._pick(self.origin, rng)

    def pick_destination(self, origin: AdminUnitRef, rng: random.Random, same_rate: float) -> AdminUnitRef:
        if rng.random() < same_rate:
            return origin
        if rng.random() < 0.5:
            other = self.tree.sibling(origin, rng)
            if other is not None:
                return other
        return self._pick(self.elsewhere, rng)
