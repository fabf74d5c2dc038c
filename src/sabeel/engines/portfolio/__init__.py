"""Portfolio optimiser of the joint reconstruction fund: which candidate projects to fund so that
the most intending returnees find the fund's minimum service set (default water, power, health and
primary education) functional in their destination sub-district.

Pure Python (numpy, HiGHS through ``highspy``, OR-Tools' max-flow); never imports Django or the
Sabeel apps. The Django adapter converts projects, balances and earmarks, intentions and the
conditions register into an ``Instance`` and shows the ``Proposal`` to a planner, who approves
commitments: nothing here commits money.

    proposal = propose(instance)             # the MIP in a child killed at its time limit
    baseline = greedy(instance)              # returnees per dollar, the benchmark's baseline
    problems = check(instance, proposal)     # [] when balances, earmarks, dependencies, capacity hold

``_prepare`` validates and indexes, ``_flow`` assigns money to accounts (a max-flow from the
(sector, governorate) classes to the accounts whose earmarks allow them), ``_greedy`` is the
baseline, ``_mip`` the model and its child process, ``_explain`` the per-project reasons,
``_check`` the independent checker. ``synth`` is the benchmark's frozen generator.

Tests: ``.venv/bin/python -m pytest src/sabeel/engines/portfolio -q``. Measured by
``bench/fund_portfolio.py``.
"""

from sabeel.engines.portfolio._api import greedy, propose
from sabeel.engines.portfolio._check import check
from sabeel.engines.portfolio._types import (
    DEFAULT_MINIMUM_SERVICES,
    Account,
    Capacity,
    Explanation,
    Funding,
    Instance,
    PortfolioSettings,
    Project,
    Proposal,
    Reason,
    Sector,
    SubDistrict,
)

__all__ = [
    "DEFAULT_MINIMUM_SERVICES",
    "Account",
    "Capacity",
    "Explanation",
    "Funding",
    "Instance",
    "PortfolioSettings",
    "Project",
    "Proposal",
    "Reason",
    "Sector",
    "SubDistrict",
    "check",
    "greedy",
    "propose",
]
