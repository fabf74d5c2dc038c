"""The independent checker: recomputes every constraint of a plan from the instance itself (it shares
no code with the planners) and counts first-come-first-served inversions.

An inversion is a pair (A, B): B travels on day d; A consented on an earlier date, has the same
priority tier, departure point and vehicle class (a medical case cannot take an ordinary seat, nor
the reverse), is no larger than B, is eligible and within its chosen window on d, and could have
travelled in B's place (B's seat and crossing hold A, being no smaller; A's own reception point
has room for A on d once B is taken out), yet A travels later than d or not at all. Every pair
meeting all conditions but the last is a comparable pair. The issue's literal reading, which does
not ask whether A's reception point had room, is counted too (``strict_*``), and each pair it adds
is explained again from the reception loads: A's reception point had no room for A on B's day,
even with B's room freed (``literal_explained``; ``literal_unexplained`` counts any other and must
be 0).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import numpy as np

from sabeel.engines.planning._types import Fairness, Household, Instance, Plan, VehicleClass, Violation

_CHUNK = 512


def check(instance: Instance, plan: Plan) -> list[Violation]:
    """Every way ``plan`` breaks the instance's hard constraints or the zero-inversion rule."""
    out: list[Violation] = []
    households: dict[str, Household] = {}
    for each in instance.households:
        if each.id in households:
            out.append(Violation("duplicate_household", f"household {each.id} appears twice in the instance", each.id))
        households[each.id] = each
    crossings = {c.id: c for c in instance.crossings}
    departures = {p.id: p for p in instance.departures}
    destinations = {s.id: s for s in instance.destinations}
    seen: set[str] = set()
    cross_load: Counter[tuple[str, dt.date]] = Counter()
    seat_load: Counter[tuple[str, VehicleClass, dt.date]] = Counter()
    rec_load: Counter[tuple[str, dt.date]] = Counter()
    for p in plan.placements:
        h = households.get(p.household_id)
        if h is None:
            out.append(Violation("unknown_household", f"{p.household_id} is not in the instance", p.household_id))
            continue
        if p.household_id in seen:
            out.append(Violation("placed_twice", f"{h.id} is placed more than once (a family is never split)", h.id))
            continue
        seen.add(h.id)
        if not instance.start <= p.date <= instance.end:
            out.append(Violation("outside_horizon", f"{h.id} travels on {p.date}, outside the horizon", h.id))
        if not (h.earliest <= p.date <= h.latest):
            out.append(Violation("window", f"{h.id} travels on {p.date}, outside its window {h.earliest}..{h.latest}", h.id))
        if not (h.eligible_from <= p.date <= h.eligible_until):
            out.append(Violation("eligibility", f"{h.id} travels on {p.date} while not eligible", h.id))
        if p.departure != h.departure:
            out.append(Violation("departure", f"{h.id} leaves from {p.departure}, not {h.departure}", h.id))
        point = departures.get(p.departure)
        if point is None or p.crossing not in {cid for cid, _ in point.crossings}:
            out.append(Violation("route", f"{h.id}: {p.departure} does not reach crossing {p.crossing}", h.id))
        crossing = crossings.get(p.crossing)
        if crossing is None:
            out.append(Violation("route", f"{h.id}: unknown crossing {p.crossing}", h.id))
        elif not crossing.is_open(p.date):
            out.append(Violation("crossing_closed", f"{h.id}: {p.crossing} is closed on {p.date}", h.id))
        wanted = VehicleClass.MEDICAL if h.needs_medical_vehicle else VehicleClass.STANDARD
        if p.vehicle != wanted:
            out.append(Violation("vehicle", f"{h.id} needs a {wanted} vehicle, got {p.vehicle}", h.id))
        if h.destination not in destinations:
            out.append(Violation("destination", f"{h.id}: unknown destination {h.destination}", h.id))
        cross_load[p.crossing, p.date] += h.size
        seat_load[p.departure, p.vehicle, p.date] += h.size
        rec_load[h.destination, p.date] += h.size
    for u in plan.unplaced:
        if u.household_id not in households:
            out.append(Violation("unknown_household", f"{u.household_id} is not in the instance", u.household_id))
        elif u.household_id in seen:
            out.append(Violation("placed_and_unplaced", f"{u.household_id} is both placed and unplaced", u.household_id))
        else:
            seen.add(u.household_id)
    for hid in households.keys() - seen:
        out.append(Violation("missing", f"{hid} is neither placed nor explained", hid))
    for (cid, day), load in sorted(cross_load.items()):
        if cid in crossings and load > crossings[cid].capacity:
            out.append(Violation("crossing_capacity", f"{cid} on {day}: {load} persons > {crossings[cid].capacity}"))
    for (pid, vehicle, day), load in sorted(seat_load.items()):
        if pid in departures:
            cap = departures[pid].medical_seats if vehicle == VehicleClass.MEDICAL else departures[pid].seats
            if load > cap:
                out.append(Violation("seat_capacity", f"{pid} {vehicle} seats on {day}: {load} persons > {cap}"))
    for (sid, day), load in sorted(rec_load.items()):
        if sid in destinations and load > destinations[sid].reception:
            out.append(Violation("reception_capacity", f"{sid} on {day}: {load} persons > {destinations[sid].reception}"))
    if not out:
        fair = fairness(instance, plan)
        if fair.inversions:
            out.append(Violation("inversion", f"{fair.inversions} first-come-first-served inversions"))
        if fair.literal_unexplained:
            out.append(
                Violation("literal_unexplained", f"{fair.literal_unexplained} literal inversions not explained by a full reception point")
            )
        if (plan.stats.inversions, plan.stats.comparable_pairs) != (fair.inversions, fair.comparable_pairs):
            out.append(
                Violation(
                    "stats",
                    f"the plan reports {plan.stats.inversions} inversions in {plan.stats.comparable_pairs} pairs; "
                    f"counted {fair.inversions} in {fair.comparable_pairs}",
                )
            )
    return out


