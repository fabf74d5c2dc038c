"""Placing households on real days: the greedy first-come-first-served baseline and the day sweep.

Both work on the remaining capacities (persons) of every crossing, departure point (per vehicle
class) and reception point on every day, and only ever place a household where all three have room,
so every plan they make is feasible by construction (the checker verifies it independently).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sabeel.engines.planning._prepare import Arrays, Ints


@dataclass(slots=True)
class Ledger:
    cross: list[list[int]]  # [crossing][day] persons left; -1 on closed days
    seats: list[list[int]]  # [departure * 2 + class][day]
    reception: list[list[int]]  # [destination][day]


def ledger(arr: Arrays) -> Ledger:
    days = arr.days
    cross = np.where(arr.is_open, arr.cross_cap[:, None], -1).tolist()
    seats = np.repeat(arr.seats.reshape(-1, 1), days, axis=1).tolist()
    reception = np.repeat(arr.reception.reshape(-1, 1), days, axis=1).tolist()
    return Ledger(cross=cross, seats=seats, reception=reception)


@dataclass(slots=True)
class Assignment:
    day: Ints  # -1: not placed
    crossing: Ints
    ledger: Ledger


def greedy(arr: Arrays) -> Assignment:
    """The baseline: households by priority tier, then first come first served, each on the earliest
    day and the nearest crossing where there is room."""
    book = ledger(arr)
    day = np.full(arr.n, -1, dtype=np.int64)
    crossing = np.full(arr.n, -1, dtype=np.int64)
    order = np.lexsort((arr.rank, arr.tier))
    size, dep, dest, lo, hi = arr.size.tolist(), arr.dep.tolist(), arr.dest.tolist(), arr.lo.tolist(), arr.hi.tolist()
    medical = arr.medical.tolist()
    cross, seats, reception = book.cross, book.seats, book.reception
    days_of, cross_of = day.tolist(), crossing.tolist()
    for i in order.tolist():
        if lo[i] > hi[i]:
            continue
        s = size[i]
        seat = seats[dep[i] * 2 + medical[i]]
        rec = reception[dest[i]]
        reach = [cross[c] for c in arr.dep_crossings[dep[i]]]
        for d in range(lo[i], hi[i] + 1):
            if seat[d] < s or rec[d] < s:
                continue
            for k, left in enumerate(reach):
                if left[d] >= s:
                    left[d] -= s
                    seat[d] -= s
                    rec[d] -= s
                    days_of[i] = d
                    cross_of[i] = arr.dep_crossings[dep[i]][k]
                    break
            if days_of[i] >= 0:
                break
    return Assignment(np.array(days_of, dtype=np.int64), np.array(cross_of, dtype=np.int64), book)


def sweep(arr: Arrays, *, deadline_first: bool = False) -> Assignment:
    """Day by day and priority tier by tier, each group (departure point and vehicle class) in order
    of consent. A household that cannot travel on a day for want of a seat or room at a crossing bars,
    for that day, every later-consented household of its tier and group that is at least as large;
    so no household ever travels ahead of an earlier-consented one that could have gone that day in
    its place (zero first-come-first-served inversions by construction). Across groups the next
    household is the earliest consented or, with ``deadline_first``, the one whose window closes
    first (a group's turn never reorders the group itself)."""
    book = ledger(arr)
    cross, seats, reception = book.cross, book.seats, book.reception
    n, days = arr.n, arr.days
    size, dep, dest, lo, hi = arr.size.tolist(), arr.dep.tolist(), arr.dest.tolist(), arr.lo.tolist(), arr.hi.tolist()
    group_of = (arr.dep * 2 + arr.medical).tolist()
    rank = arr.rank.tolist()
    tier = arr.tier.tolist()
    day_of = [-1] * n
    cross_of = [-1] * n
    tiers = sorted(set(tier))
    ngroups = 2 * len(arr.dep_ids)
    entering: dict[tuple[int, int], list[list[int]]] = {}
    for i in arr.order.tolist():  # by rank, so each day's list is sorted
        if lo[i] <= hi[i]:
            entering.setdefault((tier[i], group_of[i]), [[] for _ in range(days)])[lo[i]].append(i)
    active: dict[tuple[int, int], list[int]] = {key: [] for key in entering}
    reach = arr.dep_crossings
    key_of = hi if deadline_first else rank
    for d in range(days):
        for t in tiers:
            lists: list[list[int]] = []
            for g in range(ngroups):
                key = (t, g)
                if key not in active:
                    continue
                kept = [i for i in active[key] if day_of[i] < 0 and hi[i] >= d]
                new = entering[key][d]
                act = list(heapq.merge(kept, new, key=rank.__getitem__)) if new else kept
                active[key] = act
                if act:
                    lists.append(act)
            heap = [(key_of[act[0]], rank[act[0]], k, 0) for k, act in enumerate(lists)]
            heapq.heapify(heap)
            barred = [1 << 30] * len(lists)
            while heap:
                _, _, k, j = heap[0]
                act = lists[k]
                i = act[j]
                if j + 1 < len(act):
                    nxt = act[j + 1]
                    heapq.heapreplace(heap, (key_of[nxt], rank[nxt], k, j + 1))
                else:
                    heapq.heappop(heap)
                s = size[i]
                if s >= barred[k]:
                    continue
                seat = seats[group_of[i]]
                if seat[d] < s:
                    barred[k] = s
                    continue
                rec = reception[dest[i]]
                if rec[d] < s:  # its own destination is full: a larger household may still go
                    continue
                for c in reach[dep[i]]:
                    if cross[c][d] >= s:
                        cross[c][d] -= s
                        seat[d] -= s
                        rec[d] -= s
                        day_of[i] = d
                        cross_of[i] = c
                        break
                else:
                    barred[k] = s
    return Assignment(np.array(day_of, dtype=np.int64), np.array(cross_of, dtype=np.int64), book)


def daily_shares(arr: Arrays, flows: np.ndarray) -> np.ndarray:
    """[group, day, crossing]: the weekly LP's persons of each group (departure point * 2 + vehicle
    class) through each crossing in each week, spread evenly over the days that crossing opens that
    week."""
    days = arr.days
    week = np.arange(days) // 7
    weeks = int(week[-1]) + 1 if days else 0
    opened = np.zeros((weeks, len(arr.crossing_ids)))
    np.add.at(opened, week, arr.is_open.T.astype(np.float64))
    per_day = flows / np.maximum(opened, 1.0)[None, :, :]
    out: np.ndarray = per_day[:, week, :] * arr.is_open.T[None, :, :]
    return out
