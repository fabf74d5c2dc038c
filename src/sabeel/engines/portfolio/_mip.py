"""The MIP, solved by HiGHS in a forked child that is killed at the time limit (HiGHS has been seen
running past its own limit).

Columns: x_p (binary) for each project that can matter, z_d in [0, 1] for each sub-district that can
be completed, f_ca >= 0 for each (sector, governorate) class and account that may fund it (money in
thousands of dollars). Rows: z_d <= sum of x_p over d's candidates for each missing service;
x_p <= x_q for each dependency; class money = sum of its accounts' f; account f <= balance;
implementer count and budget. Maximise sum of returnees_d z_d."""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import numpy.typing as npt

from sabeel.engines.portfolio._flow import class_flows, demand_of
from sabeel.engines.portfolio._prepare import Prepared

SCALE = 1000.0  # dollars per model unit


@dataclass
class Model:
    cols: list[int]  # project per x column
    relevant: list[str]
    pairs: list[tuple[int, int]]  # (class, account) per f column
    cost: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    integer: npt.NDArray[np.int8]
    row_lower: npt.NDArray[np.float64]
    row_upper: npt.NDArray[np.float64]
    start: npt.NDArray[np.int32]
    index: npt.NDArray[np.int32]
    value: npt.NDArray[np.float64]

    @property
    def ncol(self) -> int:
        return len(self.cost)


@dataclass
class MipResult:
    status: str  # "optimal", "feasible", "timeout", "infeasible", "failed: …"
    chosen: set[int]
    objective: float | None
    bound: float | None
    seconds: float


def build(prep: Prepared) -> Model:
    cols = sorted(prep.useful)
    xcol = {p: k for k, p in enumerate(cols)}
    relevant = list(prep.relevant)
    zbase = len(cols)
    classes = sorted({prep.klass[p] for p in cols})
    accounts = prep.instance.accounts
    pairs = [(c, a) for c in classes for a in prep.class_accounts[c] if accounts[a].balance_usd > 0]
    fbase = zbase + len(relevant)
    ncol = fbase + len(pairs)
    rows: list[int] = []
    colsi: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    inf = float("inf")

    def row(entries: list[tuple[int, float]], low: float, high: float) -> None:
        r = len(lo)
        for col, v in entries:
            rows.append(r)
            colsi.append(col)
            vals.append(v)
        lo.append(low)
        hi.append(high)

    for k, d in enumerate(relevant):
        for s in sorted(prep.missing[d]):
            row([(zbase + k, 1.0)] + [(xcol[p], -1.0) for p in prep.candidates[(d, s)] if p in xcol], -inf, 0.0)
    for p in cols:
        for q in prep.requires[p]:
            row([(xcol[p], 1.0), (xcol[q], -1.0)], -inf, 0.0)
    by_class: dict[int, list[tuple[int, float]]] = {c: [] for c in classes}
    for p in cols:
        by_class[prep.klass[p]].append((xcol[p], prep.projects[p].cost_usd / SCALE))
    by_account: dict[int, list[tuple[int, float]]] = {}
    for k, (c, a) in enumerate(pairs):
        by_class[c].append((fbase + k, -1.0))
        by_account.setdefault(a, []).append((fbase + k, 1.0))
    for c in classes:
        row(by_class[c], -inf, 0.0)
    for a, entries in sorted(by_account.items()):
        row(entries, -inf, accounts[a].balance_usd / SCALE)
    limits = {c.implementer: c for c in prep.instance.capacities}
    by_impl: dict[str, list[int]] = {}
    for p in cols:
        if prep.projects[p].implementer in limits:
            by_impl.setdefault(prep.projects[p].implementer, []).append(p)
    for who, ps in sorted(by_impl.items()):
        cap = limits[who]
        if cap.max_projects is not None and cap.max_projects < len(ps):
            row([(xcol[p], 1.0) for p in ps], -inf, float(cap.max_projects))
        if cap.max_budget_usd is not None and cap.max_budget_usd < sum(prep.projects[p].cost_usd for p in ps):
            row([(xcol[p], prep.projects[p].cost_usd / SCALE) for p in ps], -inf, cap.max_budget_usd / SCALE)

    cost = np.zeros(ncol)
    for k, d in enumerate(relevant):
        cost[zbase + k] = prep.subdistricts[d].returnees
    upper = np.full(ncol, inf)
    upper[:fbase] = 1.0
    integer = np.zeros(ncol, dtype=np.int8)
    integer[:zbase] = 1
    r = np.asarray(rows, dtype=np.int64)
    c_ = np.asarray(colsi, dtype=np.int64)
    order = np.lexsort((r, c_))
    counts = np.bincount(c_, minlength=ncol)
    start = np.zeros(ncol + 1, dtype=np.int32)
    np.cumsum(counts, out=start[1:])
    return Model(
        cols=cols,
        relevant=relevant,
        pairs=pairs,
        cost=cost,
        lower=np.zeros(ncol),
        upper=upper,
        integer=integer,
        row_lower=np.asarray(lo),
        row_upper=np.asarray(hi),
        start=start,
        index=r[order].astype(np.int32),
        value=np.asarray(vals)[order],
    )


