"""The weekly LP relaxation: an upper bound on the persons any plan can move.

Households are grouped into classes (departure point, vehicle class, destination, first and last
week of their window); a variable is the persons of a class crossing in a week at a crossing. Each
constraint is a sum over days of a daily one, counting only the days the resource can be used
(a crossing's open days; a departure point's days with one of its crossings open), so every daily
plan gives a feasible point: the optimum bounds every plan from above.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from sabeel.engines.planning._prepare import Arrays


@dataclass(frozen=True, slots=True)
class LpResult:
    bound: float
    columns: int
    rows: int
    status: str
    reception: bool = True  # False: the weaker LP without the reception points' limits
    # the primal solution, when asked for: persons of each (group, week, crossing) in the LP's plan
    flows: np.ndarray | None = None


def solve_weekly_lp(
    arr: Arrays, threads: int = 1, time_limit: float = 1e9, *, reception: bool = True, flows: bool = False
) -> LpResult:
    import highspy

    days = arr.days
    weeks = (days + 6) // 7
    ncross = len(arr.crossing_ids)
    ndep = len(arr.dep_ids)
    # each window narrowed to the days one of its departure point's crossings is open (no plan can
    # use the others): classes by the weeks of these days make a tighter, still valid, bound
    lo_all, hi_all = _usable_window(arr)
    ok = (lo_all <= hi_all) & (arr.dep >= 0) & (arr.dest >= 0)
    dep = arr.dep[ok]
    cls = arr.medical[ok].astype(np.int64)
    if reception:
        ndest = len(arr.dest_ids)
        dest = arr.dest[ok]
        receive = arr.reception
    else:  # one pooled destination and no reception rows: a weaker bound from a far smaller LP
        ndest = 1
        dest = np.zeros(len(dep), dtype=np.int64)
        receive = np.zeros(1, dtype=np.int64)
    wlo = lo_all[ok] // 7
    whi = hi_all[ok] // 7
    key = (((dep * 2 + cls) * ndest + dest) * weeks + wlo) * weeks + whi
    keys, inverse = np.unique(key, return_inverse=True)
    persons = np.bincount(inverse, weights=arr.size[ok]).astype(np.float64)
    k_whi = keys % weeks
    rest = keys // weeks
    k_wlo = rest % weeks
    rest //= weeks
    k_dest = rest % ndest
    k_group = rest // ndest  # dep * 2 + cls
    k_dep = k_group // 2
    nk = len(keys)

    week_of = np.arange(days) // 7
    open_count = np.zeros((ncross, weeks), dtype=np.int64)
    for c in range(ncross):
        open_count[c] = np.bincount(week_of, weights=arr.is_open[c], minlength=weeks)
    dep_days = np.zeros((ndep, weeks), dtype=np.int64)
    for p in range(ndep):
        reach = arr.dep_crossings[p]
        if reach:
            dep_days[p] = np.bincount(week_of, weights=arr.is_open[reach].any(axis=0), minlength=weeks)
    week_days = np.bincount(week_of, minlength=weeks)

    # columns: (class, week, crossing slot)
    lengths = k_whi - k_wlo + 1
    col_k = np.repeat(np.arange(nk), lengths)
    col_w = np.repeat(k_wlo, lengths) + (np.arange(len(col_k)) - np.repeat(np.cumsum(lengths) - lengths, lengths))
    width = max((len(cs) for cs in arr.dep_crossings), default=0)
    cross_table = np.full((ndep, max(width, 1)), -1, dtype=np.int64)
    for p in range(ndep):
        for slot, c in enumerate(arr.dep_crossings[p]):  # every crossing it reaches (the bound needs all)
            cross_table[p, slot] = c
    parts_k, parts_w, parts_c = [], [], []
    for slot in range(cross_table.shape[1]):
        c = cross_table[k_dep[col_k], slot]
        keep = c >= 0
        keep[keep] &= open_count[c[keep], col_w[keep]] > 0
        parts_k.append(col_k[keep])
        parts_w.append(col_w[keep])
        parts_c.append(c[keep])
    ck = np.concatenate(parts_k)
    cw = np.concatenate(parts_w)
    cc = np.concatenate(parts_c)
    ncol = len(ck)
    g = k_group[ck]

    # rows, in blocks
    r_class = ck
    base = nk
    r_cross = base + cc * weeks + cw
    base += ncross * weeks
    r_seat = base + g * weeks + cw
    base += ndep * 2 * weeks
    r_seatx = base + (g * ncross + cc) * weeks + cw
    base += ndep * 2 * ncross * weeks
    r_rec = base + k_dest[ck] * weeks + cw
    nrow = base + ndest * weeks
    upper = np.concatenate(
        [
            persons,
            (arr.cross_cap[:, None] * open_count).ravel(),
            (arr.seats[:, :, None] * dep_days[:, None, :]).ravel(),
            (arr.seats[:, :, None, None] * open_count[None, None, :, :]).ravel(),
            (receive[:, None] * week_days[None, :]).ravel(),
        ]
    ).astype(np.float64)

    blocks = [r_class, r_cross, r_seat, r_seatx] + ([r_rec] if reception else [])
    per_col = len(blocks)
    rows = np.stack(blocks, axis=1).ravel()
    if not reception:
        upper = upper[:base]
        nrow = base
    if ncol == 0:  # nobody can travel at all
        return LpResult(bound=0.0, columns=0, rows=nrow, status="empty", reception=reception)
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = nrow
    lp.col_cost_ = np.ones(ncol)
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = np.full(ncol, highspy.kHighsInf)
    lp.row_lower_ = np.full(nrow, -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, per_col * ncol + 1, per_col, dtype=np.int32)
    lp.a_matrix_.index_ = rows.astype(np.int32)
    lp.a_matrix_.value_ = np.ones(per_col * ncol)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", float(time_limit))
    # the interior point method without crossover: seconds where the simplex takes minutes; the
    # bound is then taken from a dual solution made feasible below, so it stays valid
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS ended with status {status}")
    solution = h.getSolution()
    # weak duality: any y >= 0 with A'y >= 1 on every column bounds the optimum by upper'y. Take
    # HiGHS's row duals (either sign convention), clip them at zero and cover what is left of each
    # column's 1 with its class row, which only that class's columns use; keep the lower bound.
    bound = float("inf")
    for sign in (1.0, -1.0):
        y = np.maximum(sign * np.asarray(solution.row_dual), 0.0)
        short = np.maximum(1.0 - y[rows].reshape(ncol, per_col).sum(axis=1), 0.0)
        y[:nk] += _max_by(ck, short, nk)
        bound = min(bound, float(upper @ y))
    out = np.zeros(0)
    if flows:
        x = np.maximum(np.asarray(solution.col_value), 0.0)
        out = np.zeros((ndep * 2, weeks, ncross))
        np.add.at(out, (g, cw, cc), x)
    return LpResult(bound=bound, columns=ncol, rows=nrow, status=status, reception=reception, flows=out if flows else None)


def weekly_bounds(arr: Arrays, threads: int = 1, flows: bool = False) -> Iterator[LpResult]:
    """First the LP without reception rows (seconds at 500,000 households; with its weekly flows
    when asked, which guide the closure sweep), then the full one."""
    coarse = solve_weekly_lp(arr, threads, reception=False, flows=flows)
    yield coarse
    full = solve_weekly_lp(arr, threads, reception=True)
    yield replace(full, bound=min(full.bound, coarse.bound), flows=None)  # both are valid bounds




def _usable_window(arr: Arrays) -> tuple[np.ndarray, np.ndarray]:
    """Each household's first and last day inside its window on which a crossing its departure point
    reaches is open (first > last when there is none)."""
    days = arr.days
    ndep = len(arr.dep_ids)
    usable = np.zeros((ndep + 1, days), dtype=np.bool_)  # the last row: unknown departure points
    for p in range(ndep):
        if arr.dep_crossings[p]:
            usable[p] = arr.is_open[arr.dep_crossings[p]].any(axis=0)
    idx = np.arange(days)
    # next usable day at or after d (days when none), last usable day at or before d (-1 when none)
    nxt = np.where(usable, idx, days)[:, ::-1]
    nxt = np.minimum.accumulate(nxt, axis=1)[:, ::-1]
    prv = np.maximum.accumulate(np.where(usable, idx, -1), axis=1)
    dep = np.where(arr.dep >= 0, arr.dep, ndep)
    lo = np.clip(arr.lo, 0, days - 1)
    hi = np.clip(arr.hi, 0, days - 1)
    first = nxt[dep, lo]
    last = prv[dep, hi]
    empty = arr.lo > arr.hi
    return np.where(empty, 1, first), np.where(empty, 0, last)


def _max_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size)
    np.maximum.at(out, index, values)
    return out
