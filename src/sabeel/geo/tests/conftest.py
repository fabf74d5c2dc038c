from __future__ import annotations

import pytest

from sabeel.core.actors import system
from sabeel.geo import loader
from sabeel.geo.choices import Country, CrossingKind
from sabeel.geo.models import AdminUnit, BorderCrossing


@pytest.fixture
def gazetteer(db):  # type: ignore[no-untyped-def]
    """The built-in gazetteer: countries and the first level of Syria, Lebanon and Jordan."""
    return loader.load_gazetteer(actor=system("test"))


@pytest.fixture
def crossing(gazetteer):  # type: ignore[no-untyped-def]
    """A Syria–Jordan crossing as a file would load it: no opening days, no capacity."""
    return BorderCrossing.objects.create(
        key="sy-test-nasib",
        name_en="Nasib Border Crossing",
        name_ar="معبر نصيب",
        syria_unit=AdminUnit.objects.get(key="SY12"),
        neighbour_country=AdminUnit.objects.get(key=Country.JORDAN),
        neighbour_unit=AdminUnit.objects.get(key="Q854871"),
        kind=CrossingKind.OFFICIAL,
        lat=32.54,
        lon=36.2,
    )


@pytest.fixture
def reference_loaded(db, reference_dir):  # type: ignore[no-untyped-def]
    return loader.geo_load(reference_dir, actor=system("test"))
