from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, TypeAlias

MemberId: TypeAlias = int | str
HouseholdId: TypeAlias = int | str
Precision: TypeAlias = Literal["day", "month", "year", "unknown"]
MemberStatus: TypeAlias = Literal["present", "absent", "departed", "left"]
DepartureKind: TypeAlias = Literal["left", "died", "registration_error"]
UnreadableInput: TypeAlias = Literal[
    "programme_rules",
    "household_status",
    "member_status",
    "member_presence",
    "birth_date",
    "conditions_register",
    "destination_conditions",
]

ADULT_AGE: Final = 18
PRECISIONS: Final = ("day", "month", "year", "unknown")
MEMBER_STATUSES: Final = ("present", "absent", "departed", "left")
DEPARTURE_KINDS: Final = ("left", "died", "registration_error")


def _anniversary(born: date, years: int, *, leap_day_early: bool) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        # Born on 29 February, anniversary in a common year: jurisdictions disagree between
        # 28 February and 1 March, so each cautious reading takes the side that protects.
        return date(born.year + years, 2, 28) if leap_day_early else date(born.year + years, 3, 1)


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A date of birth as precisely as it is known. With precision ``"month"`` or ``"year"`` only the
    month and year (or the year) of ``value`` are read, whatever day the registry stored; with
    ``"unknown"`` there is no value. The two readings are cautious in opposite directions: a person
    *may be an adult* on a day if the earliest possible birth date makes them 18 by then, and *may be a
    child* if the latest possible one leaves them under 18; with an unknown date both are true."""

    value: date | None
    precision: Precision = "day"

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if (self.value is None) != (self.precision == "unknown"):
            raise ValueError("a birth date has a value exactly when its precision is not 'unknown'")

    @classmethod
    def on_day(cls, value: date) -> BirthDate:
        return cls(value, "day")

    @classmethod
    def in_month(cls, year: int, month: int) -> BirthDate:
        return cls(date(year, month, 1), "month")

    @classmethod
    def in_year(cls, year: int) -> BirthDate:
        return cls(date(year, 1, 1), "year")

    @classmethod
    def unknown(cls) -> BirthDate:
        return cls(None, "unknown")

    def earliest(self) -> date | None:
        """The earliest day the person may have been born (``None`` when unknown)."""
        if self.value is None:
            return None
        if self.precision == "month":
            return self.value.replace(day=1)
        if self.precision == "year":
            return date(self.value.year, 1, 1)
        return self.value

    def latest(self) -> date | None:
        """The latest day the person may have been born (``None`` when unknown)."""
        if self.value is None:
            return None
        if self.precision == "month":
            return self.value.replace(day=calendar.monthrange(self.value.year, self.value.month)[1])
        if self.precision == "year":
            return date(self.value.year, 12, 31)
        return self.value

    def may_be_adult_on(self, day: date) -> bool:
        """True if the person may be 18 or older on ``day`` (so their consent is needed)."""
        earliest = self.earliest()
        return earliest is None or _anniversary(earliest, ADULT_AGE, leap_day_early=True) <= day

    def may_be_child_on(self, day: date) -> bool:
        """True if the person may be under 18 on ``day`` (so the children's rule applies)."""
        latest = self.latest()
        return latest is None or _anniversary(latest, ADULT_AGE, leap_day_early=False) > day


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A person on the household's roster. ``position`` is their place on it (1, 2, …; unique in the
    household), which orders them in reasons. ``status``: ``"present"`` lives with the household now,
    ``"absent"`` is on the roster but not with the household (away, missing, whereabouts unknown),
    ``"departed"`` left (``departure``: moved or removed, died, registered in error) on
    ``departed_on`` while a return process was open and a protection officer has not yet confirmed it,
    so they still count as a member; ``"left"`` is no longer a member (kept because nothing is deleted)
    and is ignored. ``other_birth_dates`` are readings still waiting for a protection officer's
    confirmation: the person may be an adult (or a child) if any reading says so."""

    id: MemberId
    position: int
    birth_date: BirthDate
    is_head: bool = False
    unaccompanied_or_separated: bool = False
    status: MemberStatus = "present"
    other_birth_dates: tuple[BirthDate, ...] = ()
    departure: DepartureKind | None = None
    departed_on: date | None = None

    def __post_init__(self) -> None:
        if self.status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {self.status!r}")
        if (self.status == "departed") != (self.departure is not None and self.departed_on is not None):
            raise ValueError("a departed member has a departure kind and day, and only a departed member has them")
        if self.departure is not None and self.departure not in DEPARTURE_KINDS:
            raise ValueError(f"departure must be one of {DEPARTURE_KINDS}, not {self.departure!r}")

    @property
    def counts(self) -> bool:
        """On the roster for the verdict: every status but ``"left"``."""
        return self.status != "left"

    def may_be_adult_on(self, day: date) -> bool:
        return any(reading.may_be_adult_on(day) for reading in (self.birth_date, *self.other_birth_dates))

    def may_be_child_on(self, day: date) -> bool:
        return any(reading.may_be_child_on(day) for reading in (self.birth_date, *self.other_birth_dates))


@dataclass(frozen=True, slots=True, kw_only=True)
class Consent:
    """One adult's consent to an organised return, as recorded. It must be free, informed and
    express, record which information package the person saw, and be verified by a protection
    officer. A later consent supersedes an earlier one. ``recorded`` is its place in the order in
    which the household's consents, withdrawals and re-confirmations were recorded (when every record
    has one, that order decides, not the typed days) and ``recorded_on`` the day it was recorded: the
    cooling-off counts from the later of it and ``given_on``, the validity from the earlier."""

    member_id: MemberId
    given_on: date
    free: bool
    informed: bool
    express: bool
    verified_by_protection_officer: bool
    information_package_version: str | None
    recorded: int | None = None
    recorded_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Withdrawal:
    """A person withdrew their consent (``channel``: self-service, phone, in person, check-in, …; the
    engine only reports it). It counts from its own day, whatever the channel; when ``recorded`` is
    given it cancels every consent recorded before it, whatever days were typed."""

    member_id: MemberId
    on: date
    channel: str
    recorded: int | None = None
    recorded_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconfirmation:
    """An adult re-confirmed their consent close to departure (``recorded``: as for consents)."""

    member_id: MemberId
    on: date
    recorded: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BestInterestsProcedure:
    """A best-interests procedure for a child; it counts once completed and recorded by a protection
    officer."""

    child_id: MemberId
    completed_on: date | None
    recorded_by_protection_officer: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitDecision:
    """The household asked that only ``members_leaving`` go. It takes effect only once recorded by a
    protection officer; the latest split on or before the assessed day is the one that counts (a split
    naming every member undoes an earlier one). ``members_known`` are the members the household had
    when the split was recorded: anyone else joined later and travels too (``None``: nobody joined)."""

    members_leaving: frozenset[MemberId]
    on: date
    recorded_by_protection_officer: bool
    members_known: frozenset[MemberId] | None = None

    def __post_init__(self) -> None:
        if not self.members_leaving:
            raise ValueError("a split names at least one member who leaves")


@dataclass(frozen=True, slots=True, kw_only=True)
class SignOff:
    """A protection officer's sign-off for an organised movement to a destination flagged for active
    hostilities."""

    on: date
    recorded_by_protection_officer: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Unreadable:
    """An input the adapter could not read (fail closed: the household is then not eligible)."""

    input: UnreadableInput
    member_id: MemberId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeRules:
    """A return programme's rules, in days. A consent given on day G is valid up to and including
    G + ``consent_validity_days``; the household may be scheduled from G + ``cooling_off_days``; a
    re-confirmation on day R counts for a departure on day D when D − R ≤ ``reconfirmation_window_days``."""

    consent_validity_days: int
    cooling_off_days: int
    reconfirmation_window_days: int

    def __post_init__(self) -> None:
        for name in ("consent_validity_days", "cooling_off_days", "reconfirmation_window_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseholdFacts:
    """Everything eligibility reads about one household, converted from the records by the adapter.
    Records dated after the assessed day are ignored, so the same facts can be assessed for any day.
    Records of one kind on the same day are taken in the order given (the adapter passes them in the
    order they were recorded). ``hostilities_sign_offs`` are those for the current destination; when
    ``hostilities_flagged_on`` is known, a sign-off must not predate it. ``unreadable`` lists the
    inputs the adapter could not read; each makes the household not eligible (fail closed)."""

    household_id: HouseholdId
    members: tuple[Member, ...]
    consents: tuple[Consent, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()
    reconfirmations: tuple[Reconfirmation, ...] = ()
    best_interests: tuple[BestInterestsProcedure, ...] = ()
    splits: tuple[SplitDecision, ...] = ()
    destination_active_hostilities: bool = False
    hostilities_flagged_on: date | None = None
    hostilities_sign_offs: tuple[SignOff, ...] = ()
    unreadable: tuple[Unreadable, ...] = ()

    def __post_init__(self) -> None:
        ids = [member.id for member in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError(f"household {self.household_id}: member ids repeat")
        positions = [member.position for member in self.members]
        if len(set(positions)) != len(positions):
            raise ValueError(f"household {self.household_id}: member positions repeat")
        known = set(ids)
        referenced: Iterable[MemberId] = (
            *(record.member_id for record in self.consents),
            *(record.member_id for record in self.withdrawals),
            *(record.member_id for record in self.reconfirmations),
            *(record.child_id for record in self.best_interests),
            *(member_id for split in self.splits for member_id in split.members_leaving),
            *(item.member_id for item in self.unreadable if item.member_id is not None),
        )
        strangers = {str(member_id) for member_id in referenced if member_id not in known}
        if strangers:
            raise ValueError(f"household {self.household_id}: records name non-members {sorted(strangers)}")
