"""The benchmark's frozen generator of portfolio instances (committed with both seeds before any
tuning of the optimiser; ``HELD_BACK_SEED`` is never used for tuning).

272 sub-districts in 14 governorates (p-codes ``SYgg`` and ``SYggdddd``); intending returnees per
sub-district log-normal; each minimum service already functional with probability 0.35 (power
0.25); candidate projects spread over the sub-districts (log-normal weights), 55 % in the four
minimum-service sectors; log-normal costs by sector, scaled by the sub-district's size; a health
project requires a power project of its sub-district with probability 0.5 and an education project
a water project with probability 0.3 (when there is one); 40 implementers, one in four limited to
a number of projects and one in eight to a budget; the balance is 30 % of the total candidate
cost, 45 % of it unearmarked, the rest earmarked by sector, by governorate, or both."""

from __future__ import annotations

import math
import random

from sabeel.engines.portfolio._types import (
    DEFAULT_MINIMUM_SERVICES,
    Account,
    Capacity,
    Instance,
    Project,
    Sector,
    SubDistrict,
)

TUNING_SEED = 12_031
HELD_BACK_SEED = 77_459
SUBDISTRICTS = 272
GOVERNORATES = 14
BUDGET_SHARE = 0.30

SECTOR_SHARES = (
    (Sector.WATER, 0.15),
    (Sector.POWER, 0.12),
    (Sector.HEALTH, 0.12),
    (Sector.EDUCATION, 0.16),
    (Sector.HOUSING_REPAIR, 0.25),
    (Sector.ROADS, 0.12),
    (Sector.CIVIL_DOCUMENTATION, 0.08),
)
MEDIAN_COST = {
    Sector.WATER: 320_000,
    Sector.POWER: 480_000,
    Sector.HEALTH: 260_000,
    Sector.EDUCATION: 190_000,
    Sector.HOUSING_REPAIR: 210_000,
    Sector.ROADS: 600_000,
    Sector.CIVIL_DOCUMENTATION: 70_000,
}
FUNCTIONAL = {Sector.WATER: 0.35, Sector.POWER: 0.25, Sector.HEALTH: 0.35, Sector.EDUCATION: 0.35}


def instance(projects: int, seed: int = TUNING_SEED, subdistricts: int = SUBDISTRICTS) -> Instance:
    """A reproducible instance of ``projects`` candidates across ``subdistricts`` sub-districts."""
    rng = random.Random(seed)
    sds: list[SubDistrict] = []
    size: dict[str, float] = {}
    for k in range(subdistricts):
        gov = f"SY{1 + k % GOVERNORATES:02d}"
        pcode = f"{gov}{k:04d}"
        returnees = int(rng.lognormvariate(math.log(2_500), 1.0))
        functional = frozenset(s for s, p in FUNCTIONAL.items() if rng.random() < p)
        sds.append(SubDistrict(pcode, gov, returnees, functional))
        size[pcode] = (returnees / 2_500) ** 0.3
    weights = [rng.lognormvariate(0.0, 0.7) for _ in sds]
    sectors = [s for s, _ in SECTOR_SHARES]
    shares = [w for _, w in SECTOR_SHARES]
    implementers = [f"IMP{k:02d}" for k in range(40)]
    out: list[Project] = []
    by_place: dict[tuple[str, str], list[str]] = {}
    for n in range(projects):
        sd = rng.choices(sds, weights=weights)[0]
        sector = rng.choices(sectors, weights=shares)[0]
        cost = int(MEDIAN_COST[sector] * size[sd.pcode] * rng.lognormvariate(0.0, 0.5)) // 100 * 100
        pid = f"P{n:05d}"
        requires: tuple[str, ...] = ()
        if sector == Sector.HEALTH and by_place.get((sd.pcode, Sector.POWER)) and rng.random() < 0.5:
            requires = (rng.choice(by_place[(sd.pcode, Sector.POWER)]),)
        elif sector == Sector.EDUCATION and by_place.get((sd.pcode, Sector.WATER)) and rng.random() < 0.3:
            requires = (rng.choice(by_place[(sd.pcode, Sector.WATER)]),)
        # implementers work in a few governorates each
        gov_index = int(sd.governorate[2:]) - 1
        implementer = implementers[(gov_index * 3 + rng.randrange(6)) % len(implementers)]
        out.append(Project(pid, sector, sd.pcode, max(cost, 1_000), implementer, requires))
        by_place.setdefault((sd.pcode, sector), []).append(pid)
    total = sum(p.cost_usd for p in out)
    budget = int(total * BUDGET_SHARE)
    governorates = sorted({sd.governorate for sd in sds})
    accounts = [Account("ACC-GENERAL", int(budget * 0.45))]
    earmarked = budget - accounts[0].balance_usd
    specs: list[tuple[frozenset[str], frozenset[str], float]] = [
        (frozenset({Sector.WATER}), frozenset(), 0.10),
        (frozenset({Sector.HEALTH}), frozenset(), 0.08),
        (frozenset({Sector.EDUCATION}), frozenset(), 0.06),
        (frozenset({Sector.HOUSING_REPAIR}), frozenset(), 0.12),
        (frozenset({Sector.WATER}), frozenset({"SY02"}), 0.08),  # water in Aleppo
        (frozenset({Sector.POWER, Sector.WATER}), frozenset({"SY07", "SY09"}), 0.08),
        (frozenset(), frozenset({"SY04"}), 0.10),
        (frozenset(), frozenset({"SY02", "SY07"}), 0.12),
        (frozenset({Sector.ROADS}), frozenset(), 0.08),
        (frozenset(), frozenset(rng.sample(governorates, 4)), 0.10),
        (frozenset({Sector.HEALTH, Sector.EDUCATION}), frozenset(rng.sample(governorates, 5)), 0.08),
    ]
    for k, (secs, govs, share) in enumerate(specs):
        accounts.append(Account(f"ACC-E{k:02d}", int(earmarked * share), secs, govs))
    per_implementer = projects / len(implementers)
    capacities = []
    for k, who in enumerate(implementers):
        if k % 4 == 0:
            capacities.append(Capacity(who, max_projects=max(2, int(per_implementer * 0.05))))
        elif k % 8 == 1:
            capacities.append(Capacity(who, max_budget_usd=int(total / len(implementers) * 0.04)))
    return Instance(tuple(out), tuple(sds), tuple(accounts), tuple(capacities), DEFAULT_MINIMUM_SERVICES)
