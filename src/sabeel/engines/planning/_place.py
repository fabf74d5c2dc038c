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


def sweep(arr: Arrays, split: list[list[float]] | None = None) -> Assignment:
    """Day by day, priority tier by tier, households in order of consent. A household that cannot
    travel on a day (no room, or held back) bars, for that day, every later-consented household of
    its tier, departure point and vehicle class that is at least as large: so no household ever
    travels ahead of an earlier-consented one that could have gone that day and is no larger (zero
    first-come-first-served inversions by construction).

    ``split`` ([departure][crossing] persons, from the LP) steers departure points that reach more
    than one crossing: each household takes the crossing furthest behind its share."""
    book = ledger(arr)
    cross, seats, reception = book.cross, book.seats, book.reception
    n, days = arr.n, arr.days
    size, dep, dest, lo, hi = arr.size.tolist(), arr.dep.tolist(), arr.dest.tolist(), arr.lo.tolist(), arr.hi.tolist()
    group = (arr.dep * 2 + arr.medical).tolist()
    rank = arr.rank.tolist()
    day_of = [-1] * n
    cross_of = [-1] * n
    tiers = sorted(set(arr.tier.tolist()))
    entering: dict[int, list[list[int]]] = {t: [[] for _ in range(days)] for t in tiers}
    tier = arr.tier.tolist()
    for i in arr.order.tolist():  # by rank, so each day's list is sorted
        if lo[i] <= hi[i]:
            entering[tier[i]][lo[i]].append(i)
    reach = arr.dep_crossings
    share: list[list[float]] = []
    used: list[list[float]] = []
    for p, cs in enumerate(reach):
        if split is not None and len(cs) > 1:
            total = sum(split[p][c] for c in cs)
            share.append([split[p][c] / total if total > 0 else 1.0 / len(cs) for c in cs])
        else:
            share.append([])
        used.append([0.0] * len(cs))
    active: dict[int, list[int]] = {t: [] for t in tiers}
    big = 1 << 30
    for d in range(days):
        for t in tiers:
            kept = [i for i in active[t] if day_of[i] < 0 and hi[i] >= d]
            act = list(heapq.merge(kept, entering[t][d], key=rank.__getitem__)) if entering[t][d] else kept
            active[t] = act
            barred: dict[int, int] = {}
            for i in act:
                s = size[i]
                g = group[i]
                if s >= barred.get(g, big):
                    continue
                seat = seats[g]
                rec = reception[dest[i]]
                if seat[d] < s:
                    barred[g] = s
                    continue
                if rec[d] < s:  # its own destination is full: a larger household may still go
                    continue
                p = dep[i]
                cs = reach[p]
                chosen = -1
                if len(cs) == 1:
                    if cross[cs[0]][d] >= s:
                        chosen = 0
                else:
                    wanted = share[p]
                    got = used[p]
                    best = -1e18
                    total = sum(got) + s
                    for k, c in enumerate(cs):
                        if cross[c][d] >= s:
                            behind = (wanted[k] * total - got[k]) if wanted else -k
                            if behind > best:
                                best, chosen = behind, k
                if chosen < 0:
                    barred[g] = s
                    continue
                c = cs[chosen]
                cross[c][d] -= s
                seat[d] -= s
                rec[d] -= s
                used[p][chosen] += s
                day_of[i] = d
                cross_of[i] = c
    return Assignment(np.array(day_of, dtype=np.int64), np.array(cross_of, dtype=np.int64), book)
