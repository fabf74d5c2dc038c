"""The main Lebanon–Syria and Jordan–Syria crossings, written as plain facts, for a fresh machine
without the reference data set. Keys are those of the reference file's ``crossing_id``, so that a
later ``manage.py geo_load DIR`` updates these rows instead of adding twins (it never touches the
opening days and capacity movement officers set). Coordinates are rounded (about 100 m).

``crossings_ensure()`` creates the missing ones (the Syrian unit is the most precise one on file
of the sub-district, district and governorate named) and leaves existing rows alone."""

from __future__ import annotations

from dataclasses import dataclass

from sabeel.geo.choices import CrossingKind
from sabeel.geo.models import AdminUnit, BorderCrossing


@dataclass(frozen=True)
class CrossingFact:
    key: str
    name_en: str
    name_ar: str  # the Syrian side's Arabic name
    neighbour: str  # country key (ISO)
    neighbour_side_en: str
    neighbour_side_ar: str
    syria_keys: tuple[str, ...]  # governorate, district, sub-district p-codes
    neighbour_keys: tuple[str, ...]  # neighbour's first and second level keys
    lat: float
    lon: float


CROSSINGS: tuple[CrossingFact, ...] = (
    CrossingFact(
        "sy-judaydat-yabus-border-crossing", "Judaydat Yabus Border Crossing", "جديدة يابوس", "LB", "Masnaa", "المصنع",
        ("SY03", "SY0307", "SY030701"), ("LB2", "LB25"), 33.66, 35.977,
    ),
    CrossingFact(
        "sy-al-abbudiyah-border-crossing", "Al Abbudiyah Border Crossing", "الدبوسية", "LB", "Aboudiyeh", "العبودية",
        ("SY04", "SY0403", "SY040300"), ("LB7", "LB51"), 34.642, 36.12,
    ),
    CrossingFact(
        "sy-ash-shaykh-jabir-border-crossing", "Ash Shaykh Jabir Border Crossing", "العريضة", "LB", "Arida (El Aarida)", "العريضة",
        ("SY10", "SY1000", "SY100002"), ("LB7", "LB51"), 34.636, 35.976,
    ),
    CrossingFact(
        "sy-riblah-border-crossing", "Riblah Border Crossing", "جوسية", "LB", "Al-Qaa", "القاع",
        ("SY04", "SY0402", "SY040200"), ("LB8", "LB21"), 34.423, 36.544,
    ),
    CrossingFact(
        "sy-nasib-border-crossing", "Nasib Border Crossing", "نصيب", "JO", "Jaber", "جابر",
        ("SY12", "SY1200", "SY120000"), ("Q854871", "Q27126268"), 32.543, 36.202,
    ),
    CrossingFact(
        "sy-dara-border-crossing", "Dara Border Crossing", "درعا", "JO", "Ramtha", "الرمثا",
        ("SY12", "SY1200", "SY120000"), ("Q721441", "Q27125429"), 32.603, 36.081,
    ),
)  # fmt: skip


def crossings_ensure() -> dict[str, BorderCrossing]:
    """The built-in crossings, created where missing (needs the gazetteer's countries and
    governorates); existing rows, from the reference files or set by officers, are kept."""
    keys = {k for c in CROSSINGS for k in (*c.syria_keys, *c.neighbour_keys, c.neighbour)}
    units = AdminUnit.objects.in_bulk(keys, field_name="key")
    found = BorderCrossing.objects.in_bulk([c.key for c in CROSSINGS], field_name="key")
    for fact in CROSSINGS:
        if fact.key in found:
            continue
        syria = next((units[k] for k in reversed(fact.syria_keys) if k in units), None)
        country = units.get(fact.neighbour)
        if syria is None or country is None:
            continue
        neighbour = next((units[k] for k in reversed(fact.neighbour_keys) if k in units), None)
        found[fact.key] = BorderCrossing.objects.create(
            key=fact.key,
            name_en=fact.name_en,
            syria_side_name_ar=fact.name_ar,
            neighbour_side_name_en=fact.neighbour_side_en,
            neighbour_side_name_ar=fact.neighbour_side_ar,
            syria_unit=syria,
            neighbour_country=country,
            neighbour_unit=neighbour,
            kind=CrossingKind.OFFICIAL,
            lat=fact.lat,
            lon=fact.lon,
            coordinates_note="~100 m",
            source="built-in facts (sabeel.movements.crossings)",
        )
    return found
