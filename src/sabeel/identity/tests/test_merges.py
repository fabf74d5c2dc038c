"""Merges as reversible links (docs/eligibility.md rule 18): the services ``merge``,
``merge_decide`` and ``unmerge`` and what every reader sees through them.

The stories: the same spouse registered twice in one household (takes effect at once), in two
households (a family change: pending until a protection officer joins or refuses), in two working
groups (both groups' permission and an active data-sharing agreement, or nothing is recorded); a
withdrawal on either record wins; an unmerge gives back exactly the verdicts and member lists of
before; no chains; audit rows with ids only; who may do what."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.http import Http404

from sabeel.consent import services as consent_services
from sabeel.consent.eligibility import MERGE_PENDING, MERGE_RECORDED, HouseholdEligibility, household_eligibility
from sabeel.consent.models import ReturnConsent, Withdrawal
from sabeel.consent.tests.factories import consent, days_ago, programme_make
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.core.permissions import forget_memberships
from sabeel.core.roles import Role
from sabeel.engines.eligibility import ReasonCode
from sabeel.identity import links, merges
from sabeel.identity.models import LinkState, PersonLink
from sabeel.registry import services as registry
from sabeel.registry.models import Household, Individual
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.sharing.models import ShareEntry
from sabeel.sharing.tests.factories import agreement_make, sharing_consent
from sabeel.workgroups.models import Membership
from sabeel.workgroups.testing import Cast

pytestmark = pytest.mark.django_db

REASON = "Registered twice by two agencies"


def twice(**values: Any) -> Any:
    """The spouse's second registration: the same woman, spelled the French way."""
    return spouse(**{"first_name_lat": "Fatma", "family_name_lat": "Al Zoubi", **values})


def ready(cast: Cast, household: Household, *people: Individual) -> None:
    """``people`` consented 30 days ago and re-confirmed 2 days ago."""
    for person in people:
        consent(cast, person, on=days_ago(30))
        consent_services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=person, on=days_ago(2))


def member(household: Household, relationship: str, nth: int = 0) -> Individual:
    return list(household.members.filter(relationship=relationship).order_by("pk"))[nth]


def verdict(household: Household) -> tuple[Any, ...]:
    """Everything a verdict says, in a form that compares equal when it says the same."""
    household.refresh_from_db()
    answer: HouseholdEligibility = household_eligibility(household=household)
    return (
        answer.may_schedule,
        answer.may_depart,
        sorted((r.code, r.member_id, str(r.text)) for r in answer.reasons_not_schedulable),
        sorted((r.code, r.member_id, str(r.text)) for r in answer.reasons_departure_only),
        sorted(answer.travelling_member_ids),
        sorted((k, tuple(v)) for k, v in answer.member_words.items()),
    )


def codes(household: Household) -> set[tuple[str, int | None]]:
    household.refresh_from_db()
    return {(str(r.code), r.member_id) for r in household_eligibility(household=household).reasons_not_schedulable}


def roster(household: Household) -> list[tuple[int, str, str]]:
    return list(Individual.objects.filter(household=household).order_by("pk").values_list("pk", "status", "presence"))


def merge_rows() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="identity.").exclude(action__startswith="identity.run").order_by("seq"))


@pytest.fixture
def one_household(cast, places):  # type: ignore[no-untyped-def]
    """Mohamad, Fatima and Fatma (Fatima registered a second time), all consented and re-confirmed."""
    programme_make(cast)
    household = household_make(cast, "lb", members=[head(), spouse(), twice()])
    ready(cast, household, *household.members.order_by("pk"))
    return household


@pytest.fixture
def two_households(cast, places):  # type: ignore[no-untyped-def]
    """The Harirís (ready to go) and another registration of Fatima in a household of her own."""
    programme_make(cast)
    hariri = household_make(cast, "lb", members=[head(), spouse()])
    ready(cast, hariri, *hariri.members.order_by("pk"))
    other = household_make(cast, "lb", members=[twice(relationship="head")])
    return hariri, other


