"""The closure sweep: day by day, households whose window closes first go first, taking along
every household that must not be overtaken by them.

A household B may travel on day d ahead of an earlier-consented household A of its tier, departure
point and vehicle class, in its window on d, only when A is larger than B (or A's reception point
is full that day, at another destination than B's). So B goes on d together with its *closure*:
every household of its line (tier, departure point, vehicle class) not yet gone, in its window on
d, consented earlier and no larger than B, with room at its reception point or bound for B's. A
closure member's own closure is inside B's (earlier still, no larger still), so placing whole
closures never makes an inversion; after the deadline-first pass the day is filled in order of
consent with the barring rule of ``_place.sweep`` (a household left out there bars every later
one at least as large), which keeps the same guarantee. Among the crossings of a departure point
each household takes the one where the LP's weekly flow for its group has most left (nearest
among equals), or the nearest with room without the LP.
"""

from __future__ import annotations

import numpy as np

from sabeel.engines.planning._place import Assignment, daily_shares, ledger
from sabeel.engines.planning._prepare import Arrays

_TRIES = 40  # closures in a row that do not fit before a line stops going deadline first that day


def closure_sweep(arr: Arrays, flows: np.ndarray | None = None) -> Assignment:
    book = ledger(arr)
    cross, seats, reception = book.cross, book.seats, book.reception
    n, days = arr.n, arr.days
    size_np = arr.size
    size = size_np.tolist()
    dest = arr.dest.tolist()
    dep = arr.dep.tolist()
    group_np = arr.dep * 2 + arr.medical
    day_of = np.full(n, -1, dtype=np.int64)
    cross_of = np.full(n, -1, dtype=np.int64)
    reach = arr.dep_crossings
    daily = None if flows is None else daily_shares(arr, flows)
    ok = arr.lo <= arr.hi
    tiers = sorted(set(arr.tier[ok].tolist()))
    # each line's households in order of consent, and the day each enters
    lines: dict[tuple[int, int], np.ndarray] = {}
    for t in tiers:
        members = arr.order[ok[arr.order] & (arr.tier[arr.order] == t)]
        g_of = group_np[members]
        for g in np.unique(g_of).tolist():
            lines[t, g] = members[g_of == g]

    def put(i: int, g: int, d: int, q: list[list[float]] | None) -> bool:
        s = size[i]
        options = reach[dep[i]]
        if q is not None and len(options) > 1:
            qg = q[g]
            options = sorted(options, key=lambda c: -qg[c])  # stable: the nearest among equals
        for c in options:
            if cross[c][d] >= s:
                cross[c][d] -= s
                seats[g][d] -= s
                reception[dest[i]][d] -= s
                day_of[i] = d
                cross_of[i] = c
                if q is not None:
                    q[g][c] -= s
                return True
        return False

    def take_back(i: int, g: int, d: int, q: list[list[float]] | None) -> None:
        s, c = size[i], int(cross_of[i])
        cross[c][d] += s
        seats[g][d] += s
        reception[dest[i]][d] += s
        day_of[i] = -1
        cross_of[i] = -1
        if q is not None:
            q[g][c] += s

    for d in range(days):
        q = daily[:, d, :].tolist() if daily is not None else None

        for t in tiers:
            today: list[tuple[int, np.ndarray]] = []
            for (tt, g), members in lines.items():
                if tt != t:
                    continue
                m = members[(arr.lo[members] <= d) & (arr.hi[members] >= d) & (day_of[members] < 0)]
                if len(m):
                    today.append((g, m))
            # deadline first: every household of the tier that is in its window today, by last day
            cands = [(hi_i, k, j) for k, (_, m) in enumerate(today) for j, hi_i in enumerate(arr.hi[m].tolist())]
            cands.sort()
            fails = [0] * len(today)
            for _, k, j in cands:
                g, m = today[k]
                b = int(m[j])
                if day_of[b] >= 0 or fails[k] >= _TRIES:
                    continue
                sb = size[b]
                if seats[g][d] < sb:
                    fails[k] = _TRIES
                    continue
                head = m[:j]
                head = head[(day_of[head] < 0) & (size_np[head] <= sb)]
                need = [int(x) for x in head.tolist() if reception[dest[x]][d] >= size[x] or dest[x] == dest[b]]
                need.append(b)
                if sum(size[x] for x in need) > seats[g][d]:
                    fails[k] += 1
                    continue
                done: list[int] = []
                for x in need:
                    if reception[dest[x]][d] < size[x] or not put(x, g, d, q):
                        break
                    done.append(x)
                if len(done) < len(need):
                    for x in reversed(done):
                        take_back(x, g, d, q)
                    fails[k] += 1
                    continue
                fails[k] = 0
            # then the rest of the room, in order of consent, with the barring rule
            for g, m in today:
                barred = 1 << 30
                for i in m.tolist():
                    if day_of[i] >= 0:
                        continue
                    s = size[i]
                    if s >= barred:
                        continue
                    if seats[g][d] < s:
                        barred = s
                        continue
                    if reception[dest[i]][d] < s:
                        continue
                    if not put(i, g, d, q):
                        barred = s
    return Assignment(day_of, cross_of, book)
