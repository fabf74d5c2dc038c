"""A hierarchical count cube, its additive relations, and the suppression that protects it."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

TOTAL = "*"  # the root of every dimension: "all"

Cell = tuple[str, ...]  # one node per dimension


@dataclass(frozen=True)
class Dimension:
    """One dimension of the cube as a tree: ``parents`` maps every node except ``TOTAL`` to its
    parent (``TOTAL`` for the top level). Leaves are the nodes nobody names as a parent."""

    name: str
    parents: Mapping[str, str]
    children: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kids: dict[str, list[str]] = {}
        for node, parent in self.parents.items():
            if node == TOTAL:
                raise ValueError(f"{self.name}: {TOTAL!r} is the root and has no parent")
            kids.setdefault(parent, []).append(node)
        for parent in kids:
            if parent != TOTAL and parent not in self.parents:
                raise ValueError(f"{self.name}: {parent!r} is a parent but has no parent itself")
        for node in self.parents:  # no cycles: every chain reaches TOTAL
            seen = {node}
            up = self.parents[node]
            while up != TOTAL:
                if up in seen:
                    raise ValueError(f"{self.name}: cycle through {node!r}")
                seen.add(up)
                up = self.parents[up]
        object.__setattr__(self, "children", {k: tuple(sorted(v)) for k, v in kids.items()})

    @classmethod
    def flat(cls, name: str, nodes: Iterable[str]) -> Dimension:
        return cls(name, {node: TOTAL for node in nodes})

    def ancestors(self, node: str) -> tuple[str, ...]:
        """``node`` and every node above it, up to and including ``TOTAL``."""
        chain = [node]
        while node != TOTAL:
            node = self.parents[node]
            chain.append(node)
        return tuple(chain)

    def is_leaf(self, node: str) -> bool:
        return node != TOTAL and node not in self.children

    def nodes(self) -> tuple[str, ...]:
        return (TOTAL, *self.parents)


@dataclass
class Cube:
    """Counts at the leaves of every dimension, and every margin derived from them."""

    dimensions: tuple[Dimension, ...]
    values: dict[Cell, int]  # every cell with a non-zero count (leaves and margins)

    @classmethod
    def from_leaves(cls, dimensions: Iterable[Dimension], leaves: Mapping[Cell, int]) -> Cube:
        dims = tuple(dimensions)
        values: dict[Cell, int] = {}
        chains: list[dict[str, tuple[str, ...]]] = [{} for _ in dims]
        for cell, count in leaves.items():
            if count < 0:
                raise ValueError("counts are never negative")
            if not count:
                continue
            if len(cell) != len(dims):
                raise ValueError(f"cell {cell!r} does not have one node per dimension")
            ups = []
            for i, (dim, node) in enumerate(zip(dims, cell, strict=True)):
                if not dim.is_leaf(node):
                    raise ValueError(f"{dim.name}: {node!r} is not a leaf")
                if node not in chains[i]:
                    chains[i][node] = dim.ancestors(node)
                ups.append(chains[i][node])
            for margin in itertools.product(*ups):
                values[margin] = values.get(margin, 0) + count
        return cls(dims, values)

    def value(self, cell: Cell) -> int:
        return self.values.get(cell, 0)

    def relations_of(self, cell: Cell) -> Iterator[tuple[Cell, tuple[Cell, ...]]]:
        """Every additive relation ``parent = sum(children)`` that ``cell`` takes part in: along each
        dimension, once as the parent (when its node there has children) and once as a child."""
        for i, dim in enumerate(self.dimensions):
            node = cell[i]
            if node in dim.children:
                yield cell, tuple((*cell[:i], child, *cell[i + 1 :]) for child in dim.children[node])
            if node != TOTAL:
                parent = (*cell[:i], dim.parents[node], *cell[i + 1 :])
                yield parent, tuple((*cell[:i], sib, *cell[i + 1 :]) for sib in dim.children[dim.parents[node]])