# --- within one household -------------------------------------------------------------------------


def test_within_one_household_takes_effect_at_once_and_the_person_counts_once(cast, one_household):
    fatima, fatma = member(one_household, "spouse", 0), member(one_household, "spouse", 1)
    before = verdict(one_household)
    assert before[0] is True and fatma.pk in before[4]

    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)

    assert link.state == LinkState.ACTIVE and link.effective_at is not None and not link.crosses_households
    answer = household_eligibility(household=one_household)
    assert answer.may_schedule, answer.reasons_not_schedulable
    assert fatma.pk not in answer.travelling_member_ids and fatima.pk in answer.travelling_member_ids
    assert links.survivors([fatma.pk, fatima.pk]) == {fatma.pk: fatima.pk, fatima.pk: fatima.pk}
    # Both records stay, unchanged.
    assert Individual.objects.filter(pk__in=[fatima.pk, fatma.pk], status="active").count() == 2


def test_unmerge_restores_exactly_the_verdict_and_members(cast, one_household):
    fatima, fatma = member(one_household, "spouse", 0), member(one_household, "spouse", 1)
    before, members_before = verdict(one_household), roster(one_household)
    consents_before, withdrawals_before = ReturnConsent.objects.count(), Withdrawal.objects.count()
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    assert verdict(one_household) != before

    done = merges.unmerge(actor=cast["lb_registration_officer"], link=link, reason="Two different women")

    assert done.state == LinkState.REVERSED and done.unmerged_at is not None and done.unmerge_reason == "Two different women"
    assert verdict(one_household) == before
    assert roster(one_household) == members_before
    assert (ReturnConsent.objects.count(), Withdrawal.objects.count()) == (consents_before, withdrawals_before)
    assert links.survivor_id(fatma.pk) == fatma.pk
    with pytest.raises(ServiceError):
        merges.unmerge(actor=cast["lb_registration_officer"], link=done, reason="Once more")


# --- withdrawals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("on_merged", [True, False], ids=["withdrawal-on-merged-record", "withdrawal-on-survivor"])
def test_a_withdrawal_on_either_record_wins_after_the_merge(cast, one_household, on_merged):
    fatima, fatma = member(one_household, "spouse", 0), member(one_household, "spouse", 1)
    # The other record of the same woman withdrew: she is one person, so her consent is cancelled.
    withdrawn = fatma if on_merged else fatima
    consent_services.consent_withdraw(actor=cast["lb_registration_officer"], individual=withdrawn, channel="phone")
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)

    answer = household_eligibility(household=one_household)
    assert not answer.may_schedule
    assert (ReasonCode.CONSENT_WITHDRAWN, fatima.pk) in {(r.code, r.member_id) for r in answer.reasons_not_schedulable}
    assert Withdrawal.objects.filter(individual=withdrawn).count() == 1

    # After the unmerge the withdrawal stays with the record it was made for.
    merges.unmerge(actor=cast["lb_registration_officer"], link=link, reason="Two different women")
    assert (ReasonCode.CONSENT_WITHDRAWN, withdrawn.pk) in codes(one_household)
    assert Withdrawal.objects.filter(individual=withdrawn).count() == 1


def test_a_withdrawal_on_the_merged_record_in_another_household_counts_in_the_survivors(cast, two_households):
    hariri, other = two_households
    fatima, fatma = member(hariri, "spouse"), member(other, "head")
    consent_services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatma, channel="in_person")
    assert household_eligibility(household=hariri).may_schedule
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason="Seen with the family")
    assert (ReasonCode.CONSENT_WITHDRAWN, fatima.pk) in codes(hariri)


# --- across households: a family change -----------------------------------------------------------


