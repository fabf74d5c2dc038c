"""Stories of hard rule 4: agreements, the one check, the consent filter, tokens and the share log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.registry.models import Individual
from sabeel.sharing import services
from sabeel.sharing.models import AgreementToken, AgreementVersion, ShareEntry
from sabeel.sharing.services import AgreementRefused, agreement_require, group_today, people_covered
from sabeel.sharing.tests.factories import PURPOSE, agreement_make, sharing_consent

pytestmark = pytest.mark.django_db

NAMES = ("Mohamad", "Fatima", "محمد", "فاطمة", "Hariri", "الحريري", "03 123 456")


def _require(cast, agreement, **overrides):  # type: ignore[no-untyped-def]
    arguments = {
        "agreement_id": agreement.pk,
        "working_group": cast.groups["lb"],
        "purpose": PURPOSE,
        "categories": ["names_contacts"],
        "recipient": cast.organisations["iom"],
    }
    return agreement_require(cast["lb_registration_officer"], **{**arguments, **overrides})


def test_an_administrator_records_an_agreement_with_its_first_version_and_an_audit_row_of_ids(cast):
    agreement = agreement_make(cast)
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1
    row = AuditEntry.objects.get(action="sharing.agreement_created")
    assert row.data["agreement_id"] == agreement.pk
    assert row.data["organisation_ids"] == [cast.organisations["iom"].pk]
    assert row.working_group_id == cast.groups["lb"].pk


def test_only_the_groups_administrators_record_agreements(cast):
    with pytest.raises(NotPermitted):
        services.agreement_create(actor=cast["lb_registration_officer"], working_group=cast.groups["lb"], reference="X")
    with pytest.raises(Http404):
        services.agreement_create(actor=cast["jo_administrator"], working_group=cast.groups["lb"], reference="X")


def test_the_protection_case_never_leaves_under_an_agreement(cast):
    with pytest.raises(ServiceError) as refused:
        agreement_make(cast, categories=["protection_case"])
    assert "categories" in refused.value.fields


def test_a_covering_agreement_passes_the_one_check(cast):
    agreement = agreement_make(cast)
    assert _require(cast, agreement) == agreement
    assert _require(cast, agreement, purpose=None, recipient=None, categories=["documents", "specific_needs"]) == agreement


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"agreement_id": None}, "No data-sharing agreement"),
        ({"purpose": "Security screening"}, "purpose"),
        ({"categories": ["names_contacts", "protection_case"]}, "does not cover all the data"),
    ],
)
def test_no_agreement_or_a_wrong_purpose_or_category_is_refused(cast, overrides, words):
    agreement = agreement_make(cast, categories=["names_contacts", "documents"])
    with pytest.raises(AgreementRefused) as refused:
        _require(cast, agreement, **overrides)
    assert words in refused.value.message


def test_another_groups_agreement_or_a_recipient_not_party_is_refused(cast):
    jordan = agreement_make(cast, "jo")
    with pytest.raises(AgreementRefused):
        _require(cast, jordan)
    lebanon = agreement_make(cast)
    with pytest.raises(AgreementRefused, match="not a recipient"):
        _require(cast, lebanon, recipient=cast.organisations["donor"])


def test_an_aggregate_agreement_covers_no_person_level_rows(cast):
    agreement = agreement_make(cast, level="aggregate", categories=[])
    with pytest.raises(AgreementRefused, match="aggregate"):
        _require(cast, agreement, categories=[])


def test_an_expired_or_not_yet_started_agreement_is_refused(cast):
    today = group_today(cast.groups["lb"])
    expired = agreement_make(cast, starts_on=today - dt.timedelta(days=30), expires_on=today - dt.timedelta(days=1))
    with pytest.raises(AgreementRefused, match="expired"):
        _require(cast, expired)
    later = agreement_make(cast, starts_on=today + dt.timedelta(days=1), expires_on=today + dt.timedelta(days=30))
    with pytest.raises(AgreementRefused, match="not started"):
        _require(cast, later)


def test_a_change_is_a_new_version_and_the_old_one_stays(cast):
    agreement = agreement_make(cast)
    today = group_today(cast.groups["lb"])
    updated = services.agreement_update(
        actor=cast["lb_administrator"], agreement=agreement, changes={"expires_on": today + dt.timedelta(days=400)}
    )
    assert updated.version == 2
    versions = list(AgreementVersion.objects.filter(agreement=agreement).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].snapshot["expires_on"] != versions[1].snapshot["expires_on"]
    row = AuditEntry.objects.get(action="sharing.agreement_updated")
    assert row.data["changed_fields"] == ["expires_on"]


def test_shortening_an_agreement_shortens_its_tokens(cast):
    agreement = agreement_make(cast)
    token, _raw = services.agreement_token_create(
        actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="IOM", expires_in_days=365
    )
    today = group_today(cast.groups["lb"])
    services.agreement_update(actor=cast["lb_administrator"], agreement=agreement, changes={"expires_on": today + dt.timedelta(days=5)})
    token.refresh_from_db()
    assert token.expires_at.date() <= today + dt.timedelta(days=6)


def test_revoking_an_agreement_revokes_its_tokens_at_once(cast):
    agreement = agreement_make(cast)
    token, raw = services.agreement_token_create(
        actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="IOM"
    )
    assert services.agreement_token_use(raw) == token
    services.agreement_revoke(actor=cast["lb_administrator"], agreement=agreement, reason="The partner broke the onward-transfer ban")
    assert services.agreement_token_use(raw) is None
    token.refresh_from_db()
    assert token.revoked_at is not None
    row = AuditEntry.objects.get(action="sharing.agreement_revoked")
    assert row.data["token_ids"] == [token.pk]
    with pytest.raises(AgreementRefused, match="revoked"):
        _require(cast, agreement)
    with pytest.raises(ServiceError):
        services.agreement_update(actor=cast["lb_administrator"], agreement=agreement, changes={"retention_days": 10})


def test_a_revocation_needs_a_reason(cast):
    agreement = agreement_make(cast)
    with pytest.raises(ServiceError):
        services.agreement_revoke(actor=cast["lb_administrator"], agreement=agreement, reason="  ")


def test_an_expired_agreements_token_stops_working_without_anyone_acting(cast):
    from sabeel.sharing.models import Agreement

    agreement = agreement_make(cast)
    _token, raw = services.agreement_token_create(
        actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="IOM"
    )
    today = group_today(cast.groups["lb"])
    Agreement.objects.filter(pk=agreement.pk).update(starts_on=today - dt.timedelta(days=30), expires_on=today - dt.timedelta(days=1))
    assert services.agreement_token_use(raw) is None


def test_a_token_is_issued_only_to_a_recipient_and_never_outlives_its_agreement(cast):
    today = group_today(cast.groups["lb"])
    agreement = agreement_make(cast, expires_on=today + dt.timedelta(days=3))
    with pytest.raises(ServiceError):
        services.agreement_token_create(actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["donor"], name="x")
    token, raw = services.agreement_token_create(
        actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="x", expires_in_days=90
    )
    assert token.expires_at.date() <= today + dt.timedelta(days=4)
    assert raw.startswith("sbp_") and token.key_hash != raw and raw not in str(AgreementToken.objects.values_list().get(pk=token.pk))


def test_people_covered_keeps_only_consenting_people_when_the_agreement_requires_it(cast, household):
    head, spouse = household.members.order_by("pk")
    agreement = agreement_make(cast)
    people = Individual.objects.filter(household=household)
    assert list(people_covered(agreement, people)) == []
    sharing_consent(cast, head)
    sharing_consent(cast, spouse, parties=[cast.organisations["donor"]])  # another recipient
    assert list(people_covered(agreement, people)) == [head]
    # Which recipient the agreement allows is agreement_require's check; this one reads consents.
    assert list(people_covered(agreement, people, recipient=cast.organisations["donor"])) == [spouse]
    without = agreement_make(cast, requires_consent=False)
    assert set(people_covered(without, people)) == {head, spouse}


def test_a_consent_for_fewer_categories_or_another_purpose_or_withdrawn_does_not_cover(cast, household):
    from sabeel.consent import services as consent_services

    head, spouse = household.members.order_by("pk")
    agreement = agreement_make(cast)
    sharing_consent(cast, head, categories=["identity", "contacts"])
    sharing_consent(cast, spouse, purpose="Something else")
    people = Individual.objects.filter(household=household)
    assert list(people_covered(agreement, people)) == []
    assert list(people_covered(agreement, people, categories=["names_contacts"])) == [head]
    consent = head.sharing_consents.get()
    consent_services.sharing_consent_withdraw(actor=cast["lb_protection_officer"], sharing_consent=consent)
    assert list(people_covered(agreement, people, categories=["names_contacts"])) == []


def test_the_share_log_holds_counts_and_a_digest_never_a_name(cast, household):
    agreement = agreement_make(cast)
    ids = list(household.members.values_list("pk", flat=True))
    entry = services.share_record(
        actor=cast["lb_registration_officer"],
        kind="export",
        agreement=agreement,
        recipient=cast.organisations["iom"],
        individual_ids=ids,
        categories=["names_contacts"],
    )
    assert entry.people_count == 2 and len(entry.ids_digest) == 32
    assert entry.ids_digest == services.ids_digest(ids) != services.ids_digest(ids[:1])
    row = AuditEntry.objects.get(action="sharing.shared")
    assert row.data["people_count"] == 2 and row.data["share_id"] == entry.pk
    stored = str(list(ShareEntry.objects.values())) + str(row.data)
    assert not [name for name in NAMES if name in stored]


# --- hypothesis: whatever the consents, a person without a covering consent never leaves ----------

PARTIES = ("iom", "donor", "un")
CATEGORIES = ("identity", "contacts", "documents", "specific_needs")
consents = st.lists(
    st.tuples(
        st.integers(0, 1),  # which adult
        st.frozensets(st.sampled_from(PARTIES), min_size=1),
        st.frozensets(st.sampled_from(CATEGORIES), min_size=1),
        st.booleans(),  # the agreement's purpose, or another
        st.booleans(),  # withdrawn
    ),
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    records=consents,
    wanted=st.frozensets(st.sampled_from(("names_contacts", "documents", "specific_needs"))),
    recipient=st.sampled_from(("iom", "donor")),
)
def test_an_export_never_includes_a_person_without_a_covering_consent(cast, records, wanted, recipient):
    from django.db import transaction

    from sabeel.consent import services as consent_services
    from sabeel.core.roles import FieldGroup
    from sabeel.registry.tests.factories import household_make
    from sabeel.sharing.choices import CONSENT_CATEGORIES
    from sabeel.sharing.models import Agreement

    with transaction.atomic():
        household = household_make(cast, "lb")
        adults = list(household.members.order_by("pk"))
        agreement = agreement_make(
            cast, reference=f"H-{Agreement.objects.count()}", parties=[cast.organisations["iom"], cast.organisations["donor"]]
        )
        needed = {"identity"}.union(*(CONSENT_CATEGORIES[FieldGroup(g)] for g in wanted))
        expected = set()
        for who, parties, categories, same_purpose, withdrawn in records:
            consent = sharing_consent(
                cast,
                adults[who],
                parties=[cast.organisations[p] for p in sorted(parties)],
                categories=sorted(categories),
                purpose=PURPOSE if same_purpose else "Another purpose",
            )
            if withdrawn:
                consent_services.sharing_consent_withdraw(actor=cast["lb_protection_officer"], sharing_consent=consent)
                if same_purpose and recipient in parties and needed & categories:
                    expected.discard(adults[who].pk)  # a withdrawal wins over the consents recorded before it
            elif same_purpose and recipient in parties and needed <= categories:
                expected.add(adults[who].pk)
        covered = people_covered(
            agreement, Individual.objects.filter(household=household), recipient=cast.organisations[recipient], categories=sorted(wanted)
        )
        assert set(covered.values_list("pk", flat=True)) == expected
        transaction.set_rollback(True)


# --- a person registered twice: the consents and withdrawals of both records (rule 18) ------------


def _twice(cast):  # type: ignore[no-untyped-def]
    """Fatima (the head's spouse) registered a second time in the same household, and merged: the
    second record reads as Fatima while the merge is in effect."""
    from sabeel.identity import merges
    from sabeel.registry.tests.factories import head, household_make, spouse

    household = household_make(cast, "lb", members=[head(), spouse(), spouse(first_name_lat="Fatma")])
    _head, fatima, fatma = household.members.order_by("pk")
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason="Registered twice")
    return household, fatima, fatma, link


def test_a_consent_recorded_for_the_merged_record_covers_the_person_and_ends_with_the_merge(cast):
    from sabeel.identity import merges

    household, fatima, fatma, link = _twice(cast)
    agreement = agreement_make(cast)
    sharing_consent(cast, fatma)
    people = Individual.objects.filter(household=household)
    assert set(people_covered(agreement, people)) == {fatima, fatma}  # one person, two records
    merges.unmerge(actor=cast["lb_registration_officer"], link=link, reason="Two different women")
    assert list(people_covered(agreement, people)) == [fatma]  # as if the merge was never made


def test_a_withdrawal_on_either_record_wins_over_the_consents_recorded_before_it(cast):
    from sabeel.consent import services as consent_services

    household, fatima, fatma, _link = _twice(cast)
    agreement = agreement_make(cast)
    people = Individual.objects.filter(household=household)
    sharing_consent(cast, fatima)
    sharing_consent(cast, fatima, parties=[cast.organisations["donor"]])
    withdrawn = sharing_consent(cast, fatma)
    consent_services.sharing_consent_withdraw(actor=cast["lb_protection_officer"], sharing_consent=withdrawn)
    assert list(people_covered(agreement, people)) == []  # Fatima's consent, recorded before, is cancelled too
    # A withdrawal of the consent to share with one recipient cancels nothing for another.
    other = agreement_make(cast, parties=[cast.organisations["donor"]])
    assert set(people_covered(other, people)) == {fatima, fatma}
    # A consent recorded after the withdrawal is a fresh consent.
    sharing_consent(cast, fatima)
    assert set(people_covered(agreement, people)) == {fatima, fatma}


def test_a_pending_merge_lends_no_consent_and_takes_none_away(cast):
    from sabeel.consent import services as consent_services
    from sabeel.identity import merges
    from sabeel.registry.tests.factories import head, household_make, spouse

    fatima = household_make(cast, "lb", members=[head(), spouse()]).members.get(relationship="spouse")
    fatma = household_make(cast, "lb", members=[spouse(relationship="head", first_name_lat="Fatma")]).members.get()
    agreement = agreement_make(cast)
    sharing_consent(cast, fatima)
    withdrawn = sharing_consent(cast, fatma)
    consent_services.sharing_consent_withdraw(actor=cast["lb_protection_officer"], sharing_consent=withdrawn)
    link = merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason="Registered twice")
    both = Individual.objects.filter(pk__in=[fatima.pk, fatma.pk])
    assert list(people_covered(agreement, both)) == [fatima]  # pending: nothing reads through it
    merges.merge_decide(actor=cast["lb_protection_officer"], link=link, decision="join", reason="Seen with the family")
    assert list(people_covered(agreement, both)) == []  # joined: Fatma's withdrawal is Fatima's


def test_an_export_lists_a_merged_person_once_as_the_surviving_record(cast):
    from sabeel.core.roles import FieldGroup
    from sabeel.registry.models import Household
    from sabeel.sharing.exports import people_for

    household, fatima, fatma, _link = _twice(cast)
    agreement = agreement_make(cast)
    sharing_consent(cast, fatma)  # recorded for the merged record
    households = Household.objects.filter(pk=household.pk)
    people = people_for(agreement=agreement, households=households, groups=[FieldGroup.NAMES_CONTACTS], recipient=None)
    assert list(people) == [fatima]
