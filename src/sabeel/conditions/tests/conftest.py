from __future__ import annotations

import pytest

from sabeel.conditions.tests.factories import places_load


@pytest.fixture(autouse=True)
def _routes(settings):  # type: ignore[no-untyped-def]
    """The conditions routes, also before the lead wires them into the project's URLs."""
    settings.ROOT_URLCONF = "sabeel.conditions.tests.urls"


@pytest.fixture
def places(db):  # type: ignore[no-untyped-def]
    """Syria's governorates (the gazetteer) and, under Aleppo, the Jebel Saman district and
    sub-district, as the full geography would load them."""
    return places_load()
