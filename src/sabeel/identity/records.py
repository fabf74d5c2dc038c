"""From the registry (and from an uploaded list) to the linkage engine's ``PersonRecord``.

A registered person becomes one record with every reading of their name: the officer-typed
Arabic and Latin fields, and the generated other-script reading (``Individual.generated_names``,
marked ``generated``) where the officer left a script empty. Household context comes along: the
household's id, its size (members in the household now), its head's names and the origin
sub-district's p-code. Dates of birth are partial: the precision the officer recorded says whether
the day and the month are known (a registered "1 January" of a year-only date is not a birthday).

The registry is read in batches of ``BATCH_SIZE`` people by id (keyset paging): a million people
never sit in one query's result, and each batch reads its households' context in two queries.

Record ids: ``p<pk>`` for a registered person, ``l<pk>`` for a row of an uploaded list.

Uploaded lists (CSV or the first sheet of an .xlsx, read by ``sabeel.core.tabular``) are read
here too: ``list_columns`` maps the header (English field names with a few common aliases; a
column without ``_ar``/``_lat`` is placed by the script of each cell) and ``list_rows`` turns the
rows into ``ListRecord`` values and a report with one entry per problem (row, column, problem
code; never a cell's value). A row with no name is refused and reported; a row with an
unreadable date, sex or size keeps its names and is reported, the unreadable value left out. No
row is dropped without an entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from sabeel.core import tabular
from sabeel.engines.linkage import PersonRecord
from sabeel.engines.text import PARTS, PersonName, Script, detect_script
from sabeel.registry.choices import DatePrecision, MemberStatus, Relationship
from sabeel.registry.models import Household, Individual

__all__ = [
    "BATCH_SIZE",
    "LIST_PREFIX",
    "MAX_LIST_BYTES",
    "MAX_LIST_CELLS",
    "MAX_LIST_ROWS",
    "NAME_FIELDS",
    "PERSON_PREFIX",
    "ListColumns",
    "ListRow",
    "Table",
    "Unreadable",
    "file_problem",
    "individual_id",
    "list_columns",
    "list_record",
    "list_record_id",
    "list_rows",
    "parse_record_id",
    "person_readings",
    "problem_message",
    "read_table",
    "registry_count",
    "registry_records",
]

BATCH_SIZE = 2000
PERSON_PREFIX = "p"
LIST_PREFIX = "l"
MAX_LIST_BYTES = 10 * 1024 * 1024
MAX_LIST_ROWS = 100_000
MAX_COLUMNS = 200
MAX_LIST_CELLS = 4_000_000  # 100,000 rows of 40 columns
SUFFIXES = ("_ar", "_lat")
NAME_FIELDS: tuple[str, ...] = tuple(f"{part.value}_name{suffix}" for suffix in SUFFIXES for part in PARTS)


def individual_id(pk: int) -> str:
    return f"{PERSON_PREFIX}{pk}"


def list_record_id(pk: int) -> str:
    return f"{LIST_PREFIX}{pk}"


def parse_record_id(record_id: str) -> tuple[str, int]:
    """(``"p"`` or ``"l"``, the primary key) of a record id made here; ``ValueError`` otherwise."""
    prefix, number = record_id[:1], record_id[1:]
    if prefix not in (PERSON_PREFIX, LIST_PREFIX) or not number.isdigit():
        raise ValueError("not a record id of the identity app")
    return prefix, int(number)


def person_readings(fields: Mapping[str, Any], generated: Mapping[str, Any] | None = None) -> tuple[PersonName, ...]:
    """Every reading of one person's name: the officer-typed one of each script, and for a script
    with generated parts, that script's reading with the generated parts filling the empty ones
    (marked ``generated``)."""
    readings: list[PersonName] = []
    generated = {k: v for k, v in (generated or {}).items() if k in NAME_FIELDS and isinstance(v, str) and v.strip()}
    for suffix in SUFFIXES:
        typed = {name: str(fields.get(name) or "").strip() for name in NAME_FIELDS if name.endswith(suffix)}
        extra = {name: value for name, value in generated.items() if name.endswith(suffix) and not typed.get(name)}
        if extra:
            name = PersonName.from_fields({**typed, **extra}, suffix, generated=True)
            typed_name = PersonName.from_fields(typed, suffix)
            if typed_name.parts():
                readings.append(typed_name)
            readings.append(name)
        else:
            name = PersonName.from_fields(typed, suffix)
            if name.parts():
                readings.append(name)
    return tuple(readings)


def _date_parts(value: dt.date | None, precision: str) -> tuple[int | None, int | None, int | None]:
    if value is None or precision == DatePrecision.UNKNOWN:
        return None, None, None
    if precision == DatePrecision.YEAR:
        return value.year, None, None
    if precision == DatePrecision.MONTH:
        return value.year, value.month, None
    return value.year, value.month, value.day


def _has_generated() -> bool:
    return any(f.name == "generated_names" for f in Individual._meta.get_fields())


def _people(group_id: int) -> Any:
    """Members in their household now, less the records merged into another (an active link: the
    survivor stands for both; a pending merge is not yet one)."""
    from sabeel.identity.models import LinkState, PersonLink

    merged = PersonLink.objects.filter(state=LinkState.ACTIVE).values("merged_id")
    return Individual.objects.filter(household__working_group_id=group_id, status=MemberStatus.ACTIVE).exclude(pk__in=merged)


def registry_count(group_id: int) -> int:
    """How many people of the group a registry run compares (members in their household now)."""
    return int(_people(group_id).count())


@dataclass(frozen=True)
class _HouseholdContext:
    size: int | None
    head_names: tuple[PersonName, ...]
    origin: str


def _households(ids: set[int], generated: bool) -> dict[int, _HouseholdContext]:
    from sabeel.identity.links import merged_away  # links reads this module's field names

    rows = (
        Household.objects.filter(pk__in=ids)
        # In people: a record merged into another while the merge is in effect is not a member on its own.
        .annotate(size=Count("members", filter=Q(members__status=MemberStatus.ACTIVE) & ~Q(members__pk__in=merged_away())))
        .values_list("pk", "size", "origin__key")
    )
    head_fields = ["household_id", *NAME_FIELDS, *(["generated_names"] if generated else [])]
    heads: dict[int, tuple[PersonName, ...]] = {}
    for head in (
        Individual.objects.filter(household_id__in=ids, relationship=Relationship.HEAD, status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values(*head_fields)
    ):
        heads.setdefault(head["household_id"], person_readings(head, head.get("generated_names")))
    return {pk: _HouseholdContext(size or None, heads.get(pk, ()), origin or "") for pk, size, origin in rows}


def registry_records(group_id: int, *, batch_size: int = BATCH_SIZE) -> Iterator[PersonRecord]:
    """The group's people (members in their household now) as engine records, in id order,
    read ``batch_size`` at a time."""
    generated = _has_generated()
    fields = ["pk", "household_id", "sex", "date_of_birth", "dob_precision", *NAME_FIELDS]
    if generated:
        fields.append("generated_names")
    last = 0
    while True:
        batch = list(_people(group_id).filter(pk__gt=last).order_by("pk").values(*fields)[:batch_size])
        if not batch:
            return
        last = batch[-1]["pk"]
        context = _households({row["household_id"] for row in batch}, generated)
        for row in batch:
            household = context.get(row["household_id"], _HouseholdContext(None, (), ""))
            year, month, day = _date_parts(row["date_of_birth"], row["dob_precision"])
            yield PersonRecord(
                record_id=individual_id(row["pk"]),
                names=person_readings(row, row.get("generated_names")),
                sex=row["sex"] if row["sex"] in ("M", "F") else "",
                birth_year=year,
                birth_month=month,
                birth_day=day,
                household_id=f"h{row['household_id']}",
                household_size=household.size,
                head_names=household.head_names,
                origin=household.origin,
                source="registry",
            )


_PARTICLES = frozenset({"al", "el", "abu", "abou", "abo", "bin", "ben", "ibn", "abd", "abdel", "abdul", "آل", "أبو", "ابو", "بن", "ابن", "عبد"})


def _head_reading(text: str) -> tuple[PersonName, ...]:
    """A head's name written as one text: first word first, last word family, the words between
    father and grandfather (a particle such as "Al", "Abu" or "عبد" stays with the next word)."""
    words: list[str] = []
    for word in text.split():
        if words and words[-1].casefold().strip("-") in _PARTICLES:
            words[-1] = f"{words[-1]} {word}"  # "El Hariri", "Abu Ali", "عبد الله" are one part
        else:
            words.append(word)
    if not words:
        return ()
    if len(words) == 1:
        return (PersonName(first=words[0]),)
    middle = words[1:-1]
    return (
        PersonName(
            first=words[0],
            father=middle[0] if middle else "",
            grandfather=" ".join(middle[1:]),
            family=words[-1],
        ),
    )


def list_record(row: Any) -> PersonRecord:
    """A ``ListRecord`` (or anything with its fields) as an engine record."""
    fields = {name: getattr(row, name) for name in NAME_FIELDS}
    return PersonRecord(
        record_id=list_record_id(row.pk),
        names=person_readings(fields),
        sex=row.sex if row.sex in ("M", "F") else "",
        birth_year=row.birth_year,
        birth_month=row.birth_month,
        birth_day=row.birth_day,
        household_id=f"x{row.household_ref}" if row.household_ref else "",
        household_size=row.household_size,
        head_names=_head_reading(row.head_name_ar) + _head_reading(row.head_name_lat),
        origin=row.origin,
        source="list",
    )


# --- reading an uploaded list ---------------------------------------------------------------------

# The reader is core's (``sabeel.core.tabular``: encodings, binary files, zip bombs, limits); the
# limits are the list's, read when a file is (tests lower them).
Unreadable = tabular.Unreadable
Table = tabular.Table


def _limits() -> tabular.Limits:
    return tabular.Limits(
        max_bytes=MAX_LIST_BYTES, max_rows=MAX_LIST_ROWS, max_columns=MAX_COLUMNS, max_cells=MAX_LIST_CELLS
    )


def file_problem(content: bytes) -> str | None:
    """What refuses the list before any parsing (size, old Excel, an .xlsx too large once
    expanded, a binary file), as a problem code; ``None`` when it may be read."""
    return tabular.file_problem(content, limits=_limits())


def read_table(content: bytes) -> Table:
    """The header and the non-empty rows of a CSV (comma, semicolon or tab; UTF-8 or UTF-16) or
    the first sheet of an .xlsx; ``Unreadable`` (with a problem code) when it cannot be read. A
    row of HXL hashtags under the header (as Sabeel's own exports have) is not a person: skipped."""
    return tabular.read_table(content, limits=_limits(), skip_hxl=True)


def problem_message(code: str) -> str:
    """The reader's words for a problem code the identity app has no words of its own for."""
    return tabular.problem_message(code, limits=_limits())


# Each list field and the headers that name it (compared lower-cased, spaces and dashes as "_").
_ALIASES: dict[str, tuple[str, ...]] = {
    **{f"{part.value}_name{suffix}": (f"{part.value}_name{suffix}", f"{part.value}{suffix}") for suffix in SUFFIXES for part in PARTS},
    **{f"{part.value}_name": (f"{part.value}_name", part.value) for part in PARTS},
    "sex": ("sex", "gender"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "birth_year": ("birth_year", "year_of_birth", "yob"),
    "household_ref": ("household", "household_id", "household_ref", "case", "case_number", "family_id"),
    "household_size": ("household_size", "hh_size", "family_size", "size"),
    "head_name_ar": ("head_name_ar",),
    "head_name_lat": ("head_name_lat",),
    "head_name": ("head_name", "head"),
    "origin": ("origin", "origin_pcode", "origin_p_code", "origin_adm3", "origin_subdistrict"),
    "reference": ("reference", "ref", "id", "record_id", "row_id"),
}
_BY_HEADER = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}


def _key(header: str) -> str:
    return re.sub(r"[\s\-./]+", "_", header.strip().casefold()).strip("_")


@dataclass
class ListColumns:
    by_field: dict[str, tuple[int, str]] = field(default_factory=dict)  # field → (cell index, header)
    ignored: list[str] = field(default_factory=list)

    def value(self, cells: Sequence[str], name: str) -> str:
        found = self.by_field.get(name)
        if found is None or found[0] >= len(cells):
            return ""
        return cells[found[0]]

    def header(self, name: str) -> str:
        found = self.by_field.get(name)
        return found[1] if found else name


def _name_columns(found: Mapping[str, Any], part: str) -> bool:
    return any(f"{part}_name{suffix}" in found for suffix in ("", *SUFFIXES))


def list_columns(headers: Sequence[str]) -> tuple[ListColumns, list[str]]:
    """The columns the list's header names, and the problems that refuse the whole file (codes:
    ``column_repeated:<header>``, ``names_missing``). Unknown columns are listed in ``ignored``."""
    columns = ListColumns()
    problems: list[str] = []
    for index, header in enumerate(headers):
        name = _BY_HEADER.get(_key(header))
        if name is None:
            if header:
                columns.ignored.append(header)
            continue
        if name in columns.by_field:
            problems.append(f"column_repeated:{header}")
            continue
        columns.by_field[name] = (index, header)
    if not (_name_columns(columns.by_field, "first") and _name_columns(columns.by_field, "family")):
        problems.append("names_missing")
    return columns, problems


@dataclass(frozen=True)
class ListRow:
    row_number: int
    values: dict[str, Any]


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def _partial_date(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) with the unknown parts None, or None when the text is not a date."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text), None, None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if match:
        first, second = match.groups()
        year, month = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
        return (year, month, None) if 1 <= month <= 12 else None
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text[:10], fmt).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
        return day.year, day.month, day.day
    return None


