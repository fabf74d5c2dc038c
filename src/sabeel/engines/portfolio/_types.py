"""The portfolio engine's boundary: frozen dataclasses in and out. Money is in whole US dollars
(integers), so that balances and earmarks are checked exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Sector(StrEnum):
    WATER = "water"
    POWER = "power"
    HEALTH = "health"
    EDUCATION = "education"  # primary education
    HOUSING_REPAIR = "housing_repair"
    ROADS = "roads"
    CIVIL_DOCUMENTATION = "civil_documentation"


DEFAULT_MINIMUM_SERVICES: frozenset[str] = frozenset(
    {Sector.WATER, Sector.POWER, Sector.HEALTH, Sector.EDUCATION}
)


@dataclass(frozen=True)
class SubDistrict:
    """A destination sub-district: its p-code, its governorate's p-code, how many intending
    returnees name it as their destination, and the services the conditions register already
    records as functional there."""

    pcode: str
    governorate: str
    returnees: int = 0
    functional: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Project:
    """A candidate project. ``requires`` lists projects that must be funded too, unless the
    required project's service is already functional in its sub-district ("clinic needs power")."""

    project_id: str
    sector: str
    subdistrict: str  # p-code
    cost_usd: int
    implementer: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Account:
    """Money available to commit, by funding account. Earmarks: when ``sectors`` is not empty the
    money funds only those sectors; when ``governorates`` is not empty only projects in those
    governorates (both apply together). An account with neither funds anything."""

    account_id: str
    balance_usd: int
    sectors: frozenset[str] = frozenset()
    governorates: frozenset[str] = frozenset()

    def may_fund(self, sector: str, governorate: str) -> bool:
        return (not self.sectors or sector in self.sectors) and (
            not self.governorates or governorate in self.governorates
        )


@dataclass(frozen=True)
class Capacity:
    """How much one implementer can take on: a number of projects and/or a budget (None: no limit)."""

    implementer: str
    max_projects: int | None = None
    max_budget_usd: int | None = None


@dataclass(frozen=True)
class Instance:
    """Everything the optimiser needs. ``minimum_services`` is the fund's setting: a sub-district's
    returnees count as covered when every one of these services is functional there."""

    projects: tuple[Project, ...]
    subdistricts: tuple[SubDistrict, ...]
    accounts: tuple[Account, ...]
    capacities: tuple[Capacity, ...] = ()
    minimum_services: frozenset[str] = DEFAULT_MINIMUM_SERVICES


@dataclass(frozen=True)
class PortfolioSettings:
    """``time_limit``: seconds for the MIP child, which is killed ``kill_grace`` seconds after it
    (HiGHS has been seen running past its own limit). ``threads``: HiGHS threads (1: the machine's
    cores are shared). ``mip_rel_gap``: the relative gap at which HiGHS stops as optimal."""

    time_limit: float = 30.0
    kill_grace: float = 5.0
    threads: int = 1
    mip_rel_gap: float = 1e-4
    solver: str = "mip"  # "mip" or "greedy"


class Reason(StrEnum):
    CHOSEN = "chosen"
    NO_GAIN = "no gain"
    BUDGET = "budget"
    EARMARK = "earmark"
    DEPENDENCY = "dependency"
    CAPACITY = "capacity"


@dataclass(frozen=True)
class Funding:
    """``amount_usd`` of account ``account_id`` commits to project ``project_id``."""

    account_id: str
    project_id: str
    amount_usd: int


@dataclass(frozen=True)
class Explanation:
    """Why a project is or is not in the proposal. For a chosen project, ``subdistrict`` is the
    sub-district whose minimum service set it helps complete and ``returnees`` the people there."""

    project_id: str
    reason: Reason
    text: str
    subdistrict: str = ""
    returnees: int = 0


@dataclass(frozen=True)
class Proposal:
    """The optimiser's proposal (nothing is committed: a planner reviews it). ``status`` is
    "optimal" (gap within the setting), "feasible" (stopped at the time limit with a solution),
    "timeout" (the child was killed: the greedy proposal is returned), "greedy" or "failed: …".
    ``bound`` is the solver's proven upper bound on returnees covered (None when unknown) and
    ``gap`` = (bound - returnees_covered) / max(bound, 1)."""

    chosen: tuple[str, ...]
    funding: tuple[Funding, ...]
    returnees_covered: int
    covered_subdistricts: tuple[str, ...]
    explanations: tuple[Explanation, ...]
    status: str
    bound: int | None = None
    gap: float | None = None
    seconds: float = 0.0
    greedy_returnees: int | None = None
    notes: tuple[str, ...] = field(default=())
