"""One row of the export: read, checked against the register (households of the importing group,
submissions imported before, Syrian p-codes), and duplicates within the file marked."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sabeel.consent.intention_import._fields import (
    ASYLUM_COUNTRIES,
    BLOCKING,
    COLUMN_NAMES,
    NEEDS_AS_OBSTACLES,
    SUBMISSION_ID_MAX,
    YES_NO_DK,
    Kind,
    entry,
)
from sabeel.consent.intention_import._read import Columns
from sabeel.consent.intentions import ReturnObstacle, ReturnReason, intention_values_check
from sabeel.consent.models import Answer, DecisionMaker, ReturnIntention
from sabeel.engines.text import fold_digits
from sabeel.geo.choices import Country
from sabeel.geo.models import AdminUnit
from sabeel.registry.choices import HouseholdStatus
from sabeel.registry.models import Household
from sabeel.registry.numbers import registration_number_parse
from sabeel.workgroups.models import WorkingGroup

_SYRIAN_PCODE = re.compile(r"^SY\d{2}(\d{2}){0,2}$")
_SPLIT = re.compile(r"[\s,;]+")


@dataclass
class Row:
    number: int
    problems: list[dict[str, Any]] = field(default_factory=list)
    submission_id: str = ""
    registration_number: str | None = None
    number_column: str = ""
    date_column: str = "end"
    values: dict[str, Any] = field(default_factory=dict)
    places: tuple[tuple[str, str], tuple[str, str]] = (("", ""), ("", ""))
    signature: tuple[tuple[str, str], ...] = ()
    skip: bool = False

    def problem(self, column: str, kind: Kind, problem: str, **extra: Any) -> None:
        self.problems.append(entry(self.number, column, kind, problem, **extra))

    @property
    def blocked(self) -> bool:
        return any(p["kind"] in BLOCKING for p in self.problems)


def _text(value: str) -> str:
    return fold_digits(value).strip()


def _answer(row: Row, columns: Columns, cells: Sequence[str], name: str, *, required: bool) -> str | None:
    value, header = columns.value(cells, name)
    if not value:
        if required:
            row.problem(header, Kind.INVALID, "answer_missing")
        return None
    answer = YES_NO_DK.get(_text(value).lower())
    if answer is None:
        row.problem(header, Kind.INVALID, "answer_invalid")
    return answer


def _codes(row: Row, columns: Columns, cells: Sequence[str], name: str, allowed: Mapping[str, str]) -> list[str]:
    value, header = columns.value(cells, name)
    codes = [c for c in _SPLIT.split(_text(value)) if c]
    if any(c not in allowed for c in codes):
        row.problem(header, Kind.INVALID, "choice_invalid")
        return []
    return [allowed[c] for c in codes]


def _answer_date(row: Row, columns: Columns, cells: Sequence[str]) -> dt.date | None:
    value, header = columns.value(cells, "date")
    if not value:
        return None
    row.date_column = header
    try:
        return dt.datetime.fromisoformat(_text(value)).date()
    except ValueError:
        row.problem(header, Kind.INVALID, "date_invalid")
        return None


def parse_row(number: int, cells: Sequence[str], columns: Columns, host_country: str | None) -> Row:
    row = Row(number)
    row.signature = tuple(
        (name, columns.value(cells, name)[0]) for name in sorted(columns.by_field) if name != "submission_id"
    )
    if columns.has("consent"):
        consent, header = columns.value(cells, "consent")
        if _text(consent).lower() != "ok":
            row.problem(header, Kind.SKIPPED, "consent_declined")
            row.skip = True
            return row
    submission, header = columns.value(cells, "submission_id")
    submission = _text(submission)
    submission = submission[5:] if submission.lower().startswith("uuid:") else submission
    if not submission:
        row.problem(header, Kind.INVALID, "submission_id_missing")
    elif len(submission) > SUBMISSION_ID_MAX:
        row.problem(header, Kind.INVALID, "submission_id_too_long")
    else:
        row.submission_id = submission
    number_text, row.number_column = columns.value(cells, "registration_number")
    if not number_text:
        row.problem(row.number_column, Kind.INVALID, "registration_number_missing")
    else:
        row.registration_number = registration_number_parse(number_text)
        if row.registration_number is None:
            row.problem(row.number_column, Kind.INVALID, "registration_number_invalid")
    country, header = columns.value(cells, "asylum_country")
    if country:
        code = ASYLUM_COUNTRIES.get(_text(country).upper())
        if code is None:
            row.problem(header, Kind.INVALID, "answer_invalid")
        elif code != host_country:
            row.problem(header, Kind.INVALID, "asylum_country_other")
    intends = _answer(row, columns, cells, "intends", required=True)
    hopes = _answer(row, columns, cells, "hopes", required=False)
    go_and_see = _answer(row, columns, cells, "go_and_see", required=False)
    decision, header = columns.value(cells, "decision_maker")
    if decision and _text(decision).lower() not in DecisionMaker.values:
        row.problem(header, Kind.INVALID, "answer_invalid")
    obstacles = _codes(row, columns, cells, "obstacles", {c: c for c in ReturnObstacle.values})
    obstacles += _codes(row, columns, cells, "needs", NEEDS_AS_OBSTACLES)
    row.values = {
        "recorded_on": _answer_date(row, columns, cells),
        "intends_within_12_months": intends,
        "hopes_to_return": hopes or (Answer.YES if intends == Answer.YES else Answer.UNSURE),
        "go_and_see_interest": go_and_see == Answer.YES,
        "decision_maker": _text(decision).lower() if decision else "",
        "reasons": _codes(row, columns, cells, "reasons", {c: c for c in ReturnReason.values}),
        "obstacles": list(dict.fromkeys(obstacles)),
    }
    adm1, adm1_header = columns.value(cells, "adm1")
    adm3, adm3_header = columns.value(cells, "adm3")
    row.places = ((_text(adm1).upper(), adm1_header), (_text(adm3).upper(), adm3_header))
    return row


def _ancestor_keys(unit: AdminUnit) -> set[str]:
    keys = set()
    current: AdminUnit | None = unit
    while current is not None:
        keys.add(current.key)
        current = current.parent
    return keys


def _resolve_place(row: Row, units: Mapping[str, AdminUnit]) -> AdminUnit | None:
    (adm1, adm1_header), (adm3, adm3_header) = row.places
    governorate = units.get(adm1) if adm1 else None
    if adm1 and governorate is None:
        row.problem(adm1_header, Kind.INVALID, "place_unknown")
        return None
    if not adm3:
        return governorate
    unit = units.get(adm3)
    if unit is not None:
        if adm1 and adm1 not in _ancestor_keys(unit):
            row.problem(adm3_header, Kind.INVALID, "place_mismatch")
            return None
        return unit
    # Not loaded: the deepest unit above it that is (p-codes nest: SY02 › SY0200 › SY020000).
    if _SYRIAN_PCODE.match(adm3) and (not adm1 or adm3.startswith(adm1)):
        for prefix in (adm3[:6], adm3[:4]):
            if len(prefix) < len(adm3) and prefix in units:
                row.problem(adm3_header, Kind.NOTE, "place_generalised", unit=prefix)
                return units[prefix]
    row.problem(adm3_header, Kind.INVALID, "place_unknown")
    return None


def _place_units(rows: Sequence[Row]) -> dict[str, AdminUnit]:
    keys: set[str] = set()
    for row in rows:
        (adm1, _h1), (adm3, _h3) = row.places
        keys.update(k for k in (adm1, adm3, adm3[:6], adm3[:4]) if k)
    if not keys:
        return {}
    units = AdminUnit.objects.filter(key__in=keys, country=Country.SYRIA).select_related("parent__parent__parent")
    return {u.key: u for u in units}


def check_rows(rows: list[Row], working_group: WorkingGroup) -> list[tuple[Row, Household]]:
    """Match households, mark what was imported before, check the answers; the rows to write."""
    numbers = sorted({r.registration_number for r in rows if r.registration_number})
    households: dict[str, Household] = {}
    for part in _chunks(numbers):
        households.update(
            (h.registration_number, h)
            for h in Household.objects.filter(working_group=working_group, registration_number__in=part).select_related(
                "working_group"
            )
        )
    existing = submissions_recorded([r.submission_id for r in rows if r.submission_id])
    units = _place_units(rows)
    ready: list[tuple[Row, Household]] = []
    for row in rows:
        if row.skip:
            continue
        elsewhere = False
        if row.submission_id in existing:
            if existing[row.submission_id] == working_group.pk:
                row.problems = [
                    entry(row.number, COLUMN_NAMES["submission_id"], Kind.ALREADY_IMPORTED, "already_imported")
                ]
                continue
            # Recorded in another working group: answered exactly like a row whose household is
            # not in this group (same kind, reason and column, same counts), so an import reveals
            # nothing about another group's answers.
            elsewhere = True
        destination = _resolve_place(row, units)
        household = None if elsewhere else households.get(row.registration_number or "")
        if row.registration_number and household is None:
            row.problem(row.number_column, Kind.UNMATCHED, "household_not_found")
        if household is None:
            continue
        if household.status != HouseholdStatus.OPEN:
            row.problem(row.number_column, Kind.INVALID, "household_closed")
        if row.blocked:
            continue
        values, errors = intention_values_check(household=household, preferred_destination=destination, **row.values)
        if "recorded_on" in errors:
            row.problem(row.date_column, Kind.INVALID, "date_out_of_range")
        if not row.blocked:
            row.values = values
            ready.append((row, household))
    return ready


_LOOKUP_CHUNK = 5000


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _LOOKUP_CHUNK):
        yield values[start : start + _LOOKUP_CHUNK]


def submissions_recorded(ids: Sequence[str]) -> dict[str, int]:
    """Submission id → working group of the household it was recorded for, for those recorded."""
    found: dict[str, int] = {}
    for part in _chunks(sorted(set(ids))):
        recorded = ReturnIntention.objects.filter(submission_id__in=part)
        for submission_id, group_id in recorded.values_list("submission_id", "household__working_group_id"):
            found[str(submission_id)] = group_id
    return found


def mark_duplicates(rows: list[Row]) -> None:
    first: dict[str, Row] = {}
    for row in rows:
        if row.skip or not row.submission_id:
            continue
        earlier = first.get(row.submission_id)
        if earlier is None:
            first[row.submission_id] = row
        elif earlier.signature == row.signature:
            row.problems = [
                entry(
                    row.number, COLUMN_NAMES["submission_id"], Kind.DUPLICATE, "duplicate_row", other_row=earlier.number
                )
            ]
            row.skip = True
        else:
            row.problem(COLUMN_NAMES["submission_id"], Kind.INVALID, "duplicate_conflict", other_row=earlier.number)