_SEXES = {"m": "M", "male": "M", "man": "M", "ذكر": "M", "f": "F", "female": "F", "woman": "F", "أنثى": "F", "انثى": "F"}


def _place(values: dict[str, Any], columns: ListColumns, cells: Sequence[str], base: str) -> None:
    """A column without a script suffix: each cell goes to the field of its own script."""
    text = columns.value(cells, base)
    if not text:
        return
    suffix = "_ar" if detect_script(text) is Script.ARABIC else "_lat"
    if not values.get(f"{base}{suffix}"):
        values[f"{base}{suffix}"] = text


def list_rows(table: Table, columns: ListColumns) -> tuple[list[ListRow], list[dict[str, Any]]]:
    """The rows as ``ListRecord`` field values, and the report: one entry per problem with the
    row number, the column's header, the problem code and whether the row was kept."""
    rows: list[ListRow] = []
    report: list[dict[str, Any]] = []
    today = dt.datetime.now(tz=dt.UTC).date()
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        for name in (*NAME_FIELDS, "head_name_ar", "head_name_lat"):
            values[name] = columns.value(cells, name)[:100 if name in NAME_FIELDS else 200]
        for part in PARTS:
            _place(values, columns, cells, f"{part.value}_name")
        _place(values, columns, cells, "head_name")
        problems: list[tuple[str, str]] = []
        sex = columns.value(cells, "sex")
        values["sex"] = _SEXES.get(sex.casefold(), "") if sex else ""
        if sex and not values["sex"]:
            problems.append(("sex", "sex_unreadable"))
        values["birth_year"] = values["birth_month"] = values["birth_day"] = None
        born = columns.value(cells, "date_of_birth") or columns.value(cells, "birth_year")
        if born:
            parts = _partial_date(born)
            if parts is None or not (1900 <= (parts[0] or 0) <= today.year):
                problems.append(("date_of_birth" if columns.value(cells, "date_of_birth") else "birth_year", "date_unreadable"))
            else:
                values["birth_year"], values["birth_month"], values["birth_day"] = parts
        size = columns.value(cells, "household_size")
        values["household_size"] = int(size) if size.isdigit() and 0 < int(size) < 100 else None
        if size and values["household_size"] is None:
            problems.append(("household_size", "size_unreadable"))
        values["household_ref"] = columns.value(cells, "household_ref")[:64]
        values["origin"] = columns.value(cells, "origin")[:32]
        values["reference"] = columns.value(cells, "reference")[:64]
        named = any(values[f"{part}_name{suffix}"] for part in ("first", "family") for suffix in SUFFIXES)
        for column, problem in problems:
            report.append({"row": number, "column": columns.header(column), "problem": problem, "kept": True})
        if not named:
            report.append({"row": number, "column": columns.header("first_name"), "problem": "no_name", "kept": False})
            continue
        rows.append(ListRow(number, values))
    return rows, report
