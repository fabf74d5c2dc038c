"""Search before create: the people already registered who are likely the person being typed.

While an officer types a new person (registration form, "add a member"), the names typed so far
(either script; their generated other-script reading added, ``registry.readings``) are looked
up in the search index of the officer's working groups by their pair keys, and the candidates
are compared part by part with the name model (``engines.text.compare_names``). A likely match
is shown with its **reasons**: which of the typed parts agreed with which part of the registered
person and how well (``NameComparison.agreements``), whether the date of birth agrees, and
whether the person is already in the very household a member is being added to.

Every lookup is audited as a search (a keyed hash of the names typed, the ids shown); the names
travel in POST bodies only. Registering anyway after matches were shown needs a reason
(``DuplicateReason``), which the registration services record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.permissions import groups_for, require, visible_to
from sabeel.engines.text import NameComparison, Part, PartAgreement, compare_names
from sabeel.registry.choices import DatePrecision
from sabeel.registry.fieldgroups import NAME_FIELDS, allowed_fields, keep
from sabeel.registry.models import Individual
from sabeel.registry.readings import generated_readings, person_readings
from sabeel.registry.search import YEAR_WINDOW, key_counts, name_keys_for, tie_break, weighted_candidates
from sabeel.workgroups.models import WorkingGroup

__all__ = ["LIKELY_LIMIT", "LIKELY_SCORE", "LikelyMatch", "Reason", "likely_matches", "looked_up", "part_label", "shown_check", "shown_ids"]

LIKELY_SCORE = 0.85  # how well the typed parts must agree, on average, to show a person
LIKELY_LIMIT = 5
LIKELY_CANDIDATES = 200
MIN_PARTS = 2  # one name part alone (a first name) says too little to look anyone up

_FIELDS = (
    "id", "household_id", "household__registration_number", "household__working_group_id", "household__status",
    "sex", "date_of_birth", "dob_precision", "relationship", "status", *NAME_FIELDS, "generated_names",
)  # fmt: skip


def part_label(part: Part | str | None) -> str:
    labels = {
        Part.FIRST: _("first name"),
        Part.FATHER: _("father's name"),
        Part.GRANDFATHER: _("grandfather's name"),
        Part.FAMILY: _("family name"),
    }
    return str(labels.get(Part(part), part)) if part else ""


@dataclass(frozen=True)
class Reason:
    """One reason a person is a likely match: ``kind`` is ``name`` (a typed part met a part of the
    registered person: ``part``, ``other``, ``score``), ``birth`` (``detail`` ``same_date`` or
    ``same_year``), ``household`` (already a member of this household) or ``reading`` (typed in one
    script, registered in the other only: met through the generated reading, ``detail``
    ``generated_lat`` or ``generated_ar``)."""

    kind: str
    text: str
    part: str = ""
    other: str = ""
    score: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class LikelyMatch:
    individual_id: int
    household_id: int
    registration_number: str
    working_group_id: int
    score: float  # how well the typed parts agreed, on average (0.0 to 1.0)
    order: float
    reasons: tuple[Reason, ...]
    values: dict[str, Any]  # redacted like a search hit; the generated reading under "generated_names"


def _typed_parts(names: Mapping[str, Any]) -> int:
    roles = {name.split("_name_")[0] for name in NAME_FIELDS if str(names.get(name) or "").strip()}
    return len(roles)


def looked_up(names: Mapping[str, Any]) -> bool:
    """True when enough is typed (two name parts) for ``likely_matches`` to look anyone up."""
    return _typed_parts({name: " ".join(str(names.get(name) or "").split()) for name in NAME_FIELDS}) >= MIN_PARTS


def _birth(typed: dt.date | None, precision: str, row: Mapping[str, Any]) -> Reason | None:
    other = row["date_of_birth"]
    if typed is None or other is None:
        return None
    if typed == other and precision == DatePrecision.DAY and row["dob_precision"] == DatePrecision.DAY:
        return Reason("birth", _("same date of birth"), detail="same_date")
    if typed.year == other.year:
        return Reason("birth", _("same year of birth"), detail="same_year")
    return None


def _name_reasons(comparison: NameComparison) -> tuple[Reason, ...]:
    reasons = []
    for agreement in comparison.agreements:
        if agreement.score < 0.75:
            continue
        reasons.append(_name_reason(agreement))
    return tuple(reasons)


def _name_reason(agreement: PartAgreement) -> Reason:
    part, other = part_label(agreement.part), part_label(agreement.other)
    if agreement.other is None or agreement.other == agreement.part:
        text = _("%(part)s agrees") % {"part": part}
    else:
        text = _("%(part)s agrees with the %(other)s") % {"part": part, "other": other}
    return Reason(
        "name", text, part=str(agreement.part), other=str(agreement.other or ""), score=round(agreement.score, 2)
    )


def _scripts(names: Mapping[str, Any]) -> set[str]:
    return {name.rsplit("_", 1)[1] for name in NAME_FIELDS if str(names.get(name) or "").strip()}


def _reading(typed: set[str], theirs: set[str]) -> Reason | None:
    """Said when the names were typed in one script only and the registered person has names in
    the other script only: the two met through a generated reading, never an officer's typing."""
    if len(typed) != 1 or len(theirs) != 1 or typed == theirs:
        return None
    if theirs == {"ar"}:
        return Reason("reading", _("registered in Arabic script only: compared through its generated Latin reading"), detail="generated_lat")
    return Reason("reading", _("registered in Latin script only: compared through its generated Arabic reading"), detail="generated_ar")