def test_across_households_waits_for_a_protection_officer_and_blocks_both(cast, two_households):
    hariri, other = two_households
    fatima, fatma = member(hariri, "spouse"), member(other, "head")
    before = (verdict(hariri), verdict(other))
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)

    assert link.state == LinkState.PENDING and link.crosses_households and link.effective_at is None
    assert (MERGE_PENDING, fatima.pk) in codes(hariri)
    assert (MERGE_PENDING, fatma.pk) in codes(other)
    # Nothing else reads through a pending merge.
    assert links.survivor_id(fatma.pk) == fatma.pk
    assert [link.pk] == [p.pk for p in links.merges_pending_decision(actor=cast["lb_protection_officer"])]
    assert not links.merges_pending_decision(actor=cast["jo_protection_officer"]).exists()
    # A pending record cannot be merged again.
    with pytest.raises(ServiceError):
        merges.merge(actor=cast["lb_registration_officer"], survivor=member(hariri, "head"), merged=fatma, reason=REASON)

    # Refused: the merge is not made; both households read as before.
    refused = merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="refuse", reason="Two women")
    assert refused.state == LinkState.REFUSED and refused.decided_by == cast["lb_protection_officer"]
    assert (verdict(hariri), verdict(other)) == before
    with pytest.raises(ServiceError):
        merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason="Changed my mind")


def test_a_join_takes_effect_and_the_other_household_shows_the_split(cast, two_households):
    hariri, other = two_households
    fatima, fatma = member(hariri, "spouse"), member(other, "head")
    before = (verdict(hariri), verdict(other), roster(hariri), roster(other))
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    joined = merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason="Seen with the family")

    assert joined.state == LinkState.ACTIVE and joined.effective_at is not None
    assert links.survivor_id(fatma.pk) == fatima.pk
    answer = household_eligibility(household=hariri)
    assert answer.may_schedule and fatima.pk in answer.travelling_member_ids
    theirs = household_eligibility(household=other)
    assert fatma.pk not in theirs.travelling_member_ids and fatima.pk not in theirs.travelling_member_ids
    assert [n.code for n in theirs.notes] == [MERGE_RECORDED]
    assert "Seen with the family" in str(theirs.notes[0].text)

    merges.unmerge(actor=cast["lb_registration_officer"], link=joined, reason="Two different women")
    assert (verdict(hariri), verdict(other), roster(hariri), roster(other)) == before


def test_a_join_fails_closed_when_a_record_left_its_household_meanwhile(cast, two_households):
    hariri, other = two_households
    fatima, fatma = member(hariri, "spouse"), member(other, "head")
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    registry.household_close(actor=cast["lb_registration_officer"], household=other, reason="Returned on its own")
    with pytest.raises(ServiceError):
        merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason="Seen with the family")
    assert PersonLink.objects.get(pk=link.pk).state == LinkState.PENDING
    merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="refuse", reason="The file is closed")


# --- across working groups ------------------------------------------------------------------------


def _both_groups(cast: Cast) -> Any:
    """Lebanon's registration officer, also registration officer in Jordan."""
    officer = cast["lb_registration_officer"]
    Membership.objects.create(
        user=officer, working_group=cast.groups["jo"], role=Role.REGISTRATION_OFFICER,
        organisation=cast.organisations["iom"], starts_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    forget_memberships(officer)
    return officer


@pytest.fixture
def two_groups(cast, places):  # type: ignore[no-untyped-def]
    """Fatima in Lebanon and her second registration in Jordan (the merged record: Jordan's)."""
    lebanon = household_make(cast, "lb", members=[head(), spouse()])
    jordan = household_make(cast, "jo", members=[twice(relationship="head")])
    return member(lebanon, "spouse"), member(jordan, "head")


def test_across_groups_without_an_agreement_is_refused_and_nothing_is_recorded(cast, two_groups):
    fatima, fatma = two_groups
    officer = _both_groups(cast)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=fatima, merged=fatma, reason=REASON)
    # An agreement of the wrong group (the survivor's) does not cover the merged record.
    wrong = agreement_make(cast, "lb")
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=fatima, merged=fatma, reason=REASON, agreement_id=wrong.pk)
    assert not PersonLink.objects.exists() and not ShareEntry.objects.exists()
    assert AuditEntry.objects.count() == audit_before + 1  # the agreement's creation only


