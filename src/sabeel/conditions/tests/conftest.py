from __future__ import annotations

import pytest

from sabeel.conditions.tests.factories import places_load


@pytest.fixture
def places(db):  # type: ignore[no-untyped-def]
    """Syria's governorates (the gazetteer) and, under Aleppo, the Jebel Saman district and
    sub-district, as the full geography would load them."""
    return places_load()
