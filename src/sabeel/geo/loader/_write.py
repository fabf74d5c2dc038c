"""Writing a checked set: by key, level by level, only what changed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sabeel.geo.choices import Level
from sabeel.geo.loader._rows import GAZETTEER_SOURCE, LoadReport, ReferenceSet
from sabeel.geo.models import AdminUnit, AdminUnitName, BorderCrossing

_UNIT_FIELDS = ("key_kind", "country", "level", "name_en", "name_ar", "iso_code", "wikidata", "lat", "lon", "note")
_CROSSING_FIELDS = (
    "name_en", "name_ar", "syria_side_name_ar", "neighbour_side_name_en", "neighbour_side_name_ar", "kind",
    "kind_note", "lat", "lon", "coordinates_note",
)  # fmt: skip


def _provided(value: Any) -> bool:
    return value is not None and value != ""


def _merge(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set the provided (non-empty) values that differ; return the changed field names."""
    changed = []
    for name, value in values.items():
        if _provided(value) and getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _write_units(ref: ReferenceSet, report: LoadReport) -> dict[str, AdminUnit]:
    units = AdminUnit.objects.in_bulk([r.key for r in ref.units], field_name="key")
    now = timezone.now()
    for level in Level:
        new: list[AdminUnit] = []
        dirty: dict[str, AdminUnit] = {}
        changed_fields: set[str] = set()
        for row in (r for r in ref.units if r.level == level):
            values: dict[str, Any] = {name: getattr(row, name) for name in _UNIT_FIELDS}
            parent = units[row.parent_key] if row.parent_key else None
            unit = units.get(row.key)
            if unit is None:
                unit = AdminUnit(key=row.key, parent=parent, source=row.source, **values)
                units[row.key] = unit
                new.append(unit)
                continue
            if row.source == GAZETTEER_SOURCE and unit.source != GAZETTEER_SOURCE:
                report.units_unchanged += 1  # the gazetteer never overwrites what a file loaded
                continue
            changed = _merge(unit, {**values, "source": row.source})
            if parent is not None and unit.parent_id != parent.pk:
                unit.parent = parent
                changed.append("parent")
            if changed:
                dirty[row.key] = unit
                changed_fields.update(changed)
            else:
                report.units_unchanged += 1
        AdminUnit.objects.bulk_create(new, batch_size=500)
        report.units_created += len(new)
        if dirty:
            for unit in dirty.values():
                unit.updated_at = now
            AdminUnit.objects.bulk_update(list(dirty.values()), [*sorted(changed_fields), "updated_at"], batch_size=500)
            report.units_updated += len(dirty)
    return units


def _write_names(ref: ReferenceSet, units: dict[str, AdminUnit], report: LoadReport) -> None:
    existing = {
        (n.unit_id, n.name, n.lang): n for n in AdminUnitName.objects.filter(unit__in=[u.pk for u in units.values()])
    }
    new: dict[tuple[int, str, str], AdminUnitName] = {}
    dirty: dict[int, AdminUnitName] = {}
    seen: set[tuple[int, str, str]] = set()
    now = timezone.now()
    for row in ref.names:
        unit = units[row.unit_key]
        ident = (unit.pk, row.name, row.lang)
        if ident in seen:
            continue  # the same name twice in the set (a primary name also listed as an alias)
        seen.add(ident)
        current = existing.get(ident)
        if current is None:
            new[ident] = AdminUnitName(unit=unit, name=row.name, lang=row.lang, name_type=row.name_type)
        elif current.name_type != row.name_type and not (row.source == GAZETTEER_SOURCE and unit.source != GAZETTEER_SOURCE):
            current.name_type = row.name_type
            current.updated_at = now
            dirty[current.pk] = current
        else:
            report.aliases_unchanged += 1
    AdminUnitName.objects.bulk_create(list(new.values()), batch_size=1000)
    AdminUnitName.objects.bulk_update(list(dirty.values()), ["name_type", "updated_at"], batch_size=1000)
    report.aliases_created += len(new)
    report.aliases_updated += len(dirty)


def _write_crossings(ref: ReferenceSet, units: dict[str, AdminUnit], report: LoadReport) -> None:
    keys = [c.key for c in ref.crossings]
    crossings = BorderCrossing.objects.in_bulk(keys, field_name="key")
    lookup = {**units, **AdminUnit.objects.in_bulk({k for c in ref.crossings for k in c.neighbour_keys + c.syria_keys} - units.keys(), field_name="key")}
    for row in ref.crossings:
        values: dict[str, Any] = {name: getattr(row, name) for name in _CROSSING_FIELDS}
        syria_unit = lookup[row.syria_keys[-1]]
        neighbour_country = lookup[row.neighbour_country_key]
        neighbour_unit = lookup[row.neighbour_keys[-1]] if row.neighbour_keys else None
        crossing = crossings.get(row.key)
        if crossing is None:
            BorderCrossing.objects.create(
                key=row.key, syria_unit=syria_unit, neighbour_country=neighbour_country, neighbour_unit=neighbour_unit,
                source=row.source, **values,
            )  # fmt: skip
            report.crossings_created += 1
            continue
        changed = _merge(crossing, {**values, "source": row.source})
        for name, unit in (("syria_unit", syria_unit), ("neighbour_country", neighbour_country), ("neighbour_unit", neighbour_unit)):
            if unit is not None and getattr(crossing, f"{name}_id") != unit.pk:
                setattr(crossing, name, unit)
                changed.append(name)
        if changed:
            crossing.save(update_fields=[*changed, "updated_at"])
            report.crossings_updated += 1
        else:
            report.crossings_unchanged += 1


def _write_boundaries(ref: ReferenceSet, units: dict[str, AdminUnit], report: LoadReport) -> None:
    """Store each polygon on its unit (matched by key); a polygon of an unknown unit is counted."""
    lookup = {**units, **AdminUnit.objects.in_bulk({b.key for b in ref.boundaries} - units.keys(), field_name="key")}
    now = timezone.now()
    dirty: list[AdminUnit] = []
    report.boundaries_unmatched += len(ref.unmatched_polygons)
    for row in ref.boundaries:
        unit = lookup.get(row.key)
        if unit is None:
            report.boundaries_unmatched += 1
            continue
        if unit.boundary == row.geometry and unit.boundary_source == row.source:
            report.boundaries_unchanged += 1
            continue
        unit.boundary, unit.boundary_source, unit.updated_at = row.geometry, row.source, now
        dirty.append(unit)
    AdminUnit.objects.bulk_update(dirty, ["boundary", "boundary_source", "updated_at"], batch_size=200)
    report.boundaries_stored += len(dirty)


def write_reference_set(ref: ReferenceSet, report: LoadReport) -> LoadReport:
    units = _write_units(ref, report)
    _write_names(ref, units, report)
    _write_crossings(ref, units, report)
    _write_boundaries(ref, units, report)
    report.files, report.absent, report.not_stored = ref.files, ref.absent, ref.not_stored
    return report