def test_across_groups_needs_merge_permission_in_both(cast, two_groups):
    fatima, fatma = two_groups
    agreement = agreement_make(cast, "jo")
    with pytest.raises((NotPermitted, Http404)):
        merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON, agreement_id=agreement.pk)
    with pytest.raises((NotPermitted, Http404)):
        merges.merge(actor=cast["jo_registration_officer"], survivor=fatima, merged=fatma, reason=REASON, agreement_id=agreement.pk)
    assert not PersonLink.objects.exists()


def test_across_groups_with_an_active_agreement_is_a_logged_share_and_a_family_change(cast, two_groups):
    fatima, fatma = two_groups
    officer = _both_groups(cast)
    # Jordan's agreement shares with the agency the officer works for in Lebanon (the recipient).
    agreement = agreement_make(cast, "jo", parties=[cast.organisations["un"]])
    # The agreement needs the person's consent to share: without it, refused.
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=fatima, merged=fatma, reason=REASON, agreement_id=agreement.pk)
    sharing_consent(cast, fatma, group="jo", parties=[cast.organisations["un"]])
    link = merges.merge(actor=officer, survivor=fatima, merged=fatma, reason=REASON, agreement_id=agreement.pk)

    assert link.crosses_groups and link.crosses_households and link.state == LinkState.PENDING
    assert link.agreement_id == agreement.pk
    share = ShareEntry.objects.get(pk=link.share_entry_id)
    assert share.kind == "cross_group_merge" and share.people_count == 1
    # One audit row in each group; both groups' protection officers see it waiting.
    rows = [r for r in merge_rows() if r.action == "identity.merged"]
    assert sorted(r.working_group_id for r in rows) == sorted([cast.groups["lb"].pk, cast.groups["jo"].pk])
    assert links.merges_pending_decision(actor=cast["jo_protection_officer"]).get() == link
    # A protection officer of one group only cannot decide a family change in both.
    with pytest.raises((NotPermitted, Http404)):
        merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason="Seen with the family")


# --- no chains ------------------------------------------------------------------------------------


def test_no_chains(cast, places):
    household = household_make(cast, "lb", members=[head(), spouse(), twice(), twice(first_name_lat="Fatme")])
    mohamad = member(household, "head")
    fatima, fatma, fatme = (member(household, "spouse", n) for n in range(3))
    officer = cast["lb_registration_officer"]
    merges.merge(actor=officer, survivor=fatima, merged=fatma, reason=REASON)

    # A merge into a merged record is a merge into its survivor.
    onward = merges.merge(actor=officer, survivor=fatma, merged=fatme, reason=REASON)
    assert onward.survivor_id == fatima.pk
    # A merged record cannot be merged again; a survivor with records merged into it cannot be merged away.
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=mohamad, merged=fatma, reason=REASON)
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=mohamad, merged=fatima, reason=REASON)
    # Merging a survivor into one of its own records: already one person.
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=fatma, merged=fatima, reason=REASON)
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=fatima, merged=fatima, reason=REASON)
    live = PersonLink.objects.filter(state__in=[LinkState.ACTIVE, LinkState.PENDING])
    assert not live.filter(merged_id__in=live.values("survivor_id")).exists()
    assert links.survivors([fatma.pk, fatme.pk]) == {fatma.pk: fatima.pk, fatme.pk: fatima.pk}


