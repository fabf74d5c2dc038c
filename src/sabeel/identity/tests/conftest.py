from __future__ import annotations

import pytest

from sabeel.registry.tests.factories import gazetteer, household_make


@pytest.fixture
def places(db):  # type: ignore[no-untyped-def]
    gazetteer()


@pytest.fixture
def household(cast, places):  # type: ignore[no-untyped-def]
    return household_make(cast, "lb")


@pytest.fixture
def engine(settings):  # type: ignore[no-untyped-def]
    """The linkage engine for small test registries: a model is trained from 1,000 records (the
    product's default asks 2,000) on 200,000 random pairs, with one DuckDB thread."""
    settings.IDENTITY_TRAIN_MIN = 1000
    settings.IDENTITY_TRAINING_PAIRS = 200_000
    settings.IDENTITY_THREADS = 1
    return settings
