"""The writes, as stories with the cast: who may record what, what is refused and why, what the
audit trail keeps, and that a withdrawal never touches the household's registry record."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.forms.models import model_to_dict
from django.http import Http404

from sabeel.consent import services
from sabeel.consent.eligibility import household_eligibility
from sabeel.consent.models import FollowUp, GoAndSeeVisit, ReturnConsent, ReturnProgramme, Withdrawal
from sabeel.consent.tests.factories import (
    adults,
    consent,
    days_ago,
    family,
    member,
    package_make,
    programme_make,
    ready_family,
    today,
)
from sabeel.core.actors import refugee, system
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.registry.models import Household, Individual, RecordVersion
from sabeel.registry.tests.factories import head, spouse

pytestmark = pytest.mark.django_db


def _last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


# --- consent ------------------------------------------------------------------------------------------


def test_protection_officer_records_consent_with_the_package_seen_at_counselling(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    package = package_make(household)
    services.counselling_record(
        actor=cast["lb_protection_officer"], household=household, held_on=days_ago(5), language="ar", attendees=[mohamad], information_package=package
    )
    recorded = services.consent_record(actor=cast["lb_protection_officer"], individual=mohamad, free=True, informed=True, express=True)
    assert recorded.given_on == today()
    assert recorded.information_package == package
    assert recorded.verified_by == cast["lb_protection_officer"]
    entry = _last_audit("consent.recorded")
    assert entry.data == {
        "household_id": household.pk,
        "consent_id": recorded.pk,
        "individual_id": mohamad.pk,
        "programme_id": recorded.programme_id,
        "information_package_id": package.pk,
    }
    assert entry.working_group_id == cast.groups["lb"].pk


def test_registration_officer_cannot_record_consent(cast, places):
    household = family(cast)
    with pytest.raises(NotPermitted):
        services.consent_record(
            actor=cast["lb_registration_officer"], individual=adults(household)[0], free=True, informed=True, express=True
        )
    assert not ReturnConsent.objects.exists()


def test_jordan_protection_officer_gets_404_for_a_lebanon_person(cast, places):
    household = family(cast)
    with pytest.raises(Http404):
        services.consent_record(actor=cast["jo_protection_officer"], individual=adults(household)[0], free=True, informed=True, express=True)


def test_consent_must_be_free_informed_and_express(cast, places):
    household = family(cast)
    with pytest.raises(ServiceError) as refused:
        services.consent_record(actor=cast["lb_protection_officer"], individual=adults(household)[0], free=True, informed=False, express=False)
    assert set(refused.value.fields) == {"informed", "express"}
    assert not ReturnConsent.objects.exists()


def test_consent_cannot_be_dated_in_the_future(cast, places):
    household = family(cast)
    with pytest.raises(ServiceError) as refused:
        consent(cast, adults(household)[0], on=today() + dt.timedelta(days=1))
    assert "given_on" in refused.value.fields


def test_consent_needs_an_active_programme(cast, places):
    household = family(cast)
    ReturnProgramme.objects.update(is_active=False)
    with pytest.raises(ServiceError):
        consent(cast, adults(household)[0])


# --- withdrawal -------------------------------------------------------------------------------------------


def _registry_state(household: Household) -> dict:
    return {
        "household": model_to_dict(Household.objects.get(pk=household.pk)),
        "updated_at": Household.objects.get(pk=household.pk).updated_at,
        "members": [model_to_dict(p) | {"updated_at": p.updated_at} for p in Individual.objects.filter(household=household).order_by("pk")],
        "versions": list(RecordVersion.objects.filter(household=household).order_by("pk").values()),
    }


def test_withdrawal_never_closes_or_flags_the_registry_record(cast, places):
    household = ready_family(cast)
    before = _registry_state(household)
    for person, actor, channel in (
        (adults(household)[1], cast["lb_registration_officer"], "phone"),
        (adults(household)[0], refugee(household_id=household.pk, individual_id=adults(household)[0].pk, phone_id="p1"), "self_service"),
    ):
        services.consent_withdraw(actor=actor, individual=person, channel=channel)
    assert _registry_state(household) == before
    assert Household.objects.get(pk=household.pk).status == "open"
    assert not household_eligibility(household=household).may_schedule


def test_the_person_withdraws_on_the_self_service_page(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    person = refugee(household_id=household.pk, individual_id=fatima.pk, phone_id="phone-7")
    withdrawal = services.consent_withdraw(actor=person, individual=fatima, channel="self_service")
    assert withdrawal.recorded_by is None
    entry = _last_audit("consent.withdrawn")
    assert (entry.actor_kind, entry.actor_id) == ("refugee", str(household.pk))
    assert entry.data["individual_id"] == fatima.pk and entry.data["channel"] == "self_service"


def test_a_person_cannot_withdraw_for_another_household_or_another_adult(cast, places):
    household = ready_family(cast)
    mohamad, fatima = adults(household)
    other = family(cast)
    with pytest.raises(Http404):
        services.consent_withdraw(actor=refugee(household_id=other.pk), individual=fatima, channel="self_service")
    with pytest.raises(NotPermitted):
        services.consent_withdraw(actor=refugee(household_id=household.pk, individual_id=mohamad.pk), individual=fatima, channel="self_service")
    with pytest.raises(ServiceError):
        services.consent_withdraw(actor=refugee(household_id=household.pk, individual_id=fatima.pk), individual=fatima, channel="phone")
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize("role", ["registration_officer", "protection_officer", "movement_officer"])
def test_officers_holding_consent_withdraw_record_a_withdrawal(cast, places, role):
    household = ready_family(cast)
    services.consent_withdraw(actor=cast[f"lb_{role}"], individual=adults(household)[0], channel="check_in")
    assert Withdrawal.objects.filter(recorded_by=cast[f"lb_{role}"]).count() == 1


def test_a_finance_officer_cannot_record_a_withdrawal(cast, places):
    household = ready_family(cast)
    with pytest.raises(NotPermitted):
        services.consent_withdraw(actor=cast["lb_finance_officer"], individual=adults(household)[0], channel="phone")


def test_an_officer_does_not_use_the_self_service_channel(cast, places):
    household = ready_family(cast)
    with pytest.raises(ServiceError) as refused:
        services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(household)[0], channel="self_service")
    assert "channel" in refused.value.fields


def test_a_check_in_job_may_record_a_withdrawal(cast, places):
    household = ready_family(cast)
    services.consent_withdraw(actor=system("check_in"), individual=adults(household)[0], channel="check_in")
    assert not household_eligibility(household=household).may_schedule


def test_a_withdrawal_cannot_be_dated_in_the_future(cast, places):
    household = ready_family(cast)
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    with pytest.raises(ServiceError):
        services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(household)[0], channel="phone", at=tomorrow)


def test_a_withdrawal_puts_one_call_in_the_work_queue_and_notifies_after_the_commit(
    cast, places, django_capture_on_commit_callbacks, caplog
):
    household = ready_family(cast)
    fatima = adults(household)[1]
    caplog.set_level(logging.INFO, logger="sabeel.consent.tasks")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="in_person")
    assert FollowUp.objects.filter(household=household, individual=fatima, kind="withdrawal_call", done_at__isnull=True).count() == 1
    assert "follow-up" not in caplog.text  # nothing left the database before the commit
    for callback in callbacks:
        callback()
    follow_up = FollowUp.objects.get(individual=fatima)
    assert f"follow-up {follow_up.pk} (withdrawal_call)" in caplog.text


# --- re-confirmation, go-and-see, counselling ---------------------------------------------------------------


def test_reconfirmation_needs_a_standing_consent(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    with pytest.raises(ServiceError):
        services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=mohamad)
    consent(cast, mohamad, on=days_ago(20))
    services.consent_withdraw(actor=cast["lb_protection_officer"], individual=mohamad, channel="phone")
    with pytest.raises(ServiceError):
        services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=mohamad)


def test_go_and_see_limit(cast, places):
    household = family(cast)
    mohamad, fatima = adults(household)
    officer = cast["lb_protection_officer"]
    visit = services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(30), ends_on=days_ago(27))
    with pytest.raises(ServiceError) as refused:
        services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(10), ends_on=days_ago(8))
    assert refused.value.message == "The programme allows 1 go-and-see visit per person, and this person has had 1."
    assert refused.value.fields == {"individual": [refused.value.message]}
    services.go_and_see_record(actor=officer, individual=fatima, starts_on=days_ago(10), ends_on=days_ago(8))  # per person
    services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="cancelled")
    services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(5), ends_on=days_ago(3))  # cancelled ones do not count
    with pytest.raises(ServiceError):
        services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="completed")
    programme_make(cast, go_and_see_visits_allowed=2)
    services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="completed")
    assert GoAndSeeVisit.objects.filter(individual=mohamad).exclude(outcome="cancelled").count() == 2


def test_a_visit_cannot_end_before_it_starts(cast, places):
    household = family(cast)
    with pytest.raises(ServiceError):
        services.go_and_see_record(actor=cast["lb_protection_officer"], individual=adults(household)[0], starts_on=days_ago(3), ends_on=days_ago(5))


def test_counselling_records_language_attendees_and_package(cast, places):
    household = family(cast)
    package = package_make(household, "en")
    session = services.counselling_record(
        actor=cast["lb_protection_officer"], household=household, language="en", attendees=list(adults(household)), information_package=package,
        questions_raised="What about the school in Daraa?",
    )
    assert set(session.attendees.all()) == set(adults(household))
    assert session.counsellor == cast["lb_protection_officer"]
    assert "questions" not in str(_last_audit("consent.counselling_recorded").data)
    with pytest.raises(ServiceError):
        services.counselling_record(actor=cast["lb_protection_officer"], household=household, language="fr")
    stranger = adults(family(cast))[0]
    with pytest.raises(ServiceError):
        services.counselling_record(actor=cast["lb_protection_officer"], household=household, language="ar", attendees=[stranger])


# --- children, splits, sign-offs, sharing ------------------------------------------------------------------


def test_a_best_interests_procedure_is_for_a_child(cast, places):
    household = family(cast, members=[head(), spouse(), head(relationship="son", first_name_lat="Omar", date_of_birth="2015", specific_needs=["SC-SC"])])
    with pytest.raises(ServiceError):
        services.best_interests_record(actor=cast["lb_protection_officer"], child=adults(household)[0], started_on=days_ago(3))
    with pytest.raises(NotPermitted):
        services.best_interests_record(actor=cast["lb_registration_officer"], child=member(household, "son"), started_on=days_ago(3))
    procedure = services.best_interests_record(actor=cast["lb_protection_officer"], child=member(household, "son"), started_on=days_ago(3))
    with pytest.raises(ServiceError):
        services.best_interests_complete(actor=cast["lb_protection_officer"], procedure=procedure, completed_on=days_ago(4))


def test_a_split_names_current_members_and_only_a_protection_officer_records_it(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    with pytest.raises(NotPermitted):
        services.split_record(actor=cast["lb_registration_officer"], household=household, members_leaving=[mohamad])
    with pytest.raises(ServiceError):
        services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[])
    with pytest.raises(ServiceError):
        services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[adults(family(cast))[0]])
    split = services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[mohamad], note="Fatima stays with her mother")
    assert _last_audit("consent.split_recorded").data["individual_ids"] == [mohamad.pk]
    assert list(split.members_leaving.all()) == [mohamad]


def test_a_sign_off_is_for_the_household_destination(cast, places):
    household = family(cast, destination=None)
    with pytest.raises(ServiceError):
        services.hostilities_sign_off_record(actor=cast["lb_protection_officer"], household=household)
    with pytest.raises(NotPermitted):
        services.hostilities_sign_off_record(actor=cast["lb_movement_officer"], household=family(cast))


def test_consent_to_share_data_is_a_separate_record(cast, places):
    household = family(cast)
    fatima = adults(household)[1]
    unhcr = cast.organisations["un"]
    sharing = services.sharing_consent_record(
        actor=cast["lb_protection_officer"], individual=fatima, parties=[unhcr.pk], data_categories=["identity", "contacts"], purpose="Reception in Daraa"
    )
    assert not ReturnConsent.objects.exists()
    assert sharing.parties == [unhcr.pk] and sharing.data_categories == ["contacts", "identity"]
    with pytest.raises(ServiceError) as refused:
        services.sharing_consent_record(actor=cast["lb_protection_officer"], individual=fatima, parties=[], data_categories=["bank"], purpose="")
    assert set(refused.value.fields) == {"parties", "data_categories", "purpose"}
    services.sharing_consent_withdraw(actor=cast["lb_registration_officer"], sharing_consent=sharing)
    sharing.refresh_from_db()
    assert sharing.withdrawn_on == today()


# --- the work queue -----------------------------------------------------------------------------------------


def test_a_protection_officer_closes_a_follow_up_once(cast, places):
    household = ready_family(cast)
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=adults(household)[1], channel="phone")
    follow_up = FollowUp.objects.get()
    with pytest.raises(NotPermitted):
        services.follow_up_close(actor=cast["lb_registration_officer"], follow_up=follow_up, outcome="Called")
    with pytest.raises(ServiceError):
        services.follow_up_close(actor=cast["lb_protection_officer"], follow_up=follow_up, outcome="")
    services.follow_up_close(actor=cast["lb_protection_officer"], follow_up=follow_up, outcome="Called; she wants to stay for now")
    with pytest.raises(ServiceError) as again:
        services.follow_up_close(actor=cast["lb_protection_officer"], follow_up=follow_up, outcome="Called again")
    assert again.value.code == "conflict"
    assert "outcome" not in str(_last_audit("consent.follow_up_closed").data.keys())


def test_a_household_asks_for_a_call_back_once(cast, places):
    household = family(cast)
    first = services.follow_up_callback_request(actor=refugee(household_id=household.pk), household=household)
    again = services.follow_up_callback_request(actor=refugee(household_id=household.pk), household=household)
    assert first.pk == again.pk and first.kind == "callback_request"
    with pytest.raises(Http404):
        services.follow_up_callback_request(actor=refugee(household_id=household.pk + 999), household=household)


# --- programmes -------------------------------------------------------------------------------------------------


def test_programme_rules_are_changed_by_an_administrator_and_audited_old_to_new(cast, places):
    programme = programme_make(cast)
    services.programme_update(
        actor=cast["lb_administrator"], programme=programme, changes={"reconfirmation_window_days": 10, "name": "Return from Lebanon 2026"}
    )
    entry = _last_audit("programme.changed")
    assert entry.data == {"programme_id": programme.pk, "rules": {"reconfirmation_window_days": [14, 10]}, "labels_changed": ["name"]}
    assert entry.working_group_id == cast.groups["lb"].pk


@pytest.mark.parametrize(("persona", "error"), [("lb_registration_officer", NotPermitted), ("jo_administrator", Http404)])
def test_only_the_groups_administrator_changes_the_rules(cast, places, persona, error):
    programme = programme_make(cast)
    with pytest.raises(error):
        services.programme_update(actor=cast[persona], programme=programme, changes={"cooling_off_days": 1})


def test_programme_rules_are_checked(cast, places):
    programme = programme_make(cast)
    with pytest.raises(ServiceError) as refused:
        services.programme_update(actor=cast["lb_administrator"], programme=programme, changes={"cooling_off_days": 100, "consent_validity_days": 30})
    assert "cooling_off_days" in refused.value.fields
    with pytest.raises(ServiceError):
        services.programme_update(actor=cast["lb_administrator"], programme=programme, changes={"working_group": 3})


def test_a_working_group_has_one_active_programme(cast, places):
    programme_make(cast)
    with pytest.raises(ServiceError) as refused:
        services.programme_create(actor=cast["lb_administrator"], working_group=cast.groups["lb"], name="Second", name_ar="ثاني")
    assert "is_active" in refused.value.fields



def test_a_programme_belongs_to_a_host_country_group(cast, places):
    from sabeel.core.permissions import forget_memberships
    from sabeel.workgroups.models import Membership

    admin = cast["lb_administrator"]
    Membership.objects.create(
        user=admin, working_group=cast.groups["jrg"], organisation=cast.organisations["platform"], role="administrator", starts_on=days_ago(10)
    )
    forget_memberships(admin)
    with pytest.raises(ServiceError) as refused:
        services.programme_create(actor=admin, working_group=cast.groups["jrg"], name="Reconstruction", name_ar="إعمار")
    assert "working_group" in refused.value.fields