def hint(prep: Prepared, model: Model, chosen: set[int]) -> npt.NDArray[np.float64] | None:
    """A full starting point for HiGHS from a feasible choice (the greedy's)."""
    flows = class_flows(prep, demand_of(prep, sorted(chosen)))
    if flows is None:
        return None
    x = np.zeros(model.ncol)
    for k, p in enumerate(model.cols):
        x[k] = 1.0 if p in chosen else 0.0
    zbase = len(model.cols)
    for k, d in enumerate(model.relevant):
        x[zbase + k] = 1.0 if all(any(p in chosen for p in prep.candidates[(d, s)]) for s in prep.missing[d]) else 0.0
    fbase = zbase + len(model.relevant)
    for k, pair in enumerate(model.pairs):
        x[fbase + k] = flows.get(pair, 0) / SCALE
    return x


def _solve(model: Model, start: npt.NDArray[np.float64] | None, time_limit: float, threads: int, gap: float) -> dict[str, Any]:
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = model.ncol
    lp.num_row_ = len(model.row_lower)
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.lower
    lp.col_upper_ = np.where(np.isinf(model.upper), highspy.kHighsInf, model.upper)
    lp.row_lower_ = np.where(np.isinf(model.row_lower), -highspy.kHighsInf, model.row_lower)
    lp.row_upper_ = model.row_upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = model.start
    lp.a_matrix_.index_ = model.index
    lp.a_matrix_.value_ = model.value
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in model.integer]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    values = np.asarray(h.getSolution().col_value) if info.primal_solution_status else None
    x = [] if values is None else [k for k in range(len(model.cols)) if values[k] > 0.5]
    return {
        "status": h.modelStatusToString(status),
        "optimal": status == highspy.HighsModelStatus.kOptimal,
        "infeasible": status == highspy.HighsModelStatus.kInfeasible,
        "has_solution": values is not None,
        "x": x,
        "objective": info.objective_function_value if values is not None else None,
        "bound": info.mip_dual_bound,
    }


def _target(conn: Connection, args: tuple[Any, ...]) -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # HiGHS prints its banner on stdout whatever output_flag says
    try:
        conn.send(("ok", _solve(*args), ""))
    except BaseException as exc:  # reported to the parent
        conn.send(("failed", None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"))
    finally:
        conn.close()


def run_child(fn: Any, args: tuple[Any, ...], limit: float) -> tuple[str, Any, str]:
    """Run ``fn(conn, args)`` in a forked child; kill it after ``limit`` seconds."""
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=fn, args=(send, args), daemon=True)
    process.start()
    send.close()
    try:
        if not recv.poll(limit):
            return ("killed", None, f"killed after {limit:g} s")
        try:
            status, value, error = recv.recv()
        except EOFError:
            return ("failed", None, f"the solver's process exited with code {process.exitcode}")
        return (status, value, error)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        recv.close()


def solve(prep: Prepared, start_choice: set[int], *, time_limit: float, grace: float, threads: int, gap: float) -> MipResult:
    began = time.monotonic()
    model = build(prep)
    start = hint(prep, model, start_choice)
    status, value, error = run_child(_target, (model, start, time_limit, threads, gap), time_limit + grace)
    seconds = time.monotonic() - began
    if status == "killed":
        return MipResult("timeout", set(), None, None, seconds)
    if status != "ok":
        return MipResult(f"failed: {error.splitlines()[0] if error else status}", set(), None, None, seconds)
    if value["infeasible"]:
        return MipResult("infeasible", set(), None, None, seconds)
    chosen = {model.cols[k] for k in value["x"]}
    if not value["has_solution"]:
        return MipResult("timeout", set(), None, value["bound"], seconds)
    return MipResult("optimal" if value["optimal"] else "feasible", chosen, value["objective"], value["bound"], seconds)