def test_a_reason_is_required_and_only_current_members_of_open_households_merge(cast, places):
    household = household_make(cast, "lb", members=[head(), spouse(), twice()])
    fatima, fatma = member(household, "spouse", 0), member(household, "spouse", 1)
    officer = cast["lb_registration_officer"]
    with pytest.raises(ServiceError) as error:
        merges.merge(actor=officer, survivor=fatima, merged=fatma, reason="  ")
    assert "reason" in error.value.fields
    registry.household_close(actor=officer, household=household, reason="Returned on its own")
    with pytest.raises(ServiceError):
        merges.merge(actor=officer, survivor=fatima, merged=fatma, reason=REASON)
    assert not PersonLink.objects.exists()


# --- the audit trail ------------------------------------------------------------------------------


def test_audit_rows_hold_ids_only(cast, two_households):
    hariri, other = two_households
    fatima, fatma = member(hariri, "spouse"), member(other, "head")
    secret = "Fatima told us her sister Amal"
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=secret)
    merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason=secret)
    merges.unmerge(actor=cast["lb_registration_officer"], link=link, reason=secret)

    rows = merge_rows()
    assert [r.action for r in rows] == ["identity.merged", "identity.merge_decided", "identity.unmerged"]
    for row in rows:
        text = json.dumps(row.data, ensure_ascii=False)
        for word in ("Fatima", "Fatma", "Amal", "فاطمة", "Zoubi", "الزعبي", "Hariri"):
            assert word not in text, (row.action, text)
        assert row.data["link_id"] == link.pk
        assert row.data["merged_id"] == fatma.pk and row.data["survivor_id"] == fatima.pk
        assert set(row.data) <= {"link_id", "merged_id", "survivor_id", "household_ids", "state", "agreement_id", "pair_id", "decision"}


# --- permissions ----------------------------------------------------------------------------------


def test_who_may_merge_decide_and_unmerge(cast, two_households):
    hariri, other = two_households
    fatima, fatma = member(hariri, "spouse"), member(other, "head")
    for persona in ("lb_movement_officer", "lb_coordinator", "lb_finance_officer"):
        with pytest.raises(NotPermitted):
            merges.merge(actor=cast[persona], survivor=fatima, merged=fatma, reason=REASON)
    with pytest.raises(Http404):
        merges.merge(actor=cast["jo_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    # A family decision is a protection officer's (consent.record): not the registration officer's.
    with pytest.raises(NotPermitted):
        merges.merge_decide(actor=cast["lb_registration_officer"], link=link, decision="join", reason="Seen with the family")
    with pytest.raises(ServiceError):
        merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="maybe", reason="Seen with the family")
    with pytest.raises(NotPermitted):
        merges.unmerge(actor=cast["lb_movement_officer"], link=link, reason="Two different women")
    with pytest.raises(Http404):
        links.link_get(actor=cast["jo_registration_officer"], pk=link.pk)
    assert links.link_get(actor=cast["lb_protection_officer"], pk=link.pk) == link
    # A protection officer may also unmerge (identity.merge).
    merges.unmerge(actor=cast["lb_protection_officer"], link=link, reason="Two different women")


# --- other readers: the funnel's people -----------------------------------------------------------


def test_the_funnel_counts_a_merged_person_once_and_again_twice_after_the_unmerge(cast, places):
    from sabeel.reports import selectors as funnel
    from sabeel.reports.types import Dimension, Stage

    household = household_make(cast, "lb", members=[head(), spouse(), twice()])
    fatima, fatma = member(household, "spouse", 0), member(household, "spouse", 1)

    def people() -> int | None:
        funnel._cache.clear()
        table = funnel.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY, unit="people")
        return table.total.cells[Stage.REGISTERED].value

    assert people() == 3
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    assert people() == 2
    merges.unmerge(actor=cast["lb_registration_officer"], link=link, reason="Two different women")
    # A reversed link (and several of them) never counts a member twice.
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason=REASON)
    merges.unmerge(actor=cast["lb_registration_officer"], link=link, reason="Two different women")
    assert people() == 3
