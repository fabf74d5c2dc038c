"""The instance as numpy arrays (day indices from the horizon start), shared by the planners."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sabeel.engines.planning._types import Instance, Reason

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Arrays:
    n: int
    days: int
    ids: list[str]
    size: Ints
    dep: Ints  # -1: unknown departure point
    dest: Ints  # -1: unknown destination
    lo: Ints  # first day it may travel (window, eligibility and horizon intersected)
    hi: Ints  # last day; lo > hi when there is none
    tier: Ints
    medical: Bools
    consent: Ints  # ordinal of the consent date
    order: Ints  # households by (consent date, id): first come first
    rank: Ints  # position in ``order``
    empty_reason: list[Reason | None]  # why the window is empty, when it is
    crossing_ids: list[str]
    cross_cap: Ints
    is_open: Bools  # [crossing, day]
    dep_ids: list[str]
    seats: Ints  # [departure, class]: 0 standard, 1 medical
    dep_crossings: list[list[int]]  # by travel time
    dep_minutes: list[list[int]]
    dest_ids: list[str]
    reception: Ints


def prepare(instance: Instance) -> Arrays:
    start = instance.start.toordinal()
    days = instance.days
    crossing_ids = [c.id for c in instance.crossings]
    cindex = {cid: i for i, cid in enumerate(crossing_ids)}
    is_open = np.zeros((len(crossing_ids), days), dtype=np.bool_)
    for i, c in enumerate(instance.crossings):
        for d in range(days):
            is_open[i, d] = c.is_open(instance.start.fromordinal(start + d))
    dep_ids = [p.id for p in instance.departures]
    dindex = {pid: i for i, pid in enumerate(dep_ids)}
    seats = np.array([[p.seats, p.medical_seats] for p in instance.departures], dtype=np.int64).reshape(-1, 2)
    dep_crossings: list[list[int]] = []
    dep_minutes: list[list[int]] = []
    for p in instance.departures:
        reach = sorted((minutes, cindex[cid]) for cid, minutes in p.crossings if cid in cindex)
        dep_crossings.append([c for _, c in reach])
        dep_minutes.append([m for m, _ in reach])
    dest_ids = [s.id for s in instance.destinations]
    sindex = {sid: i for i, sid in enumerate(dest_ids)}
    hh = instance.households
    n = len(hh)
    size = np.fromiter((h.size for h in hh), dtype=np.int64, count=n)
    dep = np.fromiter((dindex.get(h.departure, -1) for h in hh), dtype=np.int64, count=n)
    dest = np.fromiter((sindex.get(h.destination, -1) for h in hh), dtype=np.int64, count=n)
    earliest = np.fromiter((h.earliest.toordinal() for h in hh), dtype=np.int64, count=n) - start
    latest = np.fromiter((h.latest.toordinal() for h in hh), dtype=np.int64, count=n) - start
    efrom = np.fromiter((h.eligible_from.toordinal() for h in hh), dtype=np.int64, count=n) - start
    euntil = np.fromiter((h.eligible_until.toordinal() for h in hh), dtype=np.int64, count=n) - start
    lo = np.maximum(np.maximum(earliest, efrom), 0)
    hi = np.minimum(np.minimum(latest, euntil), days - 1)
    empty_reason: list[Reason | None] = [None] * n
    overlap = (np.maximum(earliest, efrom) <= np.minimum(latest, euntil)) & (earliest <= latest)
    for i in np.flatnonzero(lo > hi).tolist():
        empty_reason[i] = Reason.OUTSIDE_HORIZON if overlap[i] else Reason.NOT_ELIGIBLE_IN_WINDOW
    for i in np.flatnonzero(dep < 0).tolist():
        empty_reason[i] = Reason.UNKNOWN_DEPARTURE
    for i in np.flatnonzero((dest < 0) & (dep >= 0)).tolist():
        empty_reason[i] = Reason.UNKNOWN_DESTINATION
    hi[(dep < 0) | (dest < 0)] = -1
    lo[(dep < 0) | (dest < 0)] = 0
    consent = np.fromiter((h.consented_on.toordinal() for h in hh), dtype=np.int64, count=n)
    ids = [h.id for h in hh]
    id_order = np.argsort(np.array(ids, dtype=object), kind="stable") if n else np.zeros(0, dtype=np.int64)
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[id_order] = np.arange(n)
    order = np.lexsort((id_rank, consent)).astype(np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return Arrays(
        n=n,
        days=days,
        ids=ids,
        size=size,
        dep=dep,
        dest=dest,
        lo=lo,
        hi=hi,
        tier=np.fromiter((h.priority for h in hh), dtype=np.int64, count=n),
        medical=np.fromiter((h.needs_medical_vehicle for h in hh), dtype=np.bool_, count=n),
        consent=consent,
        order=order,
        rank=rank,
        empty_reason=empty_reason,
        crossing_ids=crossing_ids,
        cross_cap=np.array([c.capacity for c in instance.crossings], dtype=np.int64),
        is_open=is_open,
        dep_ids=dep_ids,
        seats=seats,
        dep_crossings=dep_crossings,
        dep_minutes=dep_minutes,
        dest_ids=dest_ids,
        reception=np.array([s.reception for s in instance.destinations], dtype=np.int64),
    )
