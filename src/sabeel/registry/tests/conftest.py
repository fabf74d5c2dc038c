from __future__ import annotations

import pytest

from sabeel.registry.tests.factories import gazetteer, household_make


@pytest.fixture
def places(db):  # type: ignore[no-untyped-def]
    gazetteer()


@pytest.fixture
def lebanon_household(cast, places):  # type: ignore[no-untyped-def]
    return household_make(cast, "lb")


@pytest.fixture
def jordan_household(cast, places):  # type: ignore[no-untyped-def]
    return household_make(cast, "jo")
