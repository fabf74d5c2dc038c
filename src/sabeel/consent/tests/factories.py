"""The cast's return programmes, information packages and consenting families, made through the
services as the persona who may make them.

The default family is the registry's: Mohamad (head, born "1980", year only) and Fatima (his wife,
born 2 May 1984), returning from Lebanon to Daraa (SY12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabeel.conditions.models import InformationPackage
from sabeel.consent import services
from sabeel.consent.eligibility import local_today
from sabeel.consent.models import CounsellingSession, ReturnConsent, ReturnProgramme
from sabeel.registry.models import Household, Individual
from sabeel.registry.services import MemberInput
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import Cast

# The cast's programmes have been in force for a year, so the stories can date records in the past.
PROGRAMME_AGE = 365

RULES: dict[str, int] = {
    "consent_validity_days": 90,
    "cooling_off_days": 7,
    "reconfirmation_window_days": 14,
    "go_and_see_visits_allowed": 1,
}


def today(group: str = "lb") -> dt.date:
    return local_today({"lb": "Asia/Beirut", "jo": "Asia/Amman"}[group])


def days_ago(days: int, group: str = "lb") -> dt.date:
    return today(group) - dt.timedelta(days=days)


def programme_make(cast: Cast, group: str = "lb", **rules: int) -> ReturnProgramme:
    """The group's active programme (made by its administrator), with ``rules`` applied."""
    admin = cast[f"{group}_administrator"]
    programme = ReturnProgramme.objects.filter(working_group=cast.groups[group], is_active=True).first()
    if programme is None:
        names = {"lb": ("Organised return from Lebanon", "العودة المنظمة من لبنان"), "jo": ("Organised return from Jordan", "العودة المنظمة من الأردن")}
        name, name_ar = names[group]
        return services.programme_create(
            actor=admin, working_group=cast.groups[group], name=name, name_ar=name_ar, starts_on=days_ago(PROGRAMME_AGE, group), **{**RULES, **rules}
        )
    if rules:
        programme = services.programme_update(actor=admin, programme=programme, changes=rules)
    return programme


def package_make(household: Household, language: str = "ar") -> InformationPackage:
    """An information package for the household's destination (the conditions engineer's
    generator makes these; tests make one row)."""
    assert household.destination_id is not None
    version = InformationPackage.objects.filter(admin_unit_id=household.destination_id, language=language).count() + 1
    return InformationPackage.objects.create(
        admin_unit_id=household.destination_id, language=language, version=version, content={"sections": []}, digest=f"test-{version}"
    )


def family(cast: Cast, group: str = "lb", *, members: list[MemberInput] | None = None, **values: Any) -> Household:
    """A registered household of ``group`` whose working group has a programme."""
    programme_make(cast, group)
    return household_make(cast, group, members=members, **values)


def member(household: Household, relationship: str, nth: int = 0) -> Individual:
    return list(household.members.filter(relationship=relationship).order_by("pk"))[nth]


def adults(household: Household) -> tuple[Individual, Individual]:
    return member(household, "head"), member(household, "spouse")


def counselled(cast: Cast, person: Individual, *, on: dt.date, group: str = "lb", package: InformationPackage | None = None) -> InformationPackage:
    """The person attended a counselling session on ``on`` where they were shown ``package`` (a
    new one for the household's destination unless given)."""
    household = person.household
    package = package or package_make(household)
    services.counselling_record(
        actor=cast[f"{group}_protection_officer"],
        household=household,
        held_on=on,
        language=package.language,
        attendees=[person],
        information_package=package,
    )
    return package


def consent(cast: Cast, person: Individual, *, on: dt.date | None = None, group: str = "lb", **values: Any) -> ReturnConsent:
    """A complete consent (free, informed, express, with the package seen) recorded by the
    group's protection officer; unless the person was already counselled by then (and shown
    ``information_package``, when given), after a counselling session they attended that day."""
    given_on = on or days_ago(30, group)
    package = values.pop("information_package", None)
    sessions = CounsellingSession.objects.filter(attendees=person, held_on__lte=given_on)
    if package is not None and not sessions.filter(information_package=package).exists():
        counselled(cast, person, on=given_on, group=group, package=package)
    elif package is None and not sessions.exists():
        package = counselled(cast, person, on=given_on, group=group)
    recorded = services.consent_record(
        actor=cast[f"{group}_protection_officer"],
        individual=person,
        given_on=given_on,
        free=True,
        informed=True,
        express=True,
        information_package=package,
        **values,
    )
    return recorded_on_its_day(recorded)


def recorded_on_its_day(record: ReturnConsent) -> ReturnConsent:
    """History for the stories: the consent was recorded on the day it was given (noon, host-country
    time), as if the officer had entered it then. Eligibility counts the cooling-off from the day a
    consent was recorded (docs/eligibility.md, rule 13), so a consent "given 30 days ago" must also
    have been recorded then. (Added by the verdict work.)"""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(record.household.working_group.time_zone or "UTC")
    if record.given_on >= record.created_at.astimezone(zone).date():
        # given today: recorded now, after whatever the test recorded before it (moved back to noon,
        # a consent renewed after a withdrawal recorded this afternoon would seem to come first:
        # the tests that do so failed whenever they ran after noon, host-country time)
        return record
    noon = dt.datetime.combine(record.given_on, dt.time(12), tzinfo=zone)
    if noon < record.created_at:
        ReturnConsent.objects.filter(pk=record.pk).update(created_at=noon)
        record.created_at = noon
    return record


def ready_family(cast: Cast, group: str = "lb", **values: Any) -> Household:
    """Both adults consented 30 days ago and re-confirmed 2 days ago: eligible today."""
    household = family(cast, group, **values)
    for person in adults(household):
        consent(cast, person, on=days_ago(30, group), group=group)
        services.reconfirmation_record(actor=cast[f"{group}_protection_officer"], individual=person, on=days_ago(2, group))
    return household
