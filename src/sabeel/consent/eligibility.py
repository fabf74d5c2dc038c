"""The one place Django asks whether a household may be scheduled for an organised movement and
whether it may depart: ``household_eligibility`` (and ``households_eligibility`` for many).

It converts the records to the dataclasses of ``sabeel.engines.eligibility`` (dates in the host
country's time zone; birth dates with their precision, and the pending changes of date of birth as
second readings; members with SC-UC or SC-SC as unaccompanied or separated; absent members; people
who left during a return process as "departed" until a protection officer confirms it, then as
"left"; consents, re-confirmations and withdrawals in the order they were recorded; the programme's
rules; the active-hostilities flag of the destination from the area-conditions register; and every
input it could not read, so that the household fails closed), calls ``assess`` and
renders every reason in words a person understands, in the active language, naming members by
their place in the household ("the second adult"), never by name. Nothing is cached: every call
reads the records again, so a withdrawal counts the moment it is committed. The number of queries
does not grow with the size of the household or the number of households asked about (the
area-conditions register is asked once per distinct destination)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sabeel.consent import _conditions
from sabeel.consent.models import (
    BestInterestsProcedure,
    HostilitiesSignOff,
    Reconfirmation,
    ReturnConsent,
    ReturnProgramme,
    SplitDecision,
    Withdrawal,
    WithdrawalChannel,
)
from sabeel.engines import eligibility as engine
from sabeel.identity.models import LinkState, PersonLink
from sabeel.registry.birthdates import birth_date_reading
from sabeel.registry.choices import (
    BirthDateChangeState,
    DatePrecision,
    DepartureKind,
    HouseholdStatus,
    MemberStatus,
    Presence,
    Relationship,
)
from sabeel.registry.models import BirthDateChange, Household, Individual, MemberDeparture
from sabeel.registry.needs import UNACCOMPANIED_OR_SEPARATED
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "HOUSEHOLD_CLOSED",
    "INPUT_UNREADABLE",
    "MERGE_PENDING",
    "MERGE_RECORDED",
    "NO_PROGRAMME",
    "HouseholdEligibility",
    "ReasonText",
    "birth_date_of",
    "facts_for",
    "household_eligibility",
    "households_eligibility",
    "local_today",
    "member_word",
    "reason_text",
    "rules_for",
]

# Reasons the adapter adds before the engine is asked (the engine knows neither).
NO_PROGRAMME = "no_programme"
HOUSEHOLD_CLOSED = "household_closed"
INPUT_UNREADABLE = str(engine.ReasonCode.INPUT_UNREADABLE)
DEPARTURE_RECORDED = "departure_recorded"  # a note, not a reason against
MERGE_PENDING = "merge_pending"  # a merge across households awaits a protection officer (rule 18)
MERGE_RECORDED = "merge_recorded"  # a note: a record of this household joined another's (rule 18)

_ADULTS = (
    gettext_lazy("the first adult"),
    gettext_lazy("the second adult"),
    gettext_lazy("the third adult"),
    gettext_lazy("the fourth adult"),
    gettext_lazy("the fifth adult"),
    gettext_lazy("the sixth adult"),
    gettext_lazy("the seventh adult"),
    gettext_lazy("the eighth adult"),
    gettext_lazy("the ninth adult"),
    gettext_lazy("the tenth adult"),
)
_CHILDREN = (
    gettext_lazy("the first child"),
    gettext_lazy("the second child"),
    gettext_lazy("the third child"),
    gettext_lazy("the fourth child"),
    gettext_lazy("the fifth child"),
    gettext_lazy("the sixth child"),
    gettext_lazy("the seventh child"),
    gettext_lazy("the eighth child"),
    gettext_lazy("the ninth child"),
    gettext_lazy("the tenth child"),
)
_CHANNELS: dict[str, Promise] = {
    WithdrawalChannel.SELF_SERVICE: gettext_lazy("on the self-service page"),
    WithdrawalChannel.PHONE: gettext_lazy("by phone"),
    WithdrawalChannel.IN_PERSON: gettext_lazy("in person"),
    WithdrawalChannel.CHECK_IN: gettext_lazy("at departure check-in"),
}
_ELEMENTS: dict[str, Promise] = {
    "free": gettext_lazy("free"),
    "informed": gettext_lazy("informed"),
    "express": gettext_lazy("express"),
}


@dataclass(frozen=True)
class ReasonText:
    """One reason, rendered. ``code`` is the engine's ``ReasonCode`` value (or ``no_programme`` /
    ``household_closed``); ``member_id`` the person it concerns, if any."""

    code: str
    text: str
    member_id: int | None = None


@dataclass(frozen=True)
class HouseholdEligibility:
    """The answer for one household on ``on`` for a movement departing on ``departure_on``.

    ``reasons_not_schedulable`` prevent scheduling (and departure); ``reasons_not_departable``
    are all the reasons it may not depart that day (the first ones, plus re-confirmation).
    ``member_words`` names each member who counts as the reasons do ("the first adult"; a person whose
    age is uncertain may be both an adult and a child). ``hostilities_checked`` is False when the
    area-conditions register could not answer for the destination; the household is then not
    eligible (a reason says so). ``notes`` are not reasons against: the departures a protection
    officer confirmed, with the officer's note."""

    household_id: int
    on: dt.date
    departure_on: dt.date
    may_schedule: bool
    may_depart: bool
    reasons_not_schedulable: tuple[ReasonText, ...]
    reasons_not_departable: tuple[ReasonText, ...]
    travelling_member_ids: frozenset[int]
    member_words: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    programme_id: int | None = None
    hostilities_checked: bool = False
    assessment: engine.Assessment | None = None
    notes: tuple[ReasonText, ...] = ()

    @property
    def reasons_departure_only(self) -> tuple[ReasonText, ...]:
        return self.reasons_not_departable[len(self.reasons_not_schedulable) :]


