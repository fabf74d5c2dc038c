"""Helpers shared by the voluntariness services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from sabeel.consent.eligibility import birth_date_of, local_today
from sabeel.consent.models import (
    ReturnProgramme,
)
from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.signals import households_changed
from sabeel.registry.choices import MemberStatus
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import User
from sabeel.workgroups.users import staff_user

RULE_FIELDS = ("consent_validity_days", "cooling_off_days", "reconfirmation_window_days", "go_and_see_visits_allowed")
RULE_LIMIT = 3650
NAME_MAX = 200
TEXT_MAX = 2000
OUTCOME_MIN = 3
# A withdrawal stamped a little ahead of the server's clock (a check-in device) is still "now".
CLOCK_SKEW = dt.timedelta(minutes=5)


# --- --------------------------------------------------------------------------------------


def _fail(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def _staff_user(actor: Actor) -> User:
    # require() lets system jobs through; these records name a staff member (NotPermitted otherwise).
    return staff_user(as_actor(actor))


def _household_of(individual: Individual) -> Household:
    return Household.objects.select_related("working_group").get(pk=individual.household_id)


def _with_group(household: Household) -> Household:
    if "working_group" not in household._state.fields_cache:
        household = Household.objects.select_related("working_group").get(pk=household.pk)
    return household


def _today(household: Household) -> dt.date:
    return local_today(household.working_group.time_zone)


def _not_future(household: Household, day: dt.date | None, field: str) -> dt.date:
    today = _today(household)
    if day is None:
        return today
    if day > today:
        raise _fail(field, _("The date cannot be in the future."))
    return day


def _day_text(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


def _not_before_birth(day: dt.date, people: Sequence[Individual], field: str) -> None:
    """Refuse a day certainly before a person was born: before the earliest possible birth date
    (1 January of the year when only the year is known); an unknown birth date refuses nothing."""
    for person in people:
        earliest = birth_date_of(person).earliest()
        if earliest is not None and day < earliest:
            raise _fail(field, _("The date cannot be before the person was born."))


def _not_before_programme(day: dt.date, programme: ReturnProgramme | None, field: str) -> None:
    if programme is not None and day < programme.starts_on:
        raise _fail(
            field,
            _("The date cannot be before the return programme started, on %(date)s.") % {"date": _day_text(programme.starts_on)},
        )


def _checked_day(
    household: Household,
    day: dt.date | None,
    field: str,
    *,
    people: Sequence[Individual] = (),
    programme: ReturnProgramme | None = None,
) -> dt.date:
    """The day of a record (today when not given): not in the future in the host country, not
    before any of ``people`` was born, not before ``programme`` started."""
    day = _not_future(household, day, field)
    _not_before_birth(day, people, field)
    _not_before_programme(day, programme, field)
    return day


def _active_programme(household: Household) -> ReturnProgramme | None:
    return ReturnProgramme.objects.filter(working_group_id=household.working_group_id, is_active=True).first()


def _current_member(household: Household, individual: Individual, field: str = "individual") -> None:
    if individual.household_id != household.pk:
        raise _fail(field, _("This person is not a member of the household."))
    if individual.status != MemberStatus.ACTIVE:
        raise _fail(field, _("This person is no longer a current member of the household."))


def _programme(household: Household) -> ReturnProgramme:
    programme = _active_programme(household)
    if programme is None:
        raise ServiceError(_("There is no active return programme in this working group; an administrator must set one up."))
    return programme


def _text(value: str, field: str, *, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise _fail(field, _("Write at most %(count)d characters.") % {"count": limit})
    return value


def _record(actor: Actor, action: str, target: Any, household: Household, **ids: Any) -> None:
    households_changed([household.pk])  # the funnel snapshot refreshes the household on commit
    audit.record(
        actor=actor,
        action=action,
        target=target,
        working_group_id=household.working_group_id,
        data={"household_id": household.pk, **ids},
    )
