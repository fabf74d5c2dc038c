"""What a registry write receives, and the checks that give one translated message per field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import visible_field_groups
from sabeel.engines.text import fold_digits
from sabeel.geo.models import AdminUnit
from sabeel.registry import needs
from sabeel.registry.choices import (
    CivilDocument,
    DatePrecision,
    DuplicateReason,
    IdScheme,
    Relationship,
    Sex,
)
from sabeel.registry.fieldgroups import FIELD_GROUPS, NAME_FIELDS
from sabeel.registry.models import Household
from sabeel.registry.numbers import external_id_normalise, phone_to_e164

NAME_MAX = 100
REASON_MIN = 3
REASON_MAX = 200
EARLIEST_BIRTH_YEAR = 1900
HOUSEHOLD_FIELDS = ("current_location", "origin", "destination", "preferred_language", "phones", "external_ids", "protection_notes")
INDIVIDUAL_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "date_of_birth",
    "dob_precision",
    "relationship",
    "documents_held",
    "documents_missing",
    "specific_needs",
    "sensitive_needs",
    "external_ids",
)
Errors = dict[str, list[str]]


@dataclass(frozen=True)
class ExternalIdInput:
    scheme: str
    value: str


@dataclass(frozen=True)
class MemberInput:
    """One person as typed on the registration form or sent to the API. ``date_of_birth`` may be
    a date or text (``1985``, ``1985-03``, ``1985-03-12``, ``12/03/1985``, Eastern Arabic digits
    too); without ``dob_precision`` the precision follows from the text."""

    relationship: str
    sex: str = Sex.UNKNOWN
    first_name_ar: str = ""
    father_name_ar: str = ""
    grandfather_name_ar: str = ""
    family_name_ar: str = ""
    first_name_lat: str = ""
    father_name_lat: str = ""
    grandfather_name_lat: str = ""
    family_name_lat: str = ""
    date_of_birth: dt.date | str | None = None
    dob_precision: str | None = None
    documents_held: Sequence[str] = ()
    documents_missing: Sequence[str] = ()
    specific_needs: Sequence[str] = ()
    sensitive_needs: Sequence[str] = ()
    external_ids: Sequence[ExternalIdInput] = field(default_factory=tuple)


@dataclass(frozen=True)
class DuplicateCheck:
    """Search before create: the people shown as likely matches (``registry.likely``) and, when
    any were, why the officer registers anyway (``DuplicateReason``, with an optional note)."""

    shown: Sequence[int] = ()
    reason: str = ""
    note: str = ""


DUPLICATE_NOTE_MAX = 200


def _duplicate_check(check: DuplicateCheck | None, errors: Errors) -> dict[str, Any] | None:
    """The record of the check for the version history, or None when no match was shown."""
    if check is None or not check.shown:
        return None
    note = " ".join((check.note or "").split())
    if check.reason not in DuplicateReason.values:
        errors.setdefault("duplicate_reason", []).append(
            _("Likely matches were shown: say why you register this person anyway.")
        )
    if len(note) > DUPLICATE_NOTE_MAX:
        errors.setdefault("duplicate_note", []).append(
            _("The note has %(max)d characters at most.") % {"max": DUPLICATE_NOTE_MAX}
        )
    return {"reason": check.reason, "note": note, "likely_matches": sorted({int(pk) for pk in check.shown})}


def _duplicate_audit(checked: Mapping[str, Any] | None) -> dict[str, Any]:
    """The audit row's part of the check: the reason code and the ids shown, never the note."""
    if checked is None:
        return {}
    return {"duplicate_reason": checked["reason"], "likely_match_ids": checked["likely_matches"]}



# --- validation helpers -------------------------------------------------------------------------

_DOB_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})$"), DatePrecision.YEAR),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), DatePrecision.DAY),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), DatePrecision.DAY),
)


