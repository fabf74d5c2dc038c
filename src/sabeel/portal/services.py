"""Self-service writes: one-time codes, call-back requests and withdrawals made by a refugee.

A code request is answered alike whether or not the registration number exists: both write one
``CodeRequest`` row and one audit row and enqueue one task, and only the task (in the background)
finds a phone to send to. The number and the code are kept as keyed hashes only. The actor of
everything after the code is the refugee (``core.actors.refugee``): the household, the verified
phone and, for a withdrawal, the adult who said who they are.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sabeel.consent.models import FollowUp, FollowUpKind, Withdrawal, WithdrawalChannel
from sabeel.consent.services import consent_withdraw, follow_up_callback_request
from sabeel.core import audit
from sabeel.core.actors import ANONYMOUS, Actor, as_actor, refugee
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import ActorKind
from sabeel.core.permissions import require
from sabeel.engines.text import fold_digits
from sabeel.portal.models import CodeRequest
from sabeel.portal.sms import sms_sender
from sabeel.registry.models import Household, Individual, Phone

__all__ = [
    "CODE_DIGITS",
    "CODE_VALID",
    "MAX_REQUESTS_PER_ADDRESS",
    "MAX_REQUESTS_PER_NUMBER",
    "MAX_WRONG_CODES",
    "REQUEST_WINDOW",
    "CodeCheck",
    "Verdict",
    "adult_withdraw",
    "callback_request",
    "code_issue",
    "code_request",
    "code_verify",
    "number_key",
]

CODE_DIGITS = 6
CODE_VALID = dt.timedelta(minutes=10)
MAX_WRONG_CODES = 5
REQUEST_WINDOW = dt.timedelta(hours=1)
MAX_REQUESTS_PER_NUMBER = 5
MAX_REQUESTS_PER_ADDRESS = 20


class Verdict(StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong codes: a new code is needed
    EXPIRED = "expired"  # past its ten minutes, or already used


@dataclass(frozen=True)
class CodeCheck:
    verdict: Verdict
    tries_left: int
    household_id: int | None = None
    phone_id: int | None = None


def number_key(number: str) -> str:
    """The keyed hash stored for a registration number (canonical form, as parsed)."""
    return audit.keyed_hash(number, purpose="portal-registration-number")


def _code_key(code_request_id: int, code: str) -> str:
    return audit.keyed_hash(f"{code_request_id}:{code}", purpose="portal-one-time-code")


def _claimed(household_id: int | None, phone_id: int | None) -> Actor:
    # Before the code is right, the actor is the refugee the number names, or nobody.
    if household_id is None:
        return ANONYMOUS
    return refugee(household_id=household_id, phone_id=str(phone_id or ""))


def _phone_data(phone_id: Any) -> dict[str, Any]:
    return {"phone_id": int(phone_id)} if phone_id not in (None, "") else {}


def code_request(*, number: str, address: str | None, language: str) -> CodeRequest:
    """Record a request for a code for the canonical registration ``number`` from ``address`` and,
    unless a rate limit refuses it (``throttled``), have the code sent in the background to the
    household's primary active phone. Known and unknown numbers take the same path."""
    now = timezone.now()
    key = number_key(number)
    first_phone = Phone.objects.filter(household=OuterRef("pk"), is_active=True).order_by("-is_primary", "pk")
    household = (
        Household.objects.filter(registration_number=number)
        .annotate(phone_pk=Subquery(first_phone.values("pk")[:1]))
        .only("pk", "working_group_id")
        .first()
    )
    phone_id: int | None = getattr(household, "phone_pk", None)
    # Written (and committed) before counting, so concurrent requests count each other.
    row = CodeRequest.objects.create(
        at=now,
        number_hash=key,
        address=address,
        household=household,
        phone_id=phone_id,
        expires_at=now + CODE_VALID,
    )
    counted = CodeRequest.objects.filter(at__gt=now - REQUEST_WINDOW, throttled=False)
    throttled = counted.filter(number_hash=key).count() > MAX_REQUESTS_PER_NUMBER
    if not throttled and address is not None:
        throttled = counted.filter(address=address).count() > MAX_REQUESTS_PER_ADDRESS
    data = {"code_request_id": row.pk, "number_hmac": key, **_phone_data(phone_id)}
    if address is not None:
        data["address_hmac"] = audit.keyed_hash(address, purpose="address")
    with transaction.atomic():
        if throttled:
            CodeRequest.objects.filter(pk=row.pk).update(throttled=True)
            row.throttled = True
        action = "portal.code_throttled" if throttled else "portal.code_requested"
        audit.record(actor=_claimed(row.household_id, phone_id), action=action, target=household, data=data)
        if not throttled:
            from sabeel.portal.tasks import code_send

            transaction.on_commit(lambda: code_send.enqueue(code_request_id=row.pk, language=language))
    return row


