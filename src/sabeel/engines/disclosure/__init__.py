"""Statistical disclosure control for published counts: primary and secondary cell suppression.

Never imports Django or the Sabeel apps. A :class:`Cube` holds counts at the leaves of
hierarchical :class:`Dimension` trees and every margin derived from them; :func:`protect` hides
every cell with ``0 < n < threshold`` (primary) and enough others (secondary) that no hidden cell
can be recovered from the published cells, the additive relations between them (margins equal the
sum of their parts) and the fact that counts are never negative: checked by linear programming
(:func:`intervals`, OR-Tools' GLOP). :mod:`._funnel` builds the return funnel's cubes and the
figures of every view the pages offer from them.

    >>> host = Dimension("host", {"LB": TOTAL, "JO": TOTAL})
    >>> stage = Dimension.flat("stage", ["0", "1"])
    >>> cube = Cube.from_leaves((host, stage), {("LB", "0"): 3, ("LB", "1"): 20, ("JO", "0"): 9, ("JO", "1"): 30})
    >>> protected = protect(cube, 5)
    >>> protected.published(("LB", "0")) is None and protected.published(("JO", "0")) is None
    True
"""

from sabeel.engines.disclosure._cube import TOTAL, Cell, Cube, Dimension
from sabeel.engines.disclosure._funnel import (
    FunnelFigures,
    Household,
    Places,
    cumulative,
    protect_counts,
    protect_funnel,
)
from sabeel.engines.disclosure._suppress import Protected, intervals, primary_cells, protect

__all__ = [
    "TOTAL",
    "Cell",
    "Cube",
    "Dimension",
    "FunnelFigures",
    "Household",
    "Places",
    "Protected",
    "cumulative",
    "intervals",
    "primary_cells",
    "protect",
    "protect_counts",
    "protect_funnel",
]
