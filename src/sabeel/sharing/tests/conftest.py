from __future__ import annotations

import pytest


@pytest.fixture
def household(cast):  # type: ignore[no-untyped-def]
    """A Lebanon household of two adults (head and spouse), registered by the registration officer."""
    from sabeel.registry.tests.factories import household_make

    return household_make(cast, "lb")
