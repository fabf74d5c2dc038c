"""Small synthetic fixtures for the linkage engine (no database): a first agency's 150 households
and a second agency's list that registers 30% of them again in one script only, in English, French
or Turkish style; one model trained on them without labels, shared by the module's tests."""

from __future__ import annotations

import pytest

from sabeel.engines.linkage import LinkageSettings, TrainedModel, train
from sabeel.engines.linkage.testing import SyntheticLists, synthetic_lists

# One DuckDB thread: the machine's cores are shared, and the results must not depend on them.
SETTINGS = LinkageSettings(threads=1)


@pytest.fixture(scope="session")
def lists() -> SyntheticLists:
    return synthetic_lists(150, seed=3)


@pytest.fixture(scope="session")
def model(lists: SyntheticLists) -> TrainedModel:
    return train(lists.records, settings=SETTINGS)


def unordered(pairs: object) -> set[frozenset[str]]:
    return {frozenset((p.left_id, p.right_id)) for p in pairs}  # type: ignore[attr-defined]
