from __future__ import annotations

import pytest

from sabeel.registry.tests.factories import gazetteer


@pytest.fixture
def places(db):  # type: ignore[no-untyped-def]
    gazetteer()