def local_today(time_zone: str | None) -> dt.date:
    """Today's date in the given (host-country) time zone."""
    return timezone.now().astimezone(ZoneInfo(time_zone or "UTC")).date()


def _local_date(value: dt.datetime, time_zone: str | None) -> dt.date:
    return value.astimezone(ZoneInfo(time_zone or "UTC")).date()


def _day(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def member_word(ref: engine.MemberRef) -> str:
    """"the second adult", "the first child": how the reasons name a member, translated."""
    words = _ADULTS if ref.role == "adult" else _CHILDREN
    if 1 <= ref.ordinal <= len(words):
        return str(words[ref.ordinal - 1])
    if ref.role == "adult":
        return _("adult number %(number)d") % {"number": ref.ordinal}
    return _("child number %(number)d") % {"number": ref.ordinal}


def _and(words: Sequence[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(words[:-1]), "last": words[-1]}


def reason_text(reason: engine.Reason) -> str:
    """The reason in words a person understands, in the active language."""
    code = engine.ReasonCode
    who = member_word(reason.member) if reason.member is not None else _("the household")
    on = _day(reason.on) if reason.on else ""
    until = _day(reason.until) if reason.until else ""
    days = reason.days or 0
    if reason.code is code.INPUT_UNREADABLE:
        return _unreadable_text(reason.detail or "", who)
    if reason.code is code.MEMBER_DEPARTURE_NOT_CONFIRMED:
        if reason.detail == "died":
            return _("the death of %(who)s recorded on %(date)s awaits a protection officer's confirmation") % {
                "who": who,
                "date": on,
            }
        if reason.detail == "registration_error":
            return _(
                "the registration error recorded on %(date)s for %(who)s awaits a protection officer's confirmation"
            ) % {"who": who, "date": on}
        return _("%(who)s left the household on %(date)s; a protection officer must record the split") % {
            "who": who,
            "date": on,
        }
    if reason.code is code.MEMBER_ABSENT:
        return _("%(who)s is recorded as absent from the household") % {"who": who}
    if reason.code is code.NOBODY_TRAVELLING:
        return _("no member of the household is travelling")
    if reason.code is code.SPLIT_NOT_RECORDED:
        return _(
            "the split the household asked for on %(date)s is not yet recorded by a protection officer"
        ) % {"date": on}
    if reason.code is code.NO_CONSENT:
        return _("%(who)s has not given consent") % {"who": who}
    if reason.code is code.CONSENT_WITHDRAWN:
        channel = _CHANNELS.get(reason.channel or "")
        if channel is None:
            return _("%(who)s withdrew consent on %(date)s") % {"who": who, "date": on}
        return _("%(who)s withdrew consent %(channel)s on %(date)s") % {"who": who, "channel": channel, "date": on}
    if reason.code is code.CONSENT_INCOMPLETE:
        flags = [str(_ELEMENTS[e]) for e in reason.missing if e in _ELEMENTS]
        package = "information_package" in reason.missing
        values = {"who": who, "date": on, "elements": _and(flags) if flags else ""}
        if flags and package:
            return _(
                "the consent %(who)s gave on %(date)s is not recorded as %(elements)s and does not record "
                "which information package was seen"
            ) % values
        if flags:
            return _("the consent %(who)s gave on %(date)s is not recorded as %(elements)s") % values
        return _("the consent %(who)s gave on %(date)s does not record which information package was seen") % values
    if reason.code is code.CONSENT_NOT_VERIFIED:
        return _("the consent %(who)s gave on %(date)s is not verified by a protection officer") % {"who": who, "date": on}
    if reason.code is code.CONSENT_EXPIRED:
        return _("the consent %(who)s gave on %(date)s has expired (it was valid until %(until)s)") % {
            "who": who,
            "date": on,
            "until": until,
        }
    if reason.code is code.CONSENT_EXPIRES_BEFORE_DEPARTURE:
        return _("the consent %(who)s gave on %(date)s is valid only until %(until)s, before the departure") % {
            "who": who,
            "date": on,
            "until": until,
        }
    if reason.code is code.COOLING_OFF_NOT_OVER:
        return ngettext(
            "the %(days)d-day cooling-off period after the consent %(who)s gave on %(date)s ends on %(until)s",
            "the %(days)d-day cooling-off period after the consent %(who)s gave on %(date)s ends on %(until)s",
            days,
        ) % {"days": days, "who": who, "date": on, "until": until}
    if reason.code is code.CHILD_NOT_PRESENT:
        return _("%(who)s is not recorded as present with the household") % {"who": who}
    if reason.code is code.BEST_INTERESTS_PROCEDURE_MISSING:
        return _("%(who)s is unaccompanied or separated and has no completed best-interests procedure") % {"who": who}
    if reason.code is code.CHILD_WITHOUT_ADULT:
        return _("%(who)s would travel without an adult and has no completed best-interests procedure") % {"who": who}
    if reason.code is code.HOSTILITIES_SIGN_OFF_MISSING:
        if reason.on and reason.until:
            return _(
                "the destination is flagged for active hostilities and the protection officer's sign-off of "
                "%(date)s predates the flag of %(until)s; an organised movement there needs a new sign-off, "
                "and the household may still return on its own"
            ) % {"date": on, "until": until}
        return _(
            "the destination is flagged for active hostilities and an organised movement there needs a protection "
            "officer's recorded sign-off, which is missing; the household may still return on its own"
        )
    if reason.code is code.NOT_RECONFIRMED:
        return _("%(who)s has not re-confirmed the consent given on %(date)s") % {"who": who, "date": on}
    if reason.code is code.RECONFIRMATION_TOO_OLD:
        return ngettext(
            "the re-confirmation %(who)s made on %(date)s is older than %(days)d day",
            "the re-confirmation %(who)s made on %(date)s is older than %(days)d days",
            days,
        ) % {"who": who, "date": on, "days": days}
    return reason.english()  # pragma: no cover - a code added to the engine and not yet here


def _unreadable_text(what: str, who: str) -> str:
    if what == "programme_rules":
        return _("the return programme's rules could not be read, so the household is not eligible")
    if what == "household_status":
        return _("the household's status could not be read, so the household is not eligible")
    if what == "member_status":
        return _("the status of %(who)s could not be read, so the household is not eligible") % {"who": who}
    if what == "member_presence":
        return _("whether %(who)s is present could not be read, so the household is not eligible") % {"who": who}
    if what == "birth_date":
        return _("the date of birth of %(who)s could not be read, so the household is not eligible") % {"who": who}
    if what == "conditions_register":
        return _(
            "the area-conditions register could not be read, so active hostilities at the destination cannot be "
            "ruled out and the household is not eligible"
        )
    return _(
        "the destination's active-hostilities status could not be read, so the household is not eligible"
    )


def _rendered(reason: engine.Reason) -> ReasonText:
    member = reason.member.member_id if reason.member is not None else None
    return ReasonText(code=str(reason.code), text=reason_text(reason), member_id=int(member) if member is not None else None)


# --- from the records to the engine's facts -------------------------------------------------------


def birth_date_of(person: Individual) -> engine.BirthDate:
    """A registry date of birth, at its precision, as the engine reads it."""
    return birth_date_reading(person.date_of_birth, person.dob_precision)


def _stored_birth_date(raw: Any, precision: Any) -> engine.BirthDate | None:
    """The date of birth as stored (read as text, so that a row that cannot be parsed is seen
    rather than failing the whole page); None when it cannot be read (fail closed)."""
    if precision not in DatePrecision.values:
        return None
    if raw in (None, ""):
        return engine.BirthDate.unknown() if precision == DatePrecision.UNKNOWN else None
    try:
        day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None
    return birth_date_reading(day, str(precision))


def _separated(person: Individual) -> bool:
    codes = {*(person.specific_needs or ()), *(person.sensitive_needs or ())}
    return bool(codes & UNACCOMPANIED_OR_SEPARATED)


def _roster(people: Iterable[Individual]) -> list[Individual]:
    """Roster order, as the household's page shows it: current members, head first, then by id."""
    return sorted(people, key=lambda p: (p.status != MemberStatus.ACTIVE, p.relationship != Relationship.HEAD, p.pk))


def _package_version(consent: ReturnConsent) -> str | None:
    package = consent.information_package
    return None if package is None else f"{package.admin_unit_id}/{package.language}/v{package.version}"


@dataclass
class _Records:
    members: list[Individual] = field(default_factory=list)
    departures: list[MemberDeparture] = field(default_factory=list)
    consents: list[ReturnConsent] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    reconfirmations: list[Reconfirmation] = field(default_factory=list)
    best_interests: list[BestInterestsProcedure] = field(default_factory=list)
    splits: list[SplitDecision] = field(default_factory=list)
    sign_offs: list[HostilitiesSignOff] = field(default_factory=list)
    people: dict[int, Individual] = field(default_factory=dict)  # everyone a departure names
    pending_birth_dates: dict[int, list[BirthDateChange]] = field(default_factory=dict)
    # Merges (docs/eligibility.md rule 18): merged record → survivor while the link is in effect,
    # the other records of each survivor, the pending merges naming a record of this household
    # (link id, that record) and the joins that took a record of this household to another.
    alias: dict[int, int] = field(default_factory=dict)
    merged_into: dict[int, list[int]] = field(default_factory=dict)
    pending_merges: list[tuple[int, int]] = field(default_factory=list)
    joins: list[PersonLink] = field(default_factory=list)


_PERSON_FIELDS = (
    "id", "household_id", "relationship", "dob_precision", "specific_needs", "sensitive_needs", "status",
    "presence", "joined_at", "created_at",
)  # fmt: skip


def _people(query: Q) -> list[Individual]:
    return list(
        Individual.objects.filter(query)
        .annotate(dob_text=Cast("date_of_birth", CharField()))
        .only(*_PERSON_FIELDS)
    )


def _load(household_ids: Sequence[int]) -> dict[int, _Records]:
    records: dict[int, _Records] = defaultdict(_Records)
    for person in _people(Q(household_id__in=household_ids)):
        records[person.household_id].members.append(person)
        records[person.household_id].people[person.pk] = person
    departures = MemberDeparture.objects.filter(household_id__in=household_ids, during_return_process=True).order_by("at", "pk")
    for departure in departures:
        records[departure.household_id].departures.append(departure)
    for consent in ReturnConsent.objects.filter(household_id__in=household_ids).select_related("information_package").order_by("pk"):
        records[consent.household_id].consents.append(consent)
    for reconfirmation in Reconfirmation.objects.filter(household_id__in=household_ids).order_by("pk"):
        records[reconfirmation.household_id].reconfirmations.append(reconfirmation)
    for procedure in BestInterestsProcedure.objects.filter(household_id__in=household_ids).order_by("pk"):
        records[procedure.household_id].best_interests.append(procedure)
    for split in SplitDecision.objects.filter(household_id__in=household_ids).prefetch_related("members_leaving").order_by("pk"):
        records[split.household_id].splits.append(split)
    for sign_off in HostilitiesSignOff.objects.filter(household_id__in=household_ids).order_by("pk"):
        records[sign_off.household_id].sign_offs.append(sign_off)
    alias, merged_into = _merges(household_ids, records)
    # Everyone the roster may name: the members, who departed, and (through a merge) the survivor
    # and every other record of the same person (their dates of birth are read too).
    named: dict[int, set[int]] = defaultdict(set)  # person → the households whose roster may name them
    for household_id in household_ids:
        mine = records[household_id]
        mine.alias, mine.merged_into = alias, merged_into
        for pk in [*mine.people, *(d.individual_id for d in mine.departures)]:
            survivor = alias.get(pk, pk)
            for someone in (pk, survivor, *merged_into.get(survivor, ())):
                named[someone].add(household_id)
    missing = {pk for pk, households in named.items() if any(pk not in records[h].people for h in households)}
    if missing:
        loaded = {someone.pk: someone for someone in _people(Q(pk__in=missing))}
        for pk, households in named.items():
            for household_id in households:
                if pk in loaded:
                    records[household_id].people.setdefault(pk, loaded[pk])
    households_of: dict[int, set[int]] = named  # person → the households whose roster names them
    for change in BirthDateChange.objects.filter(individual_id__in=list(households_of), state=BirthDateChangeState.PENDING).order_by("pk"):
        for household_id in households_of[change.individual_id]:
            records[household_id].pending_birth_dates.setdefault(change.individual_id, []).append(change)
    # A withdrawal takes effect everywhere: also one recorded in another household the person was in
    # (or for another record of the same person, while a merge is in effect).
    withdrawals = Withdrawal.objects.filter(Q(household_id__in=household_ids) | Q(individual_id__in=list(households_of)))
    for withdrawal in withdrawals.order_by("at", "pk"):
        for household_id in {withdrawal.household_id, *households_of.get(withdrawal.individual_id, ())}:
            if household_id in records:
                records[household_id].withdrawals.append(withdrawal)
    return records


def _merges(household_ids: Sequence[int], records: Mapping[int, _Records]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """The merges that touch these households (two queries): every merged record in effect mapped to
    its survivor, every survivor's merged records, and (per household) the pending merges naming
    one of its records and the joins that took one of its records to another household."""
    ids: set[int] = set()
    for household_id in household_ids:
        mine = records[household_id]
        ids |= set(mine.people) | {d.individual_id for d in mine.departures}
        ids |= {c.individual_id for c in mine.consents} | {r.individual_id for r in mine.reconfirmations}
        ids |= {b.child_id for b in mine.best_interests}
        ids |= {m.pk for s in mine.splits for m in s.members_leaving.all()}
    links = list(
        PersonLink.objects.filter(
            Q(merged_id__in=ids) | Q(survivor_id__in=ids), state__in=[LinkState.ACTIVE, LinkState.PENDING]
        ).select_related("merged", "survivor")
    )
    survivors = {link.survivor_id for link in links if link.state == LinkState.ACTIVE}
    known = {link.pk for link in links}
    links += [
        link
        for link in PersonLink.objects.filter(survivor_id__in=survivors, state=LinkState.ACTIVE).select_related("merged", "survivor")
        if link.pk not in known
    ]
    alias: dict[int, int] = {}
    merged_into: dict[int, list[int]] = defaultdict(list)
    wanted = set(household_ids)
    for link in sorted(links, key=lambda link: link.pk):
        if link.state == LinkState.ACTIVE:
            alias[link.merged_id] = link.survivor_id
            merged_into[link.survivor_id].append(link.merged_id)
            merged = link.merged
            if merged.household_id in wanted and merged.household_id != link.survivor.household_id:
                records[merged.household_id].joins.append(link)
            continue
        for record in (link.merged, link.survivor):
            if record.household_id in wanted:
                records[record.household_id].pending_merges.append((link.pk, record.pk))
    return alias, dict(merged_into)


_DEPARTURES: dict[str, engine.DepartureKind] = {
    DepartureKind.REMOVED: "left",
    DepartureKind.MOVED: "left",
    DepartureKind.MERGED: "left",
    DepartureKind.DIED: "died",
    DepartureKind.REGISTRATION_ERROR: "registration_error",
}


def _recorded_order(records: _Records) -> dict[tuple[str, int], int]:
    """The place of every consent, re-confirmation and withdrawal in the order they were saved (at
    the same moment a withdrawal counts as the later one: the cautious reading)."""
    saved = [
        *((c.created_at, 0, "consent", c.pk) for c in records.consents),
        *((r.created_at, 1, "reconfirmation", r.pk) for r in records.reconfirmations),
        *((w.created_at, 2, "withdrawal", w.pk) for w in records.withdrawals),
    ]
    return {(kind, pk): n for n, (_at, _rank, kind, pk) in enumerate(sorted(saved), 1)}


def facts_for(
    household: Household,
    records: _Records,
    *,
    time_zone: str | None,
    hostilities: tuple[bool, dt.date | None] = (False, None),
    unreadable: Sequence[engine.Unreadable] = (),
) -> engine.HouseholdFacts:
    """The engine's facts for one household from its loaded records (no query)."""
    problems: list[engine.Unreadable] = list(unreadable)
    alias = records.alias

    def resolved(pk: int) -> int:
        return alias.get(pk, pk)

    # Rule 18: a merged record is not a member on its own; what names it names its survivor.
    latest_departure = {resolved(d.individual_id): d for d in records.departures}  # ordered by time: the last wins
    members: list[engine.Member] = []
    own = [person for person in records.members if person.pk not in alias]
    merged_here = [person for person in records.members if person.pk in alias and person.status == MemberStatus.ACTIVE]
    here = {person.pk for person in own}
    away = [records.people[pk] for pk in latest_departure if pk not in here and pk in records.people]
    for position, person in enumerate([*_roster(own), *sorted(away, key=lambda p: p.pk)], 1):
        reading = _stored_birth_date(getattr(person, "dob_text", None), person.dob_precision)
        if reading is None:
            problems.append(engine.Unreadable(input="birth_date", member_id=person.pk))
            reading = engine.BirthDate.unknown()
        others_here = [m for m in merged_here if alias[m.pk] == person.pk]
        status: engine.MemberStatus = "left"
        departure: engine.DepartureKind | None = None
        departed_on: dt.date | None = None
        if person.pk in here and person.status == MemberStatus.ACTIVE:
            absent = person.presence == Presence.ABSENT or any(m.presence == Presence.ABSENT for m in others_here)
            status = "absent" if absent else "present"
            for record in (person, *others_here):
                if record.presence not in Presence.values:
                    problems.append(engine.Unreadable(input="member_presence", member_id=person.pk))
        elif person.pk in here and person.status not in MemberStatus.values:
            status = "present"  # counted, as the cautious reading, and reported
            problems.append(engine.Unreadable(input="member_status", member_id=person.pk))
        else:
            gone = latest_departure.get(person.pk)
            if gone is not None and gone.confirmed_at is None:
                status, departure = "departed", _DEPARTURES.get(gone.kind, "left")
                departed_on = _local_date(gone.at, time_zone)
        # The cautious reading of one person with several records: every record's date of birth
        # (and pending change), separated if any record says so.
        same_person = [records.people[pk] for pk in records.merged_into.get(person.pk, ()) if pk in records.people]
        others: list[engine.BirthDate] = []
        for record in (person, *same_person):
            if record is not person:
                other = _stored_birth_date(getattr(record, "dob_text", None), record.dob_precision)
                if other is None:
                    problems.append(engine.Unreadable(input="birth_date", member_id=person.pk))
                    other = engine.BirthDate.unknown()
                others.append(other)
            others.extend(
                birth_date_reading(change.new_date, change.new_precision)
                for change in records.pending_birth_dates.get(record.pk, ())
            )
        members.append(
            engine.Member(
                id=person.pk,
                position=position,
                birth_date=reading,
                is_head=person.relationship == Relationship.HEAD and status in ("present", "absent"),
                unaccompanied_or_separated=any(_separated(record) for record in (person, *same_person)),
                status=status,
                other_birth_dates=tuple(others) if status != "left" else (),
                departure=departure,
                departed_on=departed_on,
            )
        )
    known = {int(m.id) for m in members}
    # A person who moved to another household keeps the records made here; the engine must know
    # every person a record names, so they come along as members who have left.
    referenced = [
        *(resolved(c.individual_id) for c in records.consents),
        *(resolved(w.individual_id) for w in records.withdrawals),
        *(resolved(r.individual_id) for r in records.reconfirmations),
        *(resolved(b.child_id) for b in records.best_interests),
        *(resolved(m.pk) for s in records.splits for m in s.members_leaving.all()),
    ]
    for person_id in dict.fromkeys(referenced):
        if person_id not in known:
            known.add(person_id)
            members.append(
                engine.Member(id=person_id, position=len(members) + 1, birth_date=engine.BirthDate.unknown(), status="left")
            )
    order = _recorded_order(records)
    current_members = [p for p in own if p.status == MemberStatus.ACTIVE]
    destination_id = household.destination_id
    flagged, since = hostilities
    return engine.HouseholdFacts(
        household_id=household.pk,
        members=tuple(members),
        consents=tuple(
            engine.Consent(
                member_id=resolved(c.individual_id),
                given_on=c.given_on,
                free=c.free,
                informed=c.informed,
                express=c.express,
                # consent_record lets only holders of consent.record (protection officers) verify.
                verified_by_protection_officer=c.verified_by_id is not None,
                information_package_version=_package_version(c),
                recorded=order[("consent", c.pk)],
                recorded_on=_local_date(c.created_at, time_zone),
            )
            for c in records.consents
        ),
        withdrawals=tuple(
            engine.Withdrawal(
                member_id=resolved(w.individual_id),
                on=_local_date(w.at, time_zone),
                channel=w.channel,
                recorded=order[("withdrawal", w.pk)],
                recorded_on=_local_date(w.created_at, time_zone),
            )
            for w in records.withdrawals
        ),
        reconfirmations=tuple(
            engine.Reconfirmation(member_id=resolved(r.individual_id), on=r.on, recorded=order[("reconfirmation", r.pk)])
            for r in records.reconfirmations
        ),
        best_interests=tuple(
            engine.BestInterestsProcedure(
                child_id=resolved(b.child_id), completed_on=b.completed_on, recorded_by_protection_officer=b.recorded_by_id is not None
            )
            for b in records.best_interests
        ),
        splits=tuple(
            engine.SplitDecision(
                members_leaving=frozenset(resolved(m.pk) for m in s.members_leaving.all()),
                on=s.on,
                recorded_by_protection_officer=s.recorded_by_id is not None,
                # Who was in the household when the split was recorded; whoever joined later travels.
                members_known=frozenset(p.pk for p in current_members if (p.joined_at or p.created_at) <= s.created_at),
            )
            for s in records.splits
            if s.members_leaving.all()
        ),
        destination_active_hostilities=flagged,
        hostilities_flagged_on=since if flagged else None,
        hostilities_sign_offs=tuple(
            engine.SignOff(on=s.on, recorded_by_protection_officer=s.recorded_by_id is not None)
            for s in records.sign_offs
            if destination_id is not None and s.destination_id == destination_id
        ),
        unreadable=tuple(problems),
    )


def rules_for(programme: ReturnProgramme) -> engine.ProgrammeRules:
    """The programme's rules for the engine. Raises ``ValueError`` when they cannot be read (missing,
    negative, or a cooling-off longer than the validity)."""
    values = (programme.consent_validity_days, programme.cooling_off_days, programme.reconfirmation_window_days)
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise ValueError("programme rules are not whole numbers of days")
    rules = engine.ProgrammeRules(
        consent_validity_days=programme.consent_validity_days,
        cooling_off_days=programme.cooling_off_days,
        reconfirmation_window_days=programme.reconfirmation_window_days,
    )
    if rules.cooling_off_days > rules.consent_validity_days:
        raise ValueError("the cooling-off is longer than the consent's validity")
    return rules


def _member_words(facts: engine.HouseholdFacts, day: dt.date) -> dict[int, tuple[str, ...]]:
    current = sorted((m for m in facts.members if m.counts), key=lambda m: m.position)
    words: dict[int, list[str]] = defaultdict(list)
    adults = [m for m in current if m.may_be_adult_on(day)]
    children = [m for m in current if m.may_be_child_on(day)]
    for role, chosen in (("adult", adults), ("child", children)):
        for ordinal, member in enumerate(chosen, 1):
            ref = engine.MemberRef(member_id=member.id, role=role, ordinal=ordinal)  # type: ignore[arg-type]
            words[int(member.id)].append(member_word(ref))
    return {k: tuple(v) for k, v in words.items()}


def _notes(records: _Records, time_zone: str | None) -> tuple[ReasonText, ...]:
    """The departures a protection officer confirmed (the person no longer counts), with the note."""
    here = {p.pk for p in records.members if p.status == MemberStatus.ACTIVE}
    notes: list[ReasonText] = []
    for departure in records.departures:
        if departure.confirmed_at is None or departure.individual_id in here:
            continue
        values = {
            "date": _day(_local_date(departure.at, time_zone)),
            "confirmed": _day(_local_date(departure.confirmed_at, time_zone)),
            "note": departure.confirmation_note,
        }
        if departure.kind == DepartureKind.DIED:
            text = _("a member's death recorded on %(date)s was confirmed by a protection officer on %(confirmed)s: %(note)s")
        elif departure.kind == DepartureKind.REGISTRATION_ERROR:
            text = _(
                "a registration error recorded on %(date)s was confirmed by a protection officer on %(confirmed)s: %(note)s"
            )
        else:
            text = _(
                "a member who left the household on %(date)s no longer counts: a protection officer recorded the "
                "split on %(confirmed)s: %(note)s"
            )
        notes.append(ReasonText(code=DEPARTURE_RECORDED, text=text % values, member_id=departure.individual_id))
    for link in records.joins:
        if link.merged.status != MemberStatus.ACTIVE:
            continue
        text = _(
            "a member's record was merged into a record of another household, where the person now counts: a "
            "protection officer recorded the join on %(date)s: %(note)s"
        ) % {"date": _day(_local_date(link.decided_at or link.created_at, time_zone)), "note": link.decision_reason}
        notes.append(ReasonText(code=MERGE_RECORDED, text=text, member_id=link.merged_id))
    return tuple(notes)


def households_eligibility(
    *, households: Iterable[Household], on: dt.date | None = None, departure_on: dt.date | None = None
) -> dict[int, HouseholdEligibility]:
    """Eligibility of many households at once (the planner's and the manifests' question), in a
    fixed number of queries. ``on`` defaults to today in each household's host-country time zone;
    ``departure_on`` to ``on``. Raises ``ValueError`` when the departure is before ``on``."""
    households = list(households)
    if not households:
        return {}
    ids = [h.pk for h in households]
    groups = {g.pk: g for g in WorkingGroup.objects.filter(pk__in={h.working_group_id for h in households})}
    programmes = {
        p.working_group_id: p
        for p in ReturnProgramme.objects.filter(working_group_id__in=list(groups), is_active=True).order_by("pk")
    }
    records = _load(ids)
    connected = _conditions.hostilities_connected()
    destinations: dict[int, Any] = {}
    if connected:
        from sabeel.geo.models import AdminUnit

        # The register walks up from the unit: its ancestors come with it.
        destinations = AdminUnit.objects.select_related("parent__parent__parent").in_bulk(
            {h.destination_id for h in households if h.destination_id}
        )
    # Asked once per destination and day; None when the register could not answer.
    flags: dict[tuple[int, dt.date], tuple[bool, dt.date | None] | None] = {}
    answers: dict[int, HouseholdEligibility] = {}
    for household in households:
        time_zone = groups[household.working_group_id].time_zone
        day = on or local_today(time_zone)
        departure = departure_on or day
        if departure < day:
            raise ValueError("the departure cannot be before the day assessed")
        problems: list[engine.Unreadable] = []
        if household.status not in HouseholdStatus.values:
            problems.append(engine.Unreadable(input="household_status"))
        hostilities: tuple[bool, dt.date | None] = (False, None)
        checked = True
        if household.destination_id:
            if not connected:
                problems.append(engine.Unreadable(input="conditions_register"))
                checked = False
            else:
                key = (household.destination_id, day)
                if key not in flags:
                    try:
                        flags[key] = _conditions.destination_hostilities(
                            destination=destinations.get(household.destination_id), on=day
                        )
                        if household.destination_id not in destinations:
                            flags[key] = None
                    except _conditions.ConditionsUnreadable:
                        flags[key] = None
                answer = flags[key]
                if answer is None:
                    problems.append(engine.Unreadable(input="destination_conditions"))
                    checked = False
                else:
                    hostilities = answer
        facts = facts_for(
            household, records[household.pk], time_zone=time_zone, hostilities=hostilities, unreadable=problems
        )
        answers[household.pk] = _answer(
            household,
            facts,
            programmes.get(household.working_group_id),
            day=day,
            departure=departure,
            checked=checked,
            notes=_notes(records[household.pk], time_zone),
            pending_merges=[record for _link, record in records[household.pk].pending_merges],
        )
    return answers


def _answer(
    household: Household,
    facts: engine.HouseholdFacts,
    programme: ReturnProgramme | None,
    *,
    day: dt.date,
    departure: dt.date,
    checked: bool,
    notes: tuple[ReasonText, ...] = (),
    pending_merges: Sequence[int] = (),
) -> HouseholdEligibility:
    words = _member_words(facts, departure)
    first: list[ReasonText] = []
    if household.status == HouseholdStatus.CLOSED:
        first.append(ReasonText(code=HOUSEHOLD_CLOSED, text=_("the household's file is closed")))
    for record_id in pending_merges:
        who = words.get(record_id) or (_("a member of the household"),)
        text = _("a merge of %(who)s with a record in another household awaits a protection officer's decision")
        first.append(ReasonText(code=MERGE_PENDING, text=text % {"who": who[0]}, member_id=record_id))
    rules: engine.ProgrammeRules | None = None
    if programme is None:
        first.append(ReasonText(code=NO_PROGRAMME, text=_("there is no active return programme in this working group")))
    else:
        try:
            rules = rules_for(programme)
        except (TypeError, ValueError):
            first.append(ReasonText(code=INPUT_UNREADABLE, text=_unreadable_text("programme_rules", "")))
    if rules is None:
        return HouseholdEligibility(
            household_id=household.pk,
            on=day,
            departure_on=departure,
            may_schedule=False,
            may_depart=False,
            reasons_not_schedulable=tuple(first),
            reasons_not_departable=tuple(first),
            travelling_member_ids=frozenset(),
            member_words=words,
            programme_id=programme.pk if programme is not None else None,
            hostilities_checked=checked,
            notes=notes,
        )
    assessment = engine.assess(facts, rules, on=day, departure_on=departure)
    schedule = (*first, *(_rendered(r) for r in assessment.reasons_not_schedulable))
    depart = (*schedule, *(_rendered(r) for r in assessment.reasons_not_departable[len(assessment.reasons_not_schedulable) :]))
    return HouseholdEligibility(
        household_id=household.pk,
        on=day,
        departure_on=departure,
        may_schedule=not schedule,
        may_depart=not depart,
        reasons_not_schedulable=schedule,
        reasons_not_departable=depart,
        travelling_member_ids=frozenset(int(m) for m in assessment.travelling_members),
        member_words=words,
        programme_id=programme.pk if programme is not None else None,
        hostilities_checked=checked,
        assessment=assessment,
        notes=notes,
    )


def household_eligibility(
    *, household: Household, on: dt.date | None = None, departure_on: dt.date | None = None
) -> HouseholdEligibility:
    """May ``household`` be scheduled on ``on`` (default: today in its host country) for an
    organised movement departing on ``departure_on`` (default: ``on``), and may it depart that day?
    Every reason against, rendered in the active language. Callers scope the household first (a
    selector with the actor); this function reads every record of it."""
    return households_eligibility(households=[household], on=on, departure_on=departure_on)[household.pk]
