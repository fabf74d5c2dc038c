"""Input the optimiser refuses with a clear ValueError."""

from __future__ import annotations

import pytest

from sabeel.engines.portfolio import Account, Capacity, Instance, Project, greedy, propose
from sabeel.engines.portfolio.tests.conftest import place


def make(*projects: Project, **kwargs: object) -> Instance:
    return Instance(projects=projects, subdistricts=(place("A", 10),), accounts=(Account("g", 100),), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        (make(Project("P", "water", "A", -5)), "negative cost"),
        (make(Project("P", "water", "A", 5, requires=("Q",))), "unknown project 'Q'"),
        (make(Project("P", "water", "Nowhere", 5)), "unknown sub-district"),
        (make(Project("P", "water", "A", 5), Project("P", "power", "A", 5)), "listed twice"),
        (make(Project("P", "water", "A", 5, requires=("P",))), "dependency cycle: P -> P"),
        (make(Project("P", "water", "A", 5, requires=("Q",)), Project("Q", "power", "A", 5, requires=("R",)),
              Project("R", "health", "A", 5, requires=("P",))), "dependency cycle: P -> Q -> R -> P"),
        (make(Project("P", "water", "A", 5), capacities=(Capacity("x", max_projects=-1),)), "negative capacity"),
        (Instance((), (place("A", 1),), (Account("g", -1),)), "negative balance"),
        (Instance((), (place("A", -1),), ()), "negative number of returnees"),
    ],
)
def test_bad_input_is_a_value_error(instance: Instance, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        propose(instance)
    with pytest.raises(ValueError, match=message):
        greedy(instance)
