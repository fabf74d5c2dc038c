"""Writes on the registry, as the Lebanon and Jordan officers make them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.core.services import case_assign
from sabeel.registry import services
from sabeel.registry.choices import MemberStatus
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.models import ExternalId, Household, Individual, NameKey, Phone, RecordVersion
from sabeel.registry.numbers import registration_number_is_valid
from sabeel.registry.search import name_keys_for
from sabeel.registry.services import ExternalIdInput, MemberInput, RecordConflict
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db


def _head_of(household: Household) -> Individual:
    return household.members.get(relationship="head")


def _spouse_of(household: Household) -> Individual:
    return household.members.get(relationship="spouse")


def test_registering_a_household_numbers_it_and_versions_everything(cast, lebanon_household):
    household = lebanon_household
    assert household.registration_number.startswith("LB-")
    assert registration_number_is_valid(household.registration_number)
    assert household.host_country == "LB" and household.version == 1
    assert list(Phone.objects.filter(household=household).values_list("number", flat=True)) == ["+9613123456"]
    assert ExternalId.objects.get(household=household).normalised == "LB15C01234"
    principal = _head_of(household)
    assert (principal.date_of_birth, principal.dob_precision) == (dt.date(1980, 1, 1), "year")
    versions = RecordVersion.objects.filter(household=household)
    assert [v.action for v in versions.order_by("pk")] == ["household.created", "individual.created", "individual.created"]
    created = versions.get(individual=principal).changes
    assert created["first_name_ar"] == [None, "محمد"]
    entry = AuditEntry.objects.get(action="household.created")
    assert entry.data == {"household_id": household.pk, "individual_ids": [principal.pk, _spouse_of(household).pk]}


def test_the_name_index_holds_the_keys_of_every_member(lebanon_household):
    principal = _head_of(lebanon_household)
    stored = set(NameKey.objects.filter(individual=principal).values_list("key", flat=True))
    assert stored == name_keys_for({f: getattr(principal, f) for f in ("first_name_ar", "family_name_ar", "first_name_lat", "family_name_lat", "father_name_ar", "father_name_lat", "grandfather_name_ar", "grandfather_name_lat")})
    assert "p:hr|mhmd" in stored


def test_the_host_country_comes_from_the_working_group(cast, places):
    household = household_make(cast, "jo")
    assert household.host_country == "JO" and household.registration_number.startswith("JO-")
    assert household.phones.get().number == "+962791234567"


def test_every_field_gets_its_own_translated_message_and_nothing_is_saved(cast, places):
    with pytest.raises(ServiceError) as refused:
        household_make(
            cast,
            "lb",
            current_location="Q472788",  # Amman, not in Lebanon
            origin="LB1",
            destination="JO",
            phones=["not a phone"],
            members=[head(date_of_birth="2999", relationship="head", specific_needs=["XX-YY"], documents_held=["passport"], documents_missing=["passport"]), spouse(relationship="uncle", first_name_ar="", first_name_lat="")],
        )
    fields = refused.value.fields
    assert set(fields) >= {
        "current_location", "origin", "destination", "phones.0", "members.0.date_of_birth", "members.0.specific_needs",
        "members.0.documents_missing", "members.1.relationship", "members.1.first_name_ar",
    }
    assert Household.objects.count() == 0 and Individual.objects.count() == 0


def test_exactly_one_head(cast, places):
    with pytest.raises(ServiceError) as none:
        household_make(cast, "lb", members=[spouse()])
    assert "members" in none.value.fields
    with pytest.raises(ServiceError):
        household_make(cast, "lb", members=[head(), head(first_name_lat="Omar")])


def test_origin_and_destination_may_be_any_syrian_level_and_location_in_the_host_country(cast, places):
    household = household_make(cast, "lb", origin="SY", destination="SY01", current_location="LB")
    assert household.origin.key == "SY" and household.destination.key == "SY01"


def test_a_jordan_officer_cannot_register_into_lebanon_and_a_donor_cannot_register(cast, places):
    from sabeel.registry.services import household_create

    with pytest.raises(Http404):
        household_create(actor=cast["jo_registration_officer"], working_group=cast.groups["lb"], members=[head()])
    with pytest.raises(NotPermitted):
        household_create(actor=cast["lb_donor_viewer"], working_group=cast.groups["lb"], members=[head()])
    with pytest.raises(NotPermitted):
        household_create(actor=cast["lb_finance_officer"], working_group=cast.groups["lb"], members=[head()])
    assert Household.objects.count() == 0


def test_a_correction_is_versioned_with_old_and_new_and_reindexes_names(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    principal = _head_of(lebanon_household)
    services.individual_update(actor=officer, individual=principal, expected_version=1, changes={"first_name_lat": "Omar", "first_name_ar": "عمر"})
    principal.refresh_from_db()
    assert principal.version == 2
    version = RecordVersion.objects.filter(individual=principal).latest("pk")
    assert version.changes == {"first_name_ar": ["محمد", "عمر"], "first_name_lat": ["Mohamad", "Omar"]}
    assert version.actor_id == str(officer.pk) and version.version == 2
    keys = set(NameKey.objects.filter(individual=principal).values_list("key", flat=True))
    family = {"family_name_lat": principal.family_name_lat, "family_name_ar": principal.family_name_ar}
    now = {k for k in name_keys_for({**family, "first_name_lat": "Omar", "first_name_ar": "عمر"}) if k.startswith("p:")}
    before = {k for k in name_keys_for({**family, "first_name_lat": "Mohamad", "first_name_ar": "محمد"}) if k.startswith("p:")}
    assert now and before - now
    assert now <= keys and not (before - now) & keys


def test_two_officers_editing_at_once_the_second_is_refused_with_the_others_change(cast, lebanon_household):
    principal = _head_of(lebanon_household)
    first, second = cast["lb_registration_officer"], cast["lb_protection_officer"]
    services.individual_update(actor=first, individual=principal, expected_version=1, changes={"first_name_lat": "Muhammad"})
    with pytest.raises(RecordConflict) as refused:
        services.individual_update(actor=second, individual=principal, expected_version=1, changes={"first_name_lat": "Mohammed"})
    message = refused.value.message
    assert str(first) in message and "Mohamad → Muhammad" in message
    assert refused.value.code == "conflict"
    principal.refresh_from_db()
    assert principal.first_name_lat == "Muhammad" and principal.version == 2


def test_the_conflict_message_leaves_out_what_the_second_officer_may_not_see(cast, lebanon_household):
    household = lebanon_household
    protection = cast["lb_protection_officer"]
    case_assign(actor=protection, case=household, officer=protection)
    services.household_update(actor=protection, household=household, expected_version=1, changes={"protection_notes": "Sensitive."})
    with pytest.raises(RecordConflict) as refused:
        services.household_update(actor=cast["lb_registration_officer"], household=household, expected_version=1, changes={"preferred_language": "en"})
    assert "Sensitive" not in refused.value.message


def test_household_corrections_check_the_household_version(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    services.household_update(actor=officer, household=lebanon_household, expected_version=1, changes={"phones": ["03 123 456", "+962 79 123 4567"], "current_location": "LB3"})
    lebanon_household.refresh_from_db()
    assert lebanon_household.version == 2 and lebanon_household.current_location.key == "LB3"
    change = RecordVersion.objects.filter(household=lebanon_household, individual=None).latest("pk").changes
    assert change["phones"] == [["+9613123456"], ["+9613123456", "+962791234567"]]
    assert change["current_location"] == ["LB2", "LB3"]
    services.household_update(actor=officer, household=lebanon_household, expected_version=2, changes={"phones": ["+962 79 123 4567"]})
    assert Phone.objects.filter(household=lebanon_household).count() == 2  # the old number is kept, inactive
    assert list(Phone.objects.filter(household=lebanon_household, is_active=True).values_list("number", flat=True)) == ["+962791234567"]
    with pytest.raises(RecordConflict):
        services.household_update(actor=officer, household=lebanon_household, expected_version=2, changes={"preferred_language": "en"})


def test_a_registration_officer_cannot_write_or_probe_protection_fields(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    with pytest.raises(ServiceError) as refused:
        services.household_update(actor=officer, household=lebanon_household, expected_version=1, changes={"protection_notes": "x"})
    assert "protection_notes" in refused.value.fields
    with pytest.raises(ServiceError):
        services.individual_update(actor=officer, individual=_head_of(lebanon_household), expected_version=1, changes={"specific_needs": ["SV-VO"]})
    assert not Individual.objects.filter(sensitive_needs__isnull=False).exclude(sensitive_needs=[]).exists()


def test_an_assigned_protection_officer_records_sensitive_needs_apart(cast, lebanon_household):
    protection = cast["lb_protection_officer"]
    case_assign(actor=protection, case=lebanon_household, officer=protection)
    principal = _head_of(lebanon_household)
    services.individual_update(actor=protection, individual=principal, expected_version=1, changes={"specific_needs": ["SM-CI", "SV-VA"]})
    principal.refresh_from_db()
    assert principal.specific_needs == ["SM-CI"] and principal.sensitive_needs == ["SV-VA"]


def test_adding_moving_and_removing_members_never_deletes(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    other = household_make(cast, "lb", members=[head(first_name_lat="Omar", first_name_ar="عمر")])
    child = services.member_add(
        actor=officer,
        household=lebanon_household,
        member=MemberInput(relationship="son", sex="M", first_name_ar="يوسف", first_name_lat="Yousef", date_of_birth="2015-03", external_ids=[ExternalIdInput("unhcr_individual", "945-00123")]),
        expected_version=1,
    )
    assert (child.date_of_birth, child.dob_precision) == (dt.date(2015, 3, 1), "month")
    services.member_move(actor=officer, individual=child, to_household=other)
    child.refresh_from_db()
    assert child.household_id == other.pk
    assert ExternalId.objects.get(individual=child).household_id == other.pk
    services.member_remove(actor=officer, individual=child, reason="Left to live with relatives")
    child.refresh_from_db()
    assert child.status == "removed" and child.status_reason == "Left to live with relatives"
    assert Individual.objects.filter(pk=child.pk).exists()
    actions = list(RecordVersion.objects.filter(individual=child).order_by("pk").values_list("action", flat=True))
    assert actions == ["individual.created", "individual.moved", "individual.removed"]
    lebanon_household.refresh_from_db()
    assert lebanon_household.version == 3  # member added, member moved out


def test_the_head_is_neither_removed_nor_moved_but_can_be_changed(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    principal, wife = _head_of(lebanon_household), _spouse_of(lebanon_household)
    with pytest.raises(ServiceError):
        services.member_remove(actor=officer, individual=principal, reason="Passed away")
    with pytest.raises(ServiceError):
        services.individual_update(actor=officer, individual=wife, expected_version=1, changes={"relationship": "head"})
    services.household_head_set(actor=officer, individual=wife, former_head_relationship="spouse", expected_version=1)
    principal.refresh_from_db()
    wife.refresh_from_db()
    assert (principal.relationship, wife.relationship) == ("spouse", "head")
    services.member_remove(actor=officer, individual=principal, reason="Passed away")


def test_moving_to_a_household_of_another_group_is_refused_without_revealing_it(cast, lebanon_household, jordan_household):
    with pytest.raises(Http404):
        services.member_move(actor=cast["lb_registration_officer"], individual=_spouse_of(lebanon_household), to_household=jordan_household)


def test_close_needs_a_reason_and_reopen_brings_it_back(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    with pytest.raises(ServiceError) as refused:
        services.household_close(actor=officer, household=lebanon_household, reason=" ")
    assert "reason" in refused.value.fields
    closed = services.household_close(actor=officer, household=lebanon_household, reason="Returned to Syria", expected_version=1)
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(ServiceError):
        services.member_add(actor=officer, household=closed, member=spouse(first_name_lat="Huda"))
    reopened = services.household_reopen(actor=officer, household=closed, reason="Came back")
    assert reopened.status == "open" and reopened.closed_reason == "" and reopened.version == 3
    assert Household.objects.filter(pk=lebanon_household.pk).exists()
    assert RecordVersion.objects.filter(household=lebanon_household, action="household.reopened").get().changes["reopen_reason"] == ["", "Came back"]


def test_eastern_arabic_digits_in_a_phone_and_a_birth_date(cast, places):
    household = household_make(cast, "lb", phones=["٠٣ ١٢٣ ٤٥٦"], members=[head(date_of_birth="١٩٨٥-٠٣-١٢")])
    assert household.phones.get().number == "+9613123456"
    assert _head_of(household).date_of_birth == dt.date(1985, 3, 12)


def test_no_audit_row_holds_a_name(cast, lebanon_household):
    services.individual_update(actor=cast["lb_registration_officer"], individual=_head_of(lebanon_household), expected_version=1, changes={"family_name_lat": "Hariri"})
    for entry in AuditEntry.objects.all():
        text = str(entry.data)
        assert "Hariri" not in text and "محمد" not in text


# --- invariants over any sequence of writes (hypothesis) -----------------------------------------

FIRST_NAMES = ["Omar", "Huda", "Yousef", "Lama", "Abd al-Rahman", "عمر", "هدى"]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(FIRST_NAMES)),
        st.tuples(st.just("rename"), st.sampled_from(FIRST_NAMES)),
        st.tuples(st.just("remove"), st.just("")),
        st.tuples(st.just("phones"), st.sampled_from(["03 123 456", "71 222 333", ""])),
        st.tuples(st.just("close"), st.just("")),
        st.tuples(st.just("reopen"), st.just("")),
        st.tuples(st.just("stale"), st.sampled_from(FIRST_NAMES)),
    ),
    max_size=8,
)


def _counts(household: Household) -> tuple[int, ...]:
    return (
        Individual.objects.filter(household=household).count(),
        Phone.objects.filter(household=household).count(),
        RecordVersion.objects.filter(household=household).count(),
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_no_sequence_of_writes_deletes_anything_or_breaks_the_head_or_the_index(cast, places, steps):
    officer = cast["lb_registration_officer"]
    household = household_make(cast, "lb")
    before = _counts(household)
    for step, value in steps:
        household.refresh_from_db()
        members = list(household.members.filter(status=MemberStatus.ACTIVE).exclude(relationship="head"))
        try:
            if step == "add":
                services.member_add(actor=officer, household=household, member=MemberInput(relationship="son", first_name_lat=value))
            elif step == "rename" and members:
                services.individual_update(actor=officer, individual=members[0], expected_version=members[0].version, changes={"first_name_lat": value})
            elif step == "stale" and members:
                services.individual_update(actor=officer, individual=members[0], expected_version=members[0].version - 1, changes={"first_name_lat": value})
            elif step == "remove" and members:
                services.member_remove(actor=officer, individual=members[-1], reason="Left the household")
            elif step == "phones":
                services.household_update(actor=officer, household=household, expected_version=household.version, changes={"phones": [value] if value else []})
            elif step == "close":
                services.household_close(actor=officer, household=household, reason="Returned to Syria")
            elif step == "reopen":
                services.household_reopen(actor=officer, household=household)
        except ServiceError:
            pass  # a refusal (closed household, stale version, …) changes nothing
        after = _counts(household)
        assert all(a >= b for a, b in zip(after, before, strict=True)), (step, before, after)
        before = after
        assert household.members.filter(relationship="head", status=MemberStatus.ACTIVE).count() == 1
        household.refresh_from_db()
        active_needs = {c for needs in household.members.filter(status=MemberStatus.ACTIVE).values_list("specific_needs", flat=True) for c in needs}
        assert household.member_needs == sorted(active_needs)
        for person in Individual.objects.filter(household=household):
            stored = set(NameKey.objects.filter(individual=person).values_list("key", flat=True))
            assert stored == name_keys_for({name: getattr(person, name) for name in NAME_FIELDS})


def test_the_household_keeps_its_members_needs_for_the_list_filter(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    assert lebanon_household.member_needs == ["SM-CI"]
    child = services.member_add(actor=officer, household=lebanon_household, member=MemberInput(relationship="son", first_name_lat="Omar", specific_needs=["DS-BD"]))
    lebanon_household.refresh_from_db()
    assert lebanon_household.member_needs == ["DS-BD", "SM-CI"]
    services.member_remove(actor=officer, individual=child, reason="Left the household")
    lebanon_household.refresh_from_db()
    assert lebanon_household.member_needs == ["SM-CI"]
    Household.objects.filter(pk=lebanon_household.pk).update(member_needs=[])  # as a bulk load leaves it
    assert services.member_needs_rebuild() == 1
    lebanon_household.refresh_from_db()
    assert lebanon_household.member_needs == ["SM-CI"]


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_and_the_other_is_refused(committed_db):
    """Real concurrency (two threads, two connections): the row lock and the version check let
    exactly one save through; the other is refused with a conflict and overwrites nothing."""
    import threading

    from django.db import connection

    from sabeel.workgroups.testing import create_cast

    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite is a shared in-memory one, whose table locks do not wait; on file, IMMEDIATE transactions serialise the writers")
    cast = create_cast()
    household = household_make(cast, "lb")
    person = household.members.get(relationship="head")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(persona: str, spelling: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.individual_update(
                actor=cast[persona], individual=Individual.objects.get(pk=person.pk), expected_version=1, changes={"first_name_lat": spelling}
            )
            outcomes[persona] = "saved"
        except RecordConflict:
            outcomes[persona] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("lb_registration_officer", "Muhammad")),
        threading.Thread(target=save, args=("lb_protection_officer", "Mohammed")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    person.refresh_from_db()
    winner = next(p for p, o in outcomes.items() if o == "saved")
    assert person.version == 2 and person.first_name_lat == {"lb_registration_officer": "Muhammad", "lb_protection_officer": "Mohammed"}[winner]
