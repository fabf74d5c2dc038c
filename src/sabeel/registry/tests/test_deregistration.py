"""Deregistration: a household's file closed after a verified return (its arrival confirmation as
evidence), a presumed return (a protection officer, the programme's months without contact or
assistance, never with a withdrawal or an open follow-up), or on request; every closed state
reopens after a failed or reversed return, and the record is then exactly as it was."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabeel.assistance.tests.factories import returned
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.movements.models import Confirmation
from sabeel.registry import services
from sabeel.registry.choices import DeregistrationState, HouseholdStatus
from sabeel.registry.models import Deregistration, Household
from sabeel.registry.tests.factories import household_make

pytestmark = pytest.mark.django_db

SEVEN_MONTHS = 7 * 30


def _record(household: Household) -> dict:
    household.refresh_from_db()
    return {k: v for k, v in model_to_dict(household).items() if k not in ("version",)}


def _arrival(household: Household) -> Confirmation:
    return Confirmation.objects.get(placement__household=household, kind="arrived")


def test_verified_return_needs_the_households_arrival(cast):
    officer = cast["lb_registration_officer"]
    arrived = returned(cast)
    other = returned(cast)
    with pytest.raises(ServiceError):
        services.household_verified_return(actor=officer, household=arrived, confirmation_id=_arrival(other).pk)
    not_arrived = returned(cast, arrived=False)
    with pytest.raises(ServiceError):
        services.household_verified_return(actor=officer, household=not_arrived, confirmation_id=0)
    closed = services.household_verified_return(actor=officer, household=arrived, confirmation_id=_arrival(arrived).pk)
    assert (closed.status, closed.deregistration) == (HouseholdStatus.CLOSED, DeregistrationState.VERIFIED_RETURN)
    row = Deregistration.objects.get(household=arrived)
    assert row.evidence["confirmation_id"] == _arrival(arrived).pk and row.actor_id
    assert AuditEntry.objects.filter(action="household.deregistered_verified").count() == 1


def test_close_and_reopen_keep_their_history_as_transitions(cast):
    officer = cast["lb_registration_officer"]
    household = household_make(cast)
    services.household_close(actor=officer, household=household, reason="Moved to a third country")
    household.refresh_from_db()
    assert household.deregistration == DeregistrationState.CLOSED_ON_REQUEST
    services.household_reopen(actor=officer, household=household, reason="Still in Lebanon")
    assert list(Deregistration.objects.filter(household=household).values_list("from_state", "to_state", "reason")) == [
        ("active", "request", "Moved to a third country"),
        ("request", "active", "Still in Lebanon"),
    ]


def test_presumed_return_only_by_a_protection_officer_after_the_months(cast, clock):
    household = household_make(cast)
    with pytest.raises((NotPermitted, Http404)):
        services.household_presumed_return(actor=cast["lb_registration_officer"], household=household, months=6, programme_id=1, rule_version=1)
    protection = cast["lb_protection_officer"]
    with pytest.raises(ServiceError):  # registered today: contact in the period
        services.household_presumed_return(actor=protection, household=household, months=6, programme_id=1, rule_version=1)
    clock.advance(days=SEVEN_MONTHS)
    closed = services.household_presumed_return(actor=protection, household=household, months=6, programme_id=1, rule_version=1)
    assert closed.deregistration == DeregistrationState.PRESUMED_RETURN
    assert Deregistration.objects.get(household=household, to_state="presumed").evidence["months"] == 6


def test_never_presumed_with_a_withdrawal_or_an_open_follow_up(cast, clock):
    from sabeel.consent.models import FollowUp, FollowUpKind, Withdrawal, WithdrawalChannel
    from sabeel.consent.services import follow_up_callback_request

    household = household_make(cast)
    clock.advance(days=SEVEN_MONTHS)
    follow_up = follow_up_callback_request(actor=cast["lb_protection_officer"], household=household)
    assert follow_up.kind == FollowUpKind.CALLBACK_REQUEST
    assert services.presumed_return_blockers(household, months=6) == {"follow_up": "open"}
    with pytest.raises(ServiceError):
        services.household_presumed_return(actor=cast["lb_protection_officer"], household=household, months=6, programme_id=1, rule_version=1)
    FollowUp.objects.filter(pk=follow_up.pk).update(done_at=follow_up.created_at)
    assert services.presumed_return_blockers(household, months=6) == {}
    # a withdrawal in the period blocks too (written as the row the consent app keeps)
    Withdrawal.objects.create(household=household, individual=household.members.first(), at=timezone.now(), channel=WithdrawalChannel.values[0])
    assert services.presumed_return_blockers(household, months=6) == {"withdrawal": "withdrawal"}
    clock.advance(days=SEVEN_MONTHS)
    assert services.presumed_return_blockers(household, months=6) == {}


OPS = st.lists(st.sampled_from(["request", "verified", "verified_without_evidence", "presumed", "presumed_too_soon", "reopen"]), max_size=7)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_state_machine(cast, clock, ops):
    """Random sequences of transitions against an oracle: no transition skips its evidence, every
    closed state reopens, a reopen restores the record exactly, and nothing is deleted."""
    officer, protection = cast["lb_registration_officer"], cast["lb_protection_officer"]

    class Rollback(Exception):
        """Undoes one example's writes: hypothesis runs many in one test transaction."""

    with contextlib.suppress(Rollback), transaction.atomic():
        household = returned(cast)
        arrival = _arrival(household)
        open_record = _record(household)
        state, transitions = DeregistrationState.ACTIVE, 0
        for op in ops:
            closed = state != DeregistrationState.ACTIVE
            try:
                if op == "request":
                    services.household_close(actor=officer, household=household, reason="On request")
                elif op == "verified":
                    services.household_verified_return(actor=officer, household=household, confirmation_id=arrival.pk)
                elif op == "verified_without_evidence":
                    services.household_verified_return(actor=officer, household=household, confirmation_id=0)
                elif op == "presumed":
                    clock.advance(days=SEVEN_MONTHS)
                    services.household_presumed_return(actor=protection, household=household, months=6, programme_id=1, rule_version=1)
                elif op == "presumed_too_soon":
                    services.household_presumed_return(actor=protection, household=household, months=1200 // 10, programme_id=1, rule_version=1)
                else:
                    services.household_reopen(actor=officer, household=household, reason="The return failed")
                ok = True
            except ServiceError:
                ok = False
            expected_ok = {
                "request": not closed,
                "verified": not closed,
                "verified_without_evidence": False,
                "presumed": not closed,
                "presumed_too_soon": False,
                "reopen": closed,
            }[op]
            assert ok == expected_ok, (op, state)
            if ok:
                transitions += 1
                state = {
                    "request": DeregistrationState.CLOSED_ON_REQUEST,
                    "verified": DeregistrationState.VERIFIED_RETURN,
                    "presumed": DeregistrationState.PRESUMED_RETURN,
                    "reopen": DeregistrationState.ACTIVE,
                }[op]
            household.refresh_from_db()
            assert household.deregistration == state
            assert (household.status == HouseholdStatus.CLOSED) == (state != DeregistrationState.ACTIVE)
            if state == DeregistrationState.ACTIVE:
                now = _record(household)
                assert now == open_record
            rows = list(Deregistration.objects.filter(household=household).order_by("pk"))
            assert len(rows) == transitions  # nothing deleted, nothing skipped
            for row in rows:
                assert row.reason and row.actor_id and row.at
                if row.to_state == DeregistrationState.VERIFIED_RETURN:
                    assert row.evidence.get("confirmation_id") == arrival.pk
                if row.to_state == DeregistrationState.PRESUMED_RETURN:
                    assert row.evidence.get("months") == 6 and row.evidence.get("confirmed_by_id") == protection.pk
        # every closed state reopens
        if state != DeregistrationState.ACTIVE:
            services.household_reopen(actor=officer, household=household, reason="The return was reversed")
            assert _record(household) == open_record
        raise Rollback
