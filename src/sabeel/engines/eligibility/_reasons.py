from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final, Literal, TypeAlias

from sabeel.engines.eligibility._facts import MemberId

Role: TypeAlias = Literal["adult", "child"]
ConsentElement: TypeAlias = Literal["free", "informed", "express", "information_package"]

_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ORDINALS: Final = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


class ReasonCode(StrEnum):
    """Why a household may not be scheduled (or may not depart). The last two block departure only."""

    INPUT_UNREADABLE = "input_unreadable"
    MEMBER_DEPARTURE_NOT_CONFIRMED = "member_departure_not_confirmed"
    NOBODY_TRAVELLING = "nobody_travelling"
    SPLIT_NOT_RECORDED = "split_not_recorded"
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_INCOMPLETE = "consent_incomplete"
    CONSENT_NOT_VERIFIED = "consent_not_verified"
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_EXPIRES_BEFORE_DEPARTURE = "consent_expires_before_departure"
    COOLING_OFF_NOT_OVER = "cooling_off_not_over"
    MEMBER_ABSENT = "member_absent"
    CHILD_NOT_PRESENT = "child_not_present"
    BEST_INTERESTS_PROCEDURE_MISSING = "best_interests_procedure_missing"
    CHILD_WITHOUT_ADULT = "child_without_adult"
    HOSTILITIES_SIGN_OFF_MISSING = "hostilities_sign_off_missing"
    NOT_RECONFIRMED = "not_reconfirmed"
    RECONFIRMATION_TOO_OLD = "reconfirmation_too_old"


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRef:
    """Whom a reason concerns: the member's id and how a person would name them, "the second adult"
    (``ordinal`` counts 1, 2, … among the household's members who may be adults — or children — on the
    departure day, in roster order; a person whose age is uncertain may be counted in both)."""

    member_id: MemberId
    role: Role
    ordinal: int
    is_head: bool = False

    def english(self) -> str:
        word = _ORDINALS[self.ordinal - 1] if 1 <= self.ordinal <= len(_ORDINALS) else f"{self.ordinal}th"
        return f"the {word} {self.role}"


def english_date(day: date) -> str:
    """``3 March 2026``: the date as the English reasons write it."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One reason, as a code with its parameters, for the adapter to render in the person's language.
    ``member`` is whom it concerns (``None`` for the household or destination); ``on`` the day of the
    record it is about (the consent, withdrawal, re-confirmation, split or sign-off); ``until`` a limit
    day (last day a consent is valid, the day cooling-off ends, the day hostilities were flagged);
    ``days`` the programme rule's number of days; ``channel`` the withdrawal's channel; ``missing`` what
    a consent lacks; ``detail`` the input that could not be read (``input_unreadable``) or how the member
    departed (``member_departure_not_confirmed``: left, died, registration_error). ``english()`` is a
    plain rendering for logs and tests."""

    code: ReasonCode
    member: MemberRef | None = None
    on: date | None = None
    until: date | None = None
    days: int | None = None
    channel: str | None = None
    missing: tuple[ConsentElement, ...] = ()
    detail: str | None = None

    def english(self) -> str:
        code = ReasonCode
        who = self.member.english() if self.member is not None else "the household"
        if self.code is code.INPUT_UNREADABLE:
            about = f" for {who}" if self.member is not None else ""
            return f"the {(self.detail or 'input').replace('_', ' ')}{about} could not be read, so the household is not eligible"
        if self.code is code.MEMBER_DEPARTURE_NOT_CONFIRMED:
            if self.detail == "died":
                return f"the death of {who} recorded on {self._on()} awaits a protection officer's confirmation"
            if self.detail == "registration_error":
                return f"the registration error recorded on {self._on()} for {who} awaits a protection officer's confirmation"
            return f"{who} left the household on {self._on()}; a protection officer must record the split"
        if self.code is code.MEMBER_ABSENT:
            return f"{who} is recorded as absent from the household"
        if self.code is code.NOBODY_TRAVELLING:
            return "no member of the household is travelling"
        if self.code is code.SPLIT_NOT_RECORDED:
            return (
                f"the split the household asked for on {self._on()} is not yet recorded by a protection officer, "
                "so the household cannot be scheduled until it is recorded or withdrawn"
            )
        if self.code is code.NO_CONSENT:
            return f"{who} has not given consent"
        if self.code is code.CONSENT_WITHDRAWN:
            return f"{who} withdrew consent on {self._on()}"
        if self.code is code.CONSENT_INCOMPLETE:
            flags = [element for element in self.missing if element != "information_package"]
            parts = [f"is not recorded as {_and(flags)}"] if flags else []
            if "information_package" in self.missing:
                parts.append("does not record which information package was seen")
            return f"the consent {who} gave on {self._on()} {' and '.join(parts)}"
        if self.code is code.CONSENT_NOT_VERIFIED:
            return f"the consent {who} gave on {self._on()} is not verified by a protection officer"
        if self.code is code.CONSENT_EXPIRED:
            return f"the consent {who} gave on {self._on()} has expired (it was valid until {self._until()})"
        if self.code is code.CONSENT_EXPIRES_BEFORE_DEPARTURE:
            return f"the consent {who} gave on {self._on()} is valid only until {self._until()}, before the departure"
        if self.code is code.COOLING_OFF_NOT_OVER:
            return (
                f"the {self.days}-day cooling-off period after the consent {who} gave on {self._on()} "
                f"ends on {self._until()}"
            )
        if self.code is code.CHILD_NOT_PRESENT:
            return f"{who} is not recorded as present with the household"
        if self.code is code.BEST_INTERESTS_PROCEDURE_MISSING:
            return f"{who} is unaccompanied or separated and has no completed best-interests procedure"
        if self.code is code.CHILD_WITHOUT_ADULT:
            return f"{who} would travel without an adult and has no completed best-interests procedure"
        if self.code is code.HOSTILITIES_SIGN_OFF_MISSING:
            stale = (
                f" (the sign-off of {self._on()} predates the flag of {self._until()})"
                if self.on is not None and self.until is not None
                else ""
            )
            return (
                "the destination is flagged for active hostilities and an organised movement there needs a "
                f"protection officer's recorded sign-off, which is missing{stale}; "
                "the household may still return on its own, recorded as a self-organised return"
            )
        if self.code is code.NOT_RECONFIRMED:
            return f"{who} has not re-confirmed the consent given on {self._on()}"
        if self.code is code.RECONFIRMATION_TOO_OLD:
            return f"the re-confirmation {who} made on {self._on()} is older than {self.days} days"
        raise AssertionError(self.code)  # pragma: no cover

    def _on(self) -> str:
        if self.on is None:
            raise ValueError(f"reason {self.code} needs its 'on' date")
        return english_date(self.on)

    def _until(self) -> str:
        if self.until is None:
            raise ValueError(f"reason {self.code} needs its 'until' date")
        return english_date(self.until)
