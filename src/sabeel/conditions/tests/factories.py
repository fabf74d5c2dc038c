"""Places and register entries for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabeel.conditions.models import AreaCondition
from sabeel.geo.choices import Country, KeyKind, Level
from sabeel.geo.models import AdminUnit

# (key, parent key, level, English name, Arabic name)
BELOW_GOVERNORATES = (
    ("SY0200", "SY02", Level.ADMIN2, "Jebel Saman", "جبل سمعان"),
    ("SY020000", "SY0200", Level.ADMIN3, "Jebel Saman", "جبل سمعان"),
    ("SY020100", "SY0200", Level.ADMIN3, "Tall Ad-daman", "تل الضمان"),
    ("SY0400", "SY04", Level.ADMIN2, "Homs", "حمص"),
)


def places_load() -> dict[str, AdminUnit]:
    from sabeel.core.actors import system
    from sabeel.geo.loader import load_gazetteer

    if not AdminUnit.objects.filter(key="SY02").exists():
        load_gazetteer(actor=system("test"))
    for key, parent, level, name_en, name_ar in BELOW_GOVERNORATES:
        AdminUnit.objects.get_or_create(
            key=key,
            defaults={
                "key_kind": KeyKind.PCODE,
                "country": Country.SYRIA,
                "level": level,
                "parent": AdminUnit.objects.get(key=parent),
                "name_en": name_en,
                "name_ar": name_ar,
            },
        )
    return {u.key: u for u in AdminUnit.objects.filter(country=Country.SYRIA).select_related("parent__parent__parent")}


def entry(unit: AdminUnit, threshold: str = "safety", *, as_of: dt.date, **values: Any) -> AreaCondition:
    """A register entry written directly (the service's checks are tested on their own)."""
    defaults: dict[str, Any] = {
        "status": "partly_met",
        "text_en": f"{threshold} in {unit.name_en}",
        "text_ar": f"{threshold} في {unit.name_ar}",
        "source": "Protection monitoring report",
    }
    return AreaCondition.objects.create(admin_unit=unit, threshold=threshold, as_of=as_of, **{**defaults, **values})
