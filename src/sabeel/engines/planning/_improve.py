"""A repair pass after the sweep: make room at a full crossing by moving households of departure
points that reach two crossings to their other crossing the same day (and, if that one is full,
one household from there on to a third), and place there a household left out, when doing so puts
it ahead of no earlier-consented household that could have gone.

Why it keeps zero inversions: the count does not depend on crossings, so the moves change nothing;
a household newly placed on day d only uses up reception room (which can only remove comparable
pairs) and is checked against every earlier-consented household of its tier, departure point and
vehicle class that is no larger and could have gone on d. Left out before, it was in no inversion
as the earlier household, and placing it cannot make one. The checker still verifies the result.
"""

from __future__ import annotations

import numpy as np

from sabeel.engines.planning._place import Assignment, Ledger
from sabeel.engines.planning._prepare import Arrays


def improve(arr: Arrays, a: Assignment) -> Assignment:
    book = Ledger(
        cross=[row[:] for row in a.ledger.cross],
        seats=[row[:] for row in a.ledger.seats],
        reception=[row[:] for row in a.ledger.reception],
    )
    cross, seats, reception = book.cross, book.seats, book.reception
    day_of = a.day.copy()
    cross_of = a.crossing.copy()
    reach = arr.dep_crossings
    dual = [len(cs) > 1 for cs in reach]
    size = arr.size
    group = (arr.tier * (2 * len(arr.dep_ids) + 1) + arr.dep * 2 + arr.medical).astype(np.int64)
    members: dict[int, np.ndarray] = {}
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    for chunk in np.split(order, bounds):
        if len(chunk):
            members[int(group[chunk[0]])] = chunk
    # households on each (day, crossing) that could move to another crossing of their departure point
    movable: dict[tuple[int, int], list[int]] = {}
    for i in np.flatnonzero(day_of >= 0).tolist():
        if dual[int(arr.dep[i])]:
            movable.setdefault((int(day_of[i]), int(cross_of[i])), []).append(i)
    waiting = np.flatnonzero((day_of < 0) & (arr.lo <= arr.hi))
    waiting = waiting[np.lexsort((arr.rank[waiting], arr.tier[waiting]))]
    line = _Line(arr, members, day_of, reception)
    for d in range(arr.days):
        line.clear()
        # room that moves could free at each crossing: what its movable households carry, and no
        # more than the room left at the other crossings (a chain of moves ends in spare room)
        shiftable = {}
        spare = sum(max(row[d], 0) for row in cross)
        for c in range(len(arr.crossing_ids)):
            if cross[c][d] >= 0:
                carried = sum(int(size[j]) for j in movable.get((d, c), ()))
                shiftable[c] = max(0, min(carried, spare - cross[c][d]))
        if not any(shiftable.values()):
            continue
        live = waiting[(day_of[waiting] < 0) & (arr.lo[waiting] <= d) & (arr.hi[waiting] >= d)]
        # room today, as upper limits (it only shrinks as households are placed): seats, reception,
        # and a crossing with room or room that moves could free
        seat_room = np.array([row[d] for row in seats])
        rec_room = np.array([row[d] for row in reception])
        potential = np.array(
            [max((cross[c][d] + shiftable.get(c, 0) for c in cs if cross[c][d] >= 0), default=-1) for cs in reach]
        )
        s_live = size[live]
        live = live[
            (s_live <= seat_room[arr.dep[live] * 2 + arr.medical[live]])
            & (s_live <= rec_room[arr.dest[live]])
            & (s_live <= potential[arr.dep[live]])
        ]
        failed: dict[int, int] = {}
        for i in live.tolist():
            s = int(size[i])
            p = int(arr.dep[i])
            g = p * 2 + int(arr.medical[i])
            rec = reception[int(arr.dest[i])]
            if seats[g][d] < s or rec[d] < s:
                continue
            for c in reach[p]:
                if cross[c][d] < 0 or cross[c][d] + shiftable.get(c, 0) < s:
                    continue
                # a household no smaller than one that found no room here today finds none either
                if s >= failed.get(c, 1 << 30) or not line.first(int(group[i]), i, d):
                    continue
                moves = _make_room(arr, cross, movable, d, c, s - cross[c][d])
                if moves is None:
                    failed[c] = s
                    continue
                failed.clear()
                for j, c2 in moves:
                    src = int(cross_of[j])
                    cross[src][d] += int(size[j])
                    cross[c2][d] -= int(size[j])
                    cross_of[j] = c2
                    movable[d, src].remove(j)
                    movable.setdefault((d, c2), []).append(j)
                cross[c][d] -= s
                seats[g][d] -= s
                rec[d] -= s
                day_of[i] = d
                cross_of[i] = c
                line.cache.pop((int(group[i]), d), None)
                break
    return Assignment(day_of, cross_of, book)