def dob_parse(value: dt.date | str | None, precision: str | None = None) -> tuple[dt.date | None, str]:
    """(stored date, precision) for a date of birth as typed. A year alone is stored as 1 January
    of that year with precision ``year``, a month as its first day. Raises ``ValueError``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if precision not in (None, "", DatePrecision.UNKNOWN):
            raise ValueError("a precision without a date")
        return None, DatePrecision.UNKNOWN
    if isinstance(value, dt.datetime):
        value = value.date()
    found: str
    if isinstance(value, dt.date):
        day, found = value, DatePrecision.DAY
    else:
        text = fold_digits(value.strip())
        for pattern, kind in _DOB_PATTERNS:
            match = pattern.match(text)
            if match is None:
                continue
            parts = [int(g) for g in match.groups()]
            if kind == DatePrecision.YEAR:
                day = dt.date(parts[0], 1, 1)
            elif kind == DatePrecision.MONTH:
                year, month = (parts[0], parts[1]) if "-" in text else (parts[1], parts[0])
                day = dt.date(year, month, 1)
            elif "-" in text:
                day = dt.date(parts[0], parts[1], parts[2])
            else:
                day = dt.date(parts[2], parts[1], parts[0])
            found = kind
            break
        else:
            raise ValueError("not a date")
    wanted = precision or found
    if wanted not in (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR):
        raise ValueError("unknown precision")
    if wanted == DatePrecision.YEAR:
        day = day.replace(month=1, day=1)
    elif wanted == DatePrecision.MONTH:
        day = day.replace(day=1)
    return day, str(wanted)


def _dob_errors(value: Any, precision: str | None) -> tuple[dt.date | None, str, list[str]]:
    try:
        day, kind = dob_parse(value, precision)
    except ValueError:
        return None, DatePrecision.UNKNOWN, [
            _("Write the date of birth as a year (1985), a month (1985-03) or a day (1985-03-12).")
        ]
    if day is not None and (day > timezone.now().date() or day.year < EARLIEST_BIRTH_YEAR):
        return None, DatePrecision.UNKNOWN, [
            _("The date of birth must be between %(year)d and today.") % {"year": EARLIEST_BIRTH_YEAR}
        ]
    return day, kind, []


def _codes(values: Sequence[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for value in values or ():
        code = str(value).strip()
        if code:
            seen[code] = None
    return list(seen)


def _unit(value: Any) -> AdminUnit | None:
    if value in (None, ""):
        return None
    if isinstance(value, AdminUnit):
        return value
    lookup: dict[str, Any] = {"pk": value} if isinstance(value, int) else {"key": str(value).strip()}
    return AdminUnit.objects.filter(**lookup).first()


def _unit_errors(name: str, value: Any, *, country: str) -> tuple[AdminUnit | None, list[str]]:
    unit = _unit(value)
    if value not in (None, "") and unit is None:
        return None, [_("No admin unit has this key.")]
    if unit is not None and unit.country != country:
        if country == "SY":
            return None, [_("Choose an admin unit in Syria (any level).")]
        return None, [_("Choose an admin unit of the host country.")]
    return unit, []


def _phone_errors(values: Sequence[str], *, country: str, errors: Errors) -> list[str]:
    numbers: dict[str, None] = {}
    for index, value in enumerate(values):
        if not str(value).strip():
            continue
        try:
            numbers[phone_to_e164(str(value), country=country)] = None
        except ValueError:
            errors.setdefault(f"phones.{index}", []).append(
                _("Not a phone number: write it as the officer would dial it (03 123 456) or with the country code (+961 3 123 456).")
            )
    return list(numbers)


def _external_id_errors(values: Sequence[ExternalIdInput], *, prefix: str, errors: Errors) -> list[tuple[str, str, str]]:
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for index, item in enumerate(values):
        scheme = str(item.scheme or "").strip()
        value = " ".join(str(item.value or "").split())
        if not scheme and not value:
            continue
        if scheme not in IdScheme.values:
            errors.setdefault(f"{prefix}.{index}.scheme", []).append(_("Choose the kind of identifier."))
            continue
        normalised = external_id_normalise(value)
        if not normalised or len(value) > 64:
            errors.setdefault(f"{prefix}.{index}.value", []).append(_("Write the identifier (letters and digits, 64 at most)."))
            continue
        out[(scheme, normalised)] = (scheme, value, normalised)
    return list(out.values())


def _member_errors(
    member: MemberInput | Mapping[str, Any], *, prefix: str, errors: Errors, partial: bool = False
) -> dict[str, Any]:
    """Validated, normalised values of one member (only the given keys when ``partial``)."""
    raw: Mapping[str, Any] = member if isinstance(member, Mapping) else member.__dict__
    out: dict[str, Any] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(f"{prefix}{name}", []).append(message)

    for name in NAME_FIELDS:
        if name in raw or not partial:
            value = " ".join(str(raw.get(name) or "").split())
            if len(value) > NAME_MAX:
                bad(name, _("A name part has %(max)d characters at most.") % {"max": NAME_MAX})
            out[name] = value
    if not partial and not (out.get("first_name_ar") or out.get("first_name_lat")):
        bad("first_name_ar", _("Write the first name, in Arabic or Latin script."))
    if "sex" in raw or not partial:
        sex = raw.get("sex") or Sex.UNKNOWN
        if sex not in Sex.values:
            bad("sex", _("Choose female, male or not recorded."))
        out["sex"] = sex
    if "relationship" in raw or not partial:
        relationship = raw.get("relationship") or ""
        if relationship not in Relationship.values:
            bad("relationship", _("Choose the relationship to the head of household."))
        out["relationship"] = relationship
    if "date_of_birth" in raw or "dob_precision" in raw or not partial:
        day, precision, messages = _dob_errors(raw.get("date_of_birth"), raw.get("dob_precision") or None)
        for message in messages:
            bad("date_of_birth", message)
        out["date_of_birth"], out["dob_precision"] = day, precision
    for name in ("documents_held", "documents_missing"):
        if name in raw or not partial:
            codes = _codes(raw.get(name))
            unknown = [c for c in codes if c not in CivilDocument.values]
            if unknown:
                bad(name, _("Unknown civil document: %(codes)s.") % {"codes": ", ".join(unknown)})
            out[name] = codes
    if not errors.get(f"{prefix}documents_held") and set(out.get("documents_held", ())) & set(out.get("documents_missing", ())):
        bad("documents_missing", _("A document cannot be both held and missing."))
    if "specific_needs" in raw or "sensitive_needs" in raw or not partial:
        given = _codes(raw.get("specific_needs"))
        sensitive = _codes(raw.get("sensitive_needs"))
        unknown = [c for c in [*given, *sensitive] if c not in needs.SPECIFIC_NEEDS]
        if unknown:
            bad("specific_needs", _("Unknown specific-needs code: %(codes)s.") % {"codes": ", ".join(unknown)})
        not_sensitive = [c for c in sensitive if c in needs.SPECIFIC_NEEDS and not needs.is_sensitive(c)]
        if not_sensitive:
            bad("sensitive_needs", _("Only the SV and TR codes are protection-sensitive: %(codes)s.") % {"codes": ", ".join(not_sensitive)})
        # A sensitive code typed among the other needs is kept apart, in the protection group.
        if "specific_needs" in raw or not partial:
            out["specific_needs"] = [c for c in given if not needs.is_sensitive(c)]
        moved = [c for c in given if needs.is_sensitive(c)]
        if "sensitive_needs" in raw or moved or not partial:
            out["sensitive_needs"] = list(dict.fromkeys([*sensitive, *moved]))
    if "external_ids" in raw or not partial:
        items = [i if isinstance(i, ExternalIdInput) else ExternalIdInput(**i) for i in raw.get("external_ids") or ()]
        out["external_ids"] = _external_id_errors(items, prefix=f"{prefix}external_ids", errors=errors)
    return out


def _refuse(errors: Errors) -> None:
    if errors:
        raise ServiceError(_("Some fields are not valid; nothing was saved."), fields=errors)


def _check_hidden(actor: Actor, household: Household, names: Sequence[str], *, prefix: str = "") -> None:
    """A field of a group the actor may not see may not be written either (nor probed)."""
    allowed = visible_field_groups(actor, household)
    errors: Errors = {}
    for name in names:
        group = FIELD_GROUPS.get(name)
        if group is not None and group not in allowed:
            errors.setdefault(f"{prefix}{name}", []).append(_("Your role cannot change this field."))
    _refuse(errors)


def _creation_hidden(values: Mapping[str, Any], *, prefix: str, errors: Errors) -> None:
    # At registration nobody is assigned to the case yet: protection-sensitive needs and notes are
    # recorded afterwards, by an assigned protection officer.
    if values.get("sensitive_needs"):
        errors.setdefault(f"{prefix}sensitive_needs", []).append(
            _("Protection-sensitive needs are recorded by an assigned protection officer once the household is registered.")
        )