def _coverage(comparison: NameComparison) -> float:
    """How well the typed parts agreed, on average: a person being typed has few parts yet, so
    the parts the registered person has beyond them do not count against the match."""
    if not comparison.agreements:
        return 0.0
    return round(sum(a.score for a in comparison.agreements) / len(comparison.agreements), 4)


def likely_matches(
    *,
    actor: Actor,
    names: Mapping[str, Any],
    date_of_birth: dt.date | None = None,
    dob_precision: str = DatePrecision.UNKNOWN,
    household_id: int | None = None,
    limit: int = LIKELY_LIMIT,
) -> tuple[LikelyMatch, ...]:
    """The people of the actor's working groups (where the actor may ``person.search`` and sees
    names) who are likely the person whose ``names`` (the eight name fields, as typed so far) are
    being registered, best first, with the reasons. ``household_id``: the household a member is
    being added to (a person already in it is said so). Audited as a search when anything was
    looked up; nothing is looked up before two name parts are typed."""
    require(actor, "person.search")
    typed = {name: " ".join(str(names.get(name) or "").split()) for name in NAME_FIELDS}
    if _typed_parts(typed) < MIN_PARTS:
        return ()
    group_ids = groups_for(actor, "person.search")
    groups = {g.pk: g for g in WorkingGroup.objects.filter(pk__in=group_ids)}
    allowed = {pk: allowed_fields(actor, group) for pk, group in groups.items()}
    name_groups = {pk for pk, fields in allowed.items() if "first_name_ar" in fields}
    generated = generated_readings(typed)
    mine = person_readings(typed, generated)
    query = " | ".join(typed[name] for name in NAME_FIELDS)  # hashed by the audit, never stored
    pairs = sorted(k for k in name_keys_for({**typed, **generated}) if k.startswith("p:"))
    candidates = weighted_candidates(
        name_groups, key_counts(name_groups, pairs), scramble=query, limit=LIKELY_CANDIDATES
    ) if name_groups else []  # fmt: skip
    if name_groups and date_of_birth is not None:  # namesakes born near the typed date first
        window = (date_of_birth.year - YEAR_WINDOW, date_of_birth.year + YEAR_WINDOW)
        near = weighted_candidates(
            name_groups, key_counts(name_groups, pairs, window), scramble=query, limit=LIKELY_CANDIDATES, window=window
        )
        candidates = list(dict.fromkeys([*near, *candidates]))
    found = Individual.objects.filter(pk__in=candidates, household__working_group_id__in=name_groups)
    rows = visible_to(actor, found, "person.search").values(*_FIELDS)  # narrowed for a monitor
    scored: list[tuple[tuple[float, float, int], LikelyMatch]] = []
    for row in rows:
        theirs = person_readings({n: row[n] for n in NAME_FIELDS}, row["generated_names"])
        comparison = compare_names(mine, theirs)
        coverage = _coverage(comparison)
        if coverage < LIKELY_SCORE:
            continue
        reasons = list(_name_reasons(comparison))
        reading = _reading(_scripts(typed), _scripts(row))
        if reading is not None:
            reasons.append(reading)
        birth = _birth(date_of_birth, dob_precision, row)
        if birth is not None:
            reasons.append(birth)
        if household_id is not None and row["household_id"] == household_id:
            reasons.append(Reason("household", _("already a member of this household"), detail="same_household"))
        group_id = row["household__working_group_id"]
        values = {name: row[name] for name in (*NAME_FIELDS, "generated_names", "sex", "date_of_birth", "dob_precision", "relationship", "status")}
        values["household_status"] = row["household__status"]
        match = LikelyMatch(
            individual_id=row["id"],
            household_id=row["household_id"],
            registration_number=row["household__registration_number"],
            working_group_id=group_id,
            score=coverage,
            order=comparison.order,
            reasons=tuple(reasons),
            values=keep(values, allowed[group_id]),
        )
        # A date of birth that agrees lifts a match among equals; then name order, then a hash.
        scored.append(((-coverage - (0.01 if birth is not None else 0.0), -comparison.order, tie_break(query, row["id"])), match))
    scored.sort(key=lambda item: item[0])
    matches = tuple(match for _key, match in scored[: max(1, min(limit, 20))])
    audit.record_search(
        actor=actor,
        scope="person",
        query=query,
        result_count=len(matches),
        working_group_id=next(iter(groups)) if len(groups) == 1 else None,
        ids=[m.individual_id for m in matches],
    )
    return matches


def shown_ids(matches: Sequence[LikelyMatch]) -> list[int]:
    return [m.individual_id for m in matches]


def shown_check(*, actor: Actor, posted: Sequence[int], found: Sequence[LikelyMatch]) -> list[int]:
    """The ids to record as shown when a form is submitted: those the panels showed (``posted``,
    kept only if they are people the actor may search, so a crafted form records nobody else)
    and those found again on submit (``found``)."""
    visible: set[int] = set()
    if posted:
        groups = groups_for(actor, "person.search")
        posted_rows = Individual.objects.filter(pk__in=list(posted), household__working_group_id__in=groups)
        visible = set(visible_to(actor, posted_rows, "person.search").values_list("pk", flat=True))
    return sorted(visible | {m.individual_id for m in found})
