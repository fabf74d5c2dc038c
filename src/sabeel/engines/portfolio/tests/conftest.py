"""Small hand-made instances for the portfolio engine (no database)."""

from __future__ import annotations

from sabeel.engines.portfolio import Account, Instance, Project, SubDistrict

BASIC = frozenset({"water", "health"})  # a two-service minimum set keeps the hand checks short


def place(pcode: str, returnees: int, gov: str = "SY01", functional: frozenset[str] = frozenset()) -> SubDistrict:
    return SubDistrict(pcode, gov, returnees, functional)


def greedy_trap() -> Instance:
    """X: 1,000 returnees for 100 USD (10 per dollar); Y: 1,800 for 200 (9); Z: 1,700 for 200 (8.5).
    400 USD: greedy takes X and Y (2,800); the optimum is Y and Z (3,500)."""
    projects = []
    for pcode, half in (("X", 50), ("Y", 100), ("Z", 100)):
        projects.append(Project(f"{pcode}-water", "water", pcode, half, "ngo"))
        projects.append(Project(f"{pcode}-health", "health", pcode, half, "ngo"))
    return Instance(
        projects=tuple(projects),
        subdistricts=(place("X", 1_000), place("Y", 1_800), place("Z", 1_700)),
        accounts=(Account("general", 400),),
        minimum_services=BASIC,
    )
