"""Reads: the adults a person may withdraw for on the self-service page, the timeline in date
order, and the work queue scoped to the officer's group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from sabeel.consent import selectors, services
from sabeel.consent.models import ReturnConsent
from sabeel.consent.tests.factories import (
    adults,
    consent,
    counselled,
    days_ago,
    family,
    member,
    programme_make,
    ready_family,
    today,
)
from sabeel.core.actors import refugee
from sabeel.core.exceptions import NotPermitted
from sabeel.registry.tests.factories import head, spouse

pytestmark = pytest.mark.django_db


def test_the_self_service_page_lists_the_adults_by_id_and_first_name_only(cast, places):
    teen_year = today().year - 17
    household = family(
        cast,
        members=[
            head(),
            spouse(),
            head(relationship="son", first_name_ar="عمر", first_name_lat="Omar", date_of_birth=f"{teen_year}-12-31", specific_needs=[]),
            head(relationship="daughter", first_name_ar="لينا", first_name_lat="Lina", date_of_birth="2016", specific_needs=[]),
        ],
    )
    mohamad, fatima = adults(household)
    person = refugee(household_id=household.pk)
    choices = selectors.withdrawal_candidates(actor=person, household=household)
    assert [(c.id, c.first_name_ar, c.first_name_lat) for c in choices] == [
        (mohamad.pk, "محمد", "Mohamad"),
        (fatima.pk, "فاطمة", "Fatima"),
    ]
    omar = member(household, "son")
    # Anyone who has a consent on record may withdraw it (one recorded while he was taken for an adult).
    counselled(cast, omar, on=days_ago(30))
    ReturnConsent.objects.create(
        household=household, individual=omar, programme=programme_make(cast), given_on=days_ago(30),
        free=True, informed=True, express=True, verified_by=cast["lb_protection_officer"],
    )  # fmt: skip
    assert [c.id for c in selectors.withdrawal_candidates(actor=person, household=household)] == [mohamad.pk, fatima.pk, omar.pk]
    assert set(vars(choices[0])) == {"id", "first_name_ar", "first_name_lat"}


def test_only_the_household_itself_or_its_officers_see_who_may_withdraw(cast, places):
    household = family(cast)
    with pytest.raises(Http404):
        selectors.withdrawal_candidates(actor=refugee(household_id=household.pk + 1), household=household)
    with pytest.raises(Http404):
        selectors.withdrawal_candidates(actor=cast["jo_registration_officer"], household=household)
    with pytest.raises(NotPermitted):
        selectors.withdrawal_candidates(actor=cast["lb_donor_viewer"], household=household)
    assert len(selectors.withdrawal_candidates(actor=cast["lb_movement_officer"], household=household)) == 2


def test_the_timeline_lists_every_record_in_date_order(cast, places):
    household = family(cast)
    mohamad, fatima = adults(household)
    officer = cast["lb_protection_officer"]
    services.counselling_record(actor=officer, household=household, held_on=days_ago(40), language="ar", attendees=[mohamad, fatima])
    services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(35), ends_on=days_ago(33))
    consent(cast, mohamad, on=days_ago(30))
    consent(cast, fatima, on=days_ago(29))
    services.reconfirmation_record(actor=officer, individual=mohamad, on=days_ago(3))
    services.consent_withdraw(
        actor=cast["lb_registration_officer"], individual=fatima, channel="phone", at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    )
    entries = selectors.household_timeline(actor=officer, household=household)
    assert [e.kind for e in entries] == [
        "counselling",
        "go_and_see",
        "consent",
        "consent",
        "reconfirmation",
        "withdrawal",
        "follow_up",
    ]
    assert entries[5].member_ids == (fatima.pk,)
    assert entries == sorted(entries, key=lambda e: e.day)


def test_the_timeline_is_not_shown_to_another_group(cast, places):
    household = family(cast)
    with pytest.raises(Http404):
        selectors.household_get(actor=cast["jo_protection_officer"], pk=household.pk)


def test_the_work_queue_holds_only_the_officers_group(cast, places):
    lebanon = ready_family(cast)
    jordan = ready_family(cast, "jo")
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=adults(lebanon)[1], channel="phone")
    services.consent_withdraw(actor=cast["jo_registration_officer"], individual=adults(jordan)[1], channel="phone")
    lebanon_queue = list(selectors.follow_up_queue(actor=cast["lb_protection_officer"]))
    assert [f.household_id for f in lebanon_queue] == [lebanon.pk]
    with pytest.raises(NotPermitted):
        selectors.follow_up_queue(actor=cast["lb_registration_officer"])
    with pytest.raises(Http404):
        selectors.follow_up_get(actor=cast["jo_protection_officer"], pk=lebanon_queue[0].pk)


def test_member_labels_name_members_and_say_who_may_be_an_adult(cast, places):
    household = family(cast, members=[head(), spouse(), head(relationship="son", first_name_lat="Omar", date_of_birth="2016", specific_needs=[])])
    mohamad, _fatima = adults(household)
    labels = selectors.member_labels(actor=cast["lb_movement_officer"], household=household)
    assert labels[mohamad.pk].name == "Mohamad Ahmad El Hariri"
    omar = labels[member(household, "son").pk]
    assert omar.may_be_child and not omar.may_be_adult
    assert list(labels) == [mohamad.pk, _fatima.pk, omar.id]
