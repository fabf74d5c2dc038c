"""Withdrawal of consent and the protection officers' follow-ups."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.consent.choices import STAFF_CHANNELS
from sabeel.consent.models import (
    ConsentEnd,
    FollowUp,
    FollowUpKind,
    ReturnConsent,
    Withdrawal,
    WithdrawalChannel,
)
from sabeel.consent.services._common import (
    CLOCK_SKEW,
    OUTCOME_MIN,
    _active_programme,
    _fail,
    _household_of,
    _not_before_birth,
    _not_before_programme,
    _record,
    _staff_user,
    _text,
    _with_group,
)
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import ActorKind
from sabeel.core.permissions import require
from sabeel.registry.models import Household, Individual


def _require_withdraw(actor: Actor, household: Household, individual: Individual, channel: str) -> None:
    """The person themself (self-service, for their own household), or an officer holding
    ``consent.withdraw`` in the household's group, or a system job (check-in)."""
    require(actor, "consent.withdraw", household)
    if actor.kind == ActorKind.REFUGEE:
        chosen = actor.details.get("individual_id")
        if chosen is not None and int(chosen) != individual.pk:
            raise NotPermitted
        if channel != WithdrawalChannel.SELF_SERVICE:
            raise _fail("channel", _("On the self-service page a withdrawal is made through the page itself."))
        return
    if actor.kind == ActorKind.USER and channel not in STAFF_CHANNELS:
        raise _fail("channel", _("Say how the person told you: by phone, in person or at check-in."))


@transaction.atomic
def consent_withdraw(*, actor: Actor, individual: Individual, channel: str, at: dt.datetime | None = None) -> Withdrawal:
    """Record that an adult withdrew consent, at any time and by any channel: on the self-service
    page (the actor is the refugee), by phone or in person to an officer, or at check-in.

    It takes effect at once: eligibility is computed from the records, so the household is not
    eligible from this commit on. The household's registry record is never closed, downgraded or
    flagged; nothing of it is touched. A call to the person goes into the protection officers'
    work queue (one open call per person), and they are notified once the withdrawal is committed.

    It is never refused for a missing counselling, consent or programme; only an impossible time
    typed for it is (in the future, before the person was born, before the programme started), and
    then the time is refused, not the withdrawal: leaving it empty records it as of now. Every
    active consent of the person ends with it, so a new consent may be recorded afterwards."""
    who = as_actor(actor)
    household = _household_of(individual)
    if channel not in WithdrawalChannel.values:
        raise _fail("channel", _("Choose how the withdrawal was made."))
    _require_withdraw(who, household, individual, channel)
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        raise _fail("at", _("Give the time with its time zone."))
    if at > now + CLOCK_SKEW:
        raise _fail("at", _("The time cannot be in the future. Leave it empty to record the withdrawal as of now."))
    day = at.astimezone(ZoneInfo(household.working_group.time_zone or "UTC")).date()
    try:
        _not_before_birth(day, [individual], "at")
        _not_before_programme(day, _active_programme(household), "at")
    except ServiceError as error:
        hint = _("Leave the time empty to record the withdrawal as of now.")
        raise _fail("at", f"{error.message} {hint}") from None
    withdrawal = Withdrawal.objects.create(
        household=household, individual=individual, at=at, channel=channel, recorded_by_id=who.user_id
    )
    ended = ReturnConsent.objects.filter(individual=individual, ended_at__isnull=True).update(
        ended_at=now, ended_reason=ConsentEnd.WITHDRAWN, updated_at=now
    )
    follow_up = FollowUp.objects.filter(
        household=household, individual=individual, kind=FollowUpKind.WITHDRAWAL_CALL, done_at__isnull=True
    ).first() or FollowUp.objects.create(household=household, individual=individual, kind=FollowUpKind.WITHDRAWAL_CALL)
    _record(
        who,
        "consent.withdrawn",
        withdrawal,
        household,
        withdrawal_id=withdrawal.pk,
        individual_id=individual.pk,
        follow_up_id=follow_up.pk,
        channel=channel,
        consents_ended=ended,
    )
    follow_up_id = follow_up.pk
    transaction.on_commit(lambda: _notify(follow_up_id))
    return withdrawal


def _notify(follow_up_id: int) -> None:
    from sabeel.consent.tasks import follow_up_notify

    follow_up_notify.enqueue(follow_up_id=follow_up_id)


# --- the protection officers' work queue ------------------------------------------------------------


@transaction.atomic
def follow_up_close(*, actor: Actor, follow_up: FollowUp, outcome: str) -> FollowUp:
    """A protection officer records what came of a follow-up (the call made) and closes it."""
    household = _with_group(follow_up.household)
    require(actor, "consent.record", household)
    current = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if current.done_at is not None:
        raise ServiceError(_("This follow-up is already closed."), code="conflict")
    outcome = _text(outcome, "outcome")
    if len(outcome) < OUTCOME_MIN:
        raise _fail("outcome", _("Say what came of it."))
    current.done_at = timezone.now()
    current.done_by = _staff_user(actor)
    current.outcome = outcome
    current.save(update_fields=["done_at", "done_by", "outcome", "updated_at"])
    _record(actor, "consent.follow_up_closed", current, household, follow_up_id=current.pk, kind=current.kind)
    return current


@transaction.atomic
def follow_up_callback_request(*, actor: Actor, household: Household, individual: Individual | None = None) -> FollowUp:
    """The household asked for a call-back (self-service page, or an officer on its behalf): one
    open request per household goes into the protection officers' work queue."""
    who = as_actor(actor)
    household = _with_group(household)
    require(who, "person.view", household)
    if individual is not None and individual.household_id != household.pk:
        raise _fail("individual", _("This person is not a member of the household."))
    follow_up = FollowUp.objects.filter(household=household, kind=FollowUpKind.CALLBACK_REQUEST, done_at__isnull=True).first()
    if follow_up is None:
        follow_up = FollowUp.objects.create(household=household, individual=individual, kind=FollowUpKind.CALLBACK_REQUEST)
        _record(who, "consent.callback_requested", follow_up, household, follow_up_id=follow_up.pk)
        follow_up_id = follow_up.pk
        transaction.on_commit(lambda: _notify(follow_up_id))
    return follow_up
