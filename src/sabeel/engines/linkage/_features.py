"""From a ``PersonRecord`` to the row Splink compares: features computed once, in Python, per record.

Names are turned into script-independent strings here, with the name model of ``engines.text``
(``common_form``), so that the SQL Splink runs only ever compares plain strings with functions both
backends have (equality, Jaro-Winkler): an Arabic-script record and a French- or Turkish-style
Latin record of the same person meet on the same columns, and DuckDB and Spark see identical input.

Per name part two columns: ``<part>`` is the common form of the preferred reading (the first
officer-typed reading in Arabic script, else the first typed reading, else a generated one), and
``<part>_alt`` the common form of another reading when it differs (``None`` when every reading
agrees). The comparisons take the best of the combinations, so "best across the record's readings,
either script" holds for up to two distinct forms a part (a third is rare and dropped).

A common form is deliberately coarse (it must absorb every transliteration), so two different
names can share one (نور and نورة). ``<part>_ar`` keeps the normalised Arabic spelling (typed, else
generated) so that a comparison can tell "same name" from "same common form, different Arabic
spelling" when both sides have Arabic script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import pyarrow as pa

from sabeel.engines.linkage._types import PersonRecord
from sabeel.engines.text import PARTS, PersonName, common_form, normalise_arabic

NAME_COLUMNS: tuple[str, ...] = tuple(part.value for part in PARTS)
COLUMNS: tuple[str, ...] = (
    "unique_id",
    "source_dataset",
    *(column for part in NAME_COLUMNS for column in (part, f"{part}_alt", f"{part}_ar")),
    "ar_typed",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "head",
    "household_size",
    "origin",
    "origin_governorate",
    "household_key",
)
SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("source_dataset", pa.string()),
        *((column, pa.string()) for part in NAME_COLUMNS for column in (part, f"{part}_alt", f"{part}_ar")),
        ("ar_typed", pa.bool_()),
        ("sex", pa.string()),
        ("birth_year", pa.int32()),
        ("birth_month", pa.int32()),
        ("birth_day", pa.int32()),
        ("head", pa.string()),
        ("household_size", pa.int32()),
        ("origin", pa.string()),
        ("origin_governorate", pa.string()),
        ("household_key", pa.string()),
    ]
)


UNKNOWN_ORIGIN = "-"


@lru_cache(maxsize=200_000)
def _form(word: str) -> str:
    """The name model's common form of one part (cached: names repeat a great deal)."""
    return common_form(word)


@lru_cache(maxsize=200_000)
def _arabic(word: str) -> str:
    return normalise_arabic(word)


def birth_date(record: PersonRecord) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) with what was not really recorded as None: a month without a year is
    dropped, a day without a month too, and a registered "1 January" counts as year-only (it is
    what registration systems write when only the year is known)."""
    year, month, day = record.birth_year, record.birth_month, record.birth_day
    if year is None:
        return None, None, None
    if month is None:
        return year, None, None
    if month == 1 and day == 1:
        return year, None, None
    return year, month, day


_PART_NAMES: tuple[str, ...] = tuple(part.value for part in PARTS)
# What ``Script.ARABIC`` means for a reading (Arabic letters and no other letters), checked with two
# regular expressions instead of a loop over characters: this runs for every reading of a million.
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_OTHER_LETTER = re.compile("[^\\W\\d_\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def _readings(names: Sequence[PersonName]) -> list[tuple[bool, bool, tuple[str, ...]]]:
    """(is Arabic script, is generated, stripped parts) of each reading, in order of preference
    (as ``_ordered``: typed Arabic, typed other, generated)."""
    out = []
    for name in names:
        values = (name.first.strip(), name.father.strip(), name.grandfather.strip(), name.family.strip())
        text = "".join(values)
        arabic = bool(_ARABIC_LETTER.search(text)) and not _OTHER_LETTER.search(text)
        out.append((name.generated, not arabic, arabic, values))
    out.sort(key=lambda reading: (reading[0], reading[1]))
    return [(arabic, generated, values) for generated, _latin, arabic, values in out]


def _forms(readings: list[tuple[bool, bool, tuple[str, ...]]], i: int) -> tuple[str | None, str | None, str | None]:
    """(preferred form, alternative form, normalised Arabic spelling) of part ``i``."""
    forms: list[str] = []
    spelling: str | None = None
    spelled = False
    for arabic, _generated, values in readings:
        value = values[i]
        if not value:
            continue
        form = _form(value)
        if form and form not in forms:
            forms.append(form)
        if arabic and not spelled:
            spelling, spelled = _arabic(value) or None, True
    if not forms:
        return None, None, spelling
    return forms[0], (forms[1] if len(forms) > 1 else None), spelling


@lru_cache(maxsize=100_000)
def _head(names: tuple[PersonName, ...]) -> str | None:
    """``head_form`` (cached: every member of a household has the same head)."""
    if not names:
        return None
    readings = _readings(names)
    words = [_forms(readings, i)[0] for i in (0, 1, 3)]
    text = " ".join(word for word in words if word)
    return text or None


def feature_row(record: PersonRecord, source: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"unique_id": record.record_id, "source_dataset": source or record.source or "records"}
    readings = _readings(record.names)
    for i, part in enumerate(_PART_NAMES):
        row[part], row[f"{part}_alt"], row[f"{part}_ar"] = _forms(readings, i)
    row["ar_typed"] = any(arabic and not generated for arabic, generated, _values in readings)
    row["sex"] = record.sex if record.sex in ("M", "F") else None
    row["birth_year"], row["birth_month"], row["birth_day"] = birth_date(record)
    row["head"] = _head(tuple(record.head_names))
    row["household_size"] = record.household_size if record.household_size else None
    row["origin"] = record.origin or None
    # the governorate of a Syrian p-code (SY + two digits), for blocking: a sub-district may be
    # recorded at one agency and only its governorate at another. Without an origin, "-": records
    # of unknown origin still block with each other on first and family name (a NULL would take
    # them out of that rule altogether).
    row["origin_governorate"] = record.origin[:4] if len(record.origin) >= 4 else UNKNOWN_ORIGIN
    # The registered household itself (per list): two members of one household share its head,
    # origin and size by construction, which is no evidence that they are one person.
    row["household_key"] = f"{record.source}:{record.household_id}" if record.household_id else None
    return row


def feature_table(records: Iterable[PersonRecord], source: str | None = None) -> pa.Table:
    """The features of ``records`` as an Arrow table (the input both backends register)."""
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    seen: set[str] = set()
    for record in records:
        if record.record_id in seen:
            raise ValueError(f"record id {record.record_id!r} appears twice; record ids must be unique")
        seen.add(record.record_id)
        for name, value in feature_row(record, source).items():
            columns[name].append(value)
    return pa.table(columns, schema=SCHEMA)
