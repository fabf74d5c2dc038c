"""``PersonRecord``s from ``engines.synth`` households, for the engine's tests and the benchmark.

Registry-style fields map onto the record as the identity app maps the registry: one reading per
script that has names (Arabic, Latin), the date of birth only to its recorded precision (a
year-only date has no month or day), the head's readings, the household's size and origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sabeel.engines.linkage._types import PersonRecord
from sabeel.engines.synth import (
    AdminUnitRef,
    OverlapConfig,
    SynthConfig,
    SynthHousehold,
    SynthPerson,
    generate_households,
    iter_overlapping_list,
)
from sabeel.engines.text import PersonName, other_script_reading

_NAME_FIELDS = tuple(f"{part}_name{suffix}" for suffix in ("_ar", "_lat") for part in ("first", "father", "grandfather", "family"))


def readings(person: SynthPerson, *, generate: bool = True) -> tuple[PersonName, ...]:
    """The typed readings (Arabic, Latin) and, as the platform stores it for a person registered in
    one script only, the generated reading in the other script (``generate=False``: typed only)."""
    fields = {name: getattr(person, name) for name in _NAME_FIELDS}
    names = tuple(name for name in (PersonName.from_fields(fields, "_ar"), PersonName.from_fields(fields, "_lat")) if name.parts())
    if generate and len(names) == 1:
        other = other_script_reading(names[0])
        if other is not None:
            names = (*names, other)
    return names


def person_record(household: SynthHousehold, person: SynthPerson, source: str = "", *, generate: bool = True) -> PersonRecord:
    year = month = day = None
    if person.birth_date is not None:
        year = person.birth_date.year
        if person.birth_date_precision in ("day", "month"):
            month = person.birth_date.month
        if person.birth_date_precision == "day":
            day = person.birth_date.day
    return PersonRecord(
        record_id=person.person_id,
        names=readings(person, generate=generate),
        sex=person.sex,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        household_id=household.household_id,
        household_size=household.size,
        head_names=readings(household.head, generate=generate),
        origin=household.origin_code,
        source=source,
    )


def person_records(households: Iterable[SynthHousehold], source: str = "", *, generate: bool = True) -> Iterator[PersonRecord]:
    for household in households:
        for person in household.members:
            yield person_record(household, person, source, generate=generate)


# A small gazetteer for synthetic lists (real OCHA p-codes; populations as weights): a few Syrian
# governorates with districts and sub-districts, and Lebanon's governorates as host places.
_SYRIA: tuple[AdminUnitRef, ...] = (
    AdminUnitRef("SY01", 1, None, 1_552_161),
    AdminUnitRef("SY02", 1, None, 4_045_166),
    AdminUnitRef("SY04", 1, None, 1_529_402),
    AdminUnitRef("SY12", 1, None, 843_478),
    AdminUnitRef("SY0200", 2, "SY02", 2_490_751),
    AdminUnitRef("SY0202", 2, "SY02", 292_713),
    AdminUnitRef("SY0401", 2, "SY04", 1_035_055),
    AdminUnitRef("SY1200", 2, "SY12", 428_681),
    AdminUnitRef("SY020000", 3, "SY0200", 2_181_061),
    AdminUnitRef("SY020001", 3, "SY0200", 76_873),
    AdminUnitRef("SY040100", 3, "SY0401", 750_501),
    AdminUnitRef("SY040101", 3, "SY0401", 71_503),
    AdminUnitRef("SY120000", 3, "SY1200", 146_481),
    AdminUnitRef("SY120001", 3, "SY1200", 33_839),
)
_LEBANON: tuple[AdminUnitRef, ...] = tuple(
    AdminUnitRef(code, 1, None, weight)
    for code, weight in (("LB1", 3), ("LB2", 20), ("LB3", 25), ("LB4", 5), ("LB5", 15), ("LB6", 8), ("LB7", 12), ("LB8", 12))
)
# The tuning styles of the issue (English, French, Turkish); any style of ``LATIN_STYLES`` may be passed.
STYLE_SHARES: tuple[tuple[str, float], ...] = (("english", 0.4), ("french", 0.3), ("turkish", 0.3))


@dataclass(frozen=True)
class SyntheticLists:
    """A first agency's list, a second agency's list that re-registers some of its households (in
    one script only, another Latin style), and the true pairs (first id, second id)."""

    first: tuple[PersonRecord, ...]
    second: tuple[PersonRecord, ...]
    truth: frozenset[tuple[str, str]]

    @property
    def records(self) -> tuple[PersonRecord, ...]:
        """Both lists as one registry (for ``deduplicate``)."""
        return (*self.first, *self.second)


def synthetic_config(households: int, *, seed: int, styles: tuple[tuple[str, float], ...] = STYLE_SHARES) -> SynthConfig:
    """The first agency's households: both scripts for most, one script only for 40%."""
    return SynthConfig(
        seed=seed,
        host_country="LBN",
        households=households,
        syria_units=_SYRIA,
        host_units=_LEBANON,
        latin_styles=styles,
        arabic_only_rate=0.2,
        latin_only_rate=0.2,
    )


def synthetic_lists(
    households: int,
    *,
    seed: int,
    duplicate_share: float = 0.3,
    styles: tuple[tuple[str, float], ...] = STYLE_SHARES,
    second_styles: tuple[tuple[str, float], ...] | None = None,
    generate: bool = True,
) -> SyntheticLists:
    """``households`` households of a first agency and a second agency's list in which
    ``duplicate_share`` of them are registered again in Arabic only or Latin only (half each), in a
    Latin style drawn from ``second_styles`` (default ``styles``), with the generator's usual respellings, typos, swaps and
    coarser birth dates, plus new households (0.3 per first household). ``generate``: add the
    generated other-script reading to one-script records, as the platform stores it."""
    config = synthetic_config(households, seed=seed, styles=styles)
    first = list(generate_households(config))
    overlap = OverlapConfig(
        seed=seed + 1,
        duplicate_share=duplicate_share,
        latin_styles=second_styles or styles,
        arabic_only_rate=0.5,
        latin_only_rate=0.5,
    )
    second: list[SynthHousehold] = []
    truth: set[tuple[str, str]] = set()
    for household, part in iter_overlapping_list(first, config=config, overlap=overlap):
        second.append(household)
        truth.update((pair.left_id, pair.right_id) for pair in part.person_pairs)
    return SyntheticLists(
        first=tuple(person_records(first, "first", generate=generate)),
        second=tuple(person_records(second, "second", generate=generate)),
        truth=frozenset(truth),
    )