def fairness(instance: Instance, plan: Plan) -> Fairness:
    """Inversions and comparable pairs of a plan whose placements are valid (see the module)."""
    start = instance.start.toordinal()
    days = instance.days
    dests = {s.id: i for i, s in enumerate(instance.destinations)}
    placed = {p.household_id: p for p in plan.placements}
    rec_left = np.array([[s.reception] * days for s in instance.destinations], dtype=np.int64).reshape(len(dests), days)
    by_group: dict[tuple[int, str, bool], list[tuple[int, int, int, int, int, int]]] = defaultdict(list)
    for h in instance.households:
        lo = max(h.earliest.toordinal(), h.eligible_from.toordinal(), start) - start
        hi = min(h.latest.toordinal(), h.eligible_until.toordinal(), start + days - 1) - start
        p = placed.get(h.id)
        day = p.date.toordinal() - start if p is not None else days + 1
        dest = dests.get(h.destination, -1)
        if p is not None and dest >= 0:
            rec_left[dest, day] -= h.size
        by_group[h.priority, h.departure, h.needs_medical_vehicle].append(
            (h.consented_on.toordinal(), h.size, lo, hi, day, dest)
        )
    inversions = comparable = strict_inv = strict_cmp = explained = unexplained = 0
    for rows in by_group.values():
        if len(rows) < 2:
            continue
        a = np.array(rows, dtype=np.int64)
        consent, size, lo, hi, day, dest = a.T
        travelled = np.flatnonzero(day <= days - 1)
        for start_b in range(0, len(travelled), _CHUNK):
            b = travelled[start_b : start_b + _CHUNK]
            db = day[b][:, None]
            base = (
                (consent[None, :] < consent[b][:, None])
                & (size[None, :] <= size[b][:, None])
                & (lo[None, :] <= db)
                & (db <= hi[None, :])
            )
            later = day[None, :] > db
            strict_cmp += int(base.sum())
            strict_inv += int((base & later).sum())
            safe_dest = np.maximum(dest, 0)
            room = (rec_left[safe_dest[None, :], np.broadcast_to(db, base.shape)] >= size[None, :]) | (
                dest[None, :] == dest[b][:, None]
            )
            both = base & room & (dest[None, :] >= 0)
            comparable += int(both.sum())
            inversions += int((both & later).sum())
            # each literal-only pair, explained again from the reception loads: A's reception point
            # on B's day, with B's persons taken off when B goes there too, has no room for A
            literal_only = base & later & ~both
            if literal_only.any():
                rows_b, cols_a = np.nonzero(literal_only)
                b_idx = b[rows_b]
                d_b = day[b_idx]
                dest_a = dest[cols_a]
                freed = np.where(dest_a == dest[b_idx], size[b_idx], 0)
                left = np.where(dest_a >= 0, rec_left[np.maximum(dest_a, 0), d_b] + freed, -1)
                no_room = left < size[cols_a]
                explained += int(no_room.sum())
                unexplained += int((~no_room).sum())
    return Fairness(inversions, comparable, strict_inv, strict_cmp, explained, unexplained)