def code_issue(*, code_request_id: int, language: str) -> bool:
    """Make the code for a request and send it to the phone it names (the background half of
    ``code_request``). Nothing is sent for an unknown number, a refused request or twice."""
    with transaction.atomic():
        row = (
            CodeRequest.objects.select_for_update()
            .filter(pk=code_request_id, throttled=False, phone__isnull=False, code_hash="")
            .first()
        )
        if row is None:
            return False
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row.code_hash = _code_key(row.pk, code)
        row.sent_at = timezone.now()
        row.save(update_fields=["code_hash", "sent_at"])
        number = Phone.objects.values_list("number", flat=True).get(pk=row.phone_id or 0)
    minutes = int(CODE_VALID.total_seconds() // 60)
    with translation.override(language):
        text = _("Sabeel: your code is %(code)s. It is valid for %(minutes)d minutes. Do not give it to anyone.") % {
            "code": code,
            "minutes": minutes,
        }
    meta = {"household_id": row.household_id, "code_request_id": row.pk, "code": code}
    sms_sender().send(to=number, text=text, meta=meta)
    return True


def _normalised_code(code: str) -> str:
    return "".join(ch for ch in fold_digits(code or "") if ch.isdigit())


def code_verify(*, code_request_id: int, code: str) -> CodeCheck:
    """Check a typed code against the request: right once, within ten minutes, and only before
    ``MAX_WRONG_CODES`` wrong codes. A request for an unknown number has no code and fails alike."""
    now = timezone.now()
    typed = _normalised_code(code)
    with transaction.atomic():
        row = (
            CodeRequest.objects.select_for_update(of=("self",))
            .select_related("household")
            .filter(pk=code_request_id, throttled=False)
            .first()
        )
        if row is None:
            return CodeCheck(Verdict.EXPIRED, 0)
        expected = _code_key(row.pk, typed)  # computed for every request, known or not
        right = bool(row.code_hash) and hmac.compare_digest(row.code_hash, expected)
        if row.used_at is not None or row.expires_at is None or now >= row.expires_at:
            verdict = Verdict.EXPIRED
        elif row.attempts >= MAX_WRONG_CODES:
            verdict = Verdict.LOCKED
        elif right:
            verdict = Verdict.VERIFIED
            row.used_at = now
            row.save(update_fields=["used_at"])
        else:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            verdict = Verdict.LOCKED if row.attempts >= MAX_WRONG_CODES else Verdict.WRONG
        data: dict[str, Any] = {"code_request_id": row.pk, **_phone_data(row.phone_id)}
        if verdict != Verdict.VERIFIED:
            data["outcome"] = verdict.value
        audit.record(
            actor=_claimed(row.household_id, row.phone_id),
            action="portal.code_verified" if verdict == Verdict.VERIFIED else "portal.code_failed",
            target=row.household,
            data=data,
        )
    return CodeCheck(verdict, max(0, MAX_WRONG_CODES - row.attempts), row.household_id, row.phone_id)


def _require_own(who: Actor, household: Household) -> Actor:
    # A refugee acts on their own household only: the one whose code they typed.
    actor = as_actor(who)
    if actor.kind != ActorKind.REFUGEE:
        raise NotPermitted
    require(actor, "person.view", household)
    return actor


@transaction.atomic
def callback_request(*, actor: Actor, household: Household) -> tuple[FollowUp, bool]:
    """Put a call-back request in the protection officers' work queue (through
    ``consent.services.follow_up_callback_request``: one open request per household). Returns the
    follow-up and whether it is new; a new one is audited here too, with the verified phone."""
    actor = _require_own(actor, household)
    already = FollowUp.objects.filter(
        household=household, kind=FollowUpKind.CALLBACK_REQUEST, done_at__isnull=True
    ).exists()
    follow_up = follow_up_callback_request(actor=actor, household=household)
    if not already:
        audit.record(
            actor=actor,
            action="portal.callback_requested",
            target=household,
            data={"follow_up_id": follow_up.pk, **_phone_data(actor.details.get("phone"))},
        )
    return follow_up, not already


@transaction.atomic
def adult_withdraw(*, actor: Actor, individual: Individual) -> Withdrawal:
    """The adult who said who they are withdraws their consent, here and now: a ``Withdrawal`` with
    the self-service channel and a follow-up call in the protection officers' queue (both made by
    ``consent.services.consent_withdraw``), audited here too with the chosen adult and the verified
    phone. The household's registry record is not touched."""
    household = individual.household
    actor = _require_own(actor, household)
    if actor.details.get("individual_id") != individual.pk:
        raise ServiceError(_("Choose which adult of the household you are."))
    withdrawal = consent_withdraw(actor=actor, individual=individual, channel=WithdrawalChannel.SELF_SERVICE)
    audit.record(
        actor=actor,
        action="portal.withdrawal_made",
        target=household,
        data={
            "withdrawal_id": withdrawal.pk,
            "individual_id": individual.pk,
            **_phone_data(actor.details.get("phone")),
        },
    )
    return withdrawal
