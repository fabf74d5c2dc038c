"""Generated other-script readings of the names officers type.

A household registered with Arabic names only has no Latin reading, and one registered in Latin
transliteration has no Arabic one, so a search or a duplicate check in the other script would
miss it. Every save of a person's names therefore stores, in ``Individual.generated_names``, the
other-script reading of each name field the officer left empty whose counterpart in the other
script was typed (``first_name_ar`` typed, ``first_name_lat`` empty → ``{"first_name_lat": …}``).
The reading comes from the name model (``engines.text.other_script_reading``); this module only
decides which fields get one and caches it per distinct (part, spelling), so a bulk load of a
million people asks the name model a few thousand times.

Generated readings are never typed names: they are not written into the name fields, not recorded
in the version history as an officer's change, and every page, search hit and API answer that
shows them marks them as generated (``GENERATED_LABEL``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy

from sabeel.engines.text import PARTS, Part, PersonName, Script, detect_script, other_script_reading
from sabeel.registry.fieldgroups import NAME_FIELDS

__all__ = [
    "GENERATED_LABEL",
    "generated_readings",
    "person_readings",
    "with_generated",
]

GENERATED_LABEL = gettext_lazy("generated reading — not typed by an officer")
_SUFFIXES = {"_ar": Script.ARABIC, "_lat": Script.LATIN}
_OTHER = {"_ar": "_lat", "_lat": "_ar"}


@lru_cache(maxsize=1 << 17)
def _part_reading(role: Part, value: str, target: Script) -> str:
    """The other-script reading of one name part (its role kept), or "" when the name model
    gives none or gives one that is not in the ``target`` script."""
    reading = other_script_reading(PersonName(**{role.value: value}))  # type: ignore[arg-type]
    if reading is None:
        return ""
    text = " ".join(reading.part(role).split())
    return text if text and detect_script(text) is target else ""


def generated_readings(fields: Mapping[str, Any]) -> dict[str, str]:
    """The generated names of one person from the values of the eight name fields (missing or
    empty fields are fine): a value for each empty field whose other-script counterpart is typed,
    never for a typed field. Pure and cached per distinct part."""
    out: dict[str, str] = {}
    for suffix, target in _SUFFIXES.items():
        for role in PARTS:
            name = f"{role.value}_name{suffix}"
            if str(fields.get(name) or "").strip():
                continue  # typed by the officer: never overwritten
            typed = " ".join(str(fields.get(f"{role.value}_name{_OTHER[suffix]}") or "").split())
            if typed:
                reading = _part_reading(role, typed, target)
                if reading:
                    out[name] = reading
    return out


def with_generated(fields: Mapping[str, Any], generated: Mapping[str, Any] | None) -> dict[str, str]:
    """The eight name fields with the generated readings filling the empty ones (for the search
    index and the name model; never for display as typed names)."""
    merged = {name: str(fields.get(name) or "") for name in NAME_FIELDS}
    for name, value in (generated or {}).items():
        if name in merged and not merged[name].strip() and isinstance(value, str):
            merged[name] = value
    return merged


def person_readings(fields: Mapping[str, Any], generated: Mapping[str, Any] | None) -> tuple[PersonName, ...]:
    """A person's readings for the name model: one per script, the generated parts filling the
    parts the officer left empty (such a reading is marked ``generated``)."""
    merged = with_generated(fields, generated)
    readings = []
    for suffix in _SUFFIXES:
        has_generated = any(name.endswith(suffix) for name in (generated or {}) if name in merged)
        name = PersonName.from_fields(merged, suffix, generated=has_generated)
        if name.parts():
            readings.append(name)
    return tuple(readings)