def _make_room(
    arr: Arrays, cross: list[list[int]], movable: dict[tuple[int, int], list[int]], d: int, c: int, need: int
) -> list[tuple[int, int]] | None:
    """Moves (household, to crossing) on day ``d`` freeing ``need`` persons of room at ``c``: each
    household to another crossing of its departure point with room, or with room made there by
    moving one household on to a third crossing. None when they cannot free enough."""
    if need <= 0:
        return []
    moves: list[tuple[int, int]] = []
    delta: dict[int, int] = {}
    used: set[int] = set()
    freed = 0

    def room(x: int) -> int:
        return cross[x][d] + delta.get(x, 0)

    for j in movable.get((d, c), ()):
        sj = int(arr.size[j])
        done = False
        for c2 in arr.dep_crossings[int(arr.dep[j])]:
            if c2 == c or cross[c2][d] < 0:
                continue
            if room(c2) >= sj:
                moves.append((j, c2))
                delta[c2] = delta.get(c2, 0) - sj
                done = True
                break
            short = sj - room(c2)
            for k in movable.get((d, c2), ()):
                sk = int(arr.size[k])
                if k in used or sk < short:
                    continue
                c3 = next((x for x in arr.dep_crossings[int(arr.dep[k])] if x not in (c, c2) and room(x) >= sk), -1)
                if c3 >= 0:
                    moves += [(k, c3), (j, c2)]
                    delta[c3] = delta.get(c3, 0) - sk
                    delta[c2] = delta.get(c2, 0) + sk - sj
                    used.add(k)
                    done = True
                    break
            if done:
                break
        if done:
            used.add(j)
            freed += sj
            if freed >= need:
                return moves
    return None


class _Line:
    """Per (group, day): the group's households that could have gone that day and have not gone by
    then, in order of consent. Built once per group and day; what changes later in the day (a
    household placed, reception used up) only makes the cached line stricter, never laxer."""

    def __init__(self, arr: Arrays, members: dict[int, np.ndarray], day_of: np.ndarray, reception: list[list[int]]) -> None:
        self.arr, self.members, self.day_of, self.reception = arr, members, day_of, reception
        self.cache: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def clear(self) -> None:
        self.cache.clear()

    def first(self, g: int, i: int, d: int) -> bool:
        """No earlier-consented household of group ``g``, no larger than ``i``, in its window on d,
        not gone by d, with room at its own reception point (or going where ``i`` goes)."""
        arr = self.arr
        line = self.cache.get((g, d))
        if line is None:
            m = self.members[g]
            m = m[(arr.lo[m] <= d) & (arr.hi[m] >= d) & ((self.day_of[m] < 0) | (self.day_of[m] > d))]
            m = m[np.argsort(arr.consent[m], kind="stable")]
            room = np.array([self.reception[int(x)][d] for x in arr.dest[m]], dtype=np.int64) >= arr.size[m]
            big = np.iinfo(np.int64).max
            smallest_with_room = np.minimum.accumulate(np.where(room, arr.size[m], big)) if len(m) else np.zeros(0, np.int64)
            line = (arr.consent[m], smallest_with_room, arr.size[m], arr.dest[m])
            self.cache[g, d] = line
        consent, smallest_with_room, sizes, dests = line
        k = int(np.searchsorted(consent, arr.consent[i], side="left"))
        if k == 0:
            return True
        s = arr.size[i]
        if smallest_with_room[k - 1] <= s:
            return False
        return not bool(np.any((dests[:k] == arr.dest[i]) & (sizes[:k] <= s)))
