"""Helpers shared by the voluntariness services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from sabeel.consent.eligibility import local_today
from sabeel.consent.models import (
    ReturnProgramme,
)
from sabeel.core import audit
from sabeel.core.actors import as_actor
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.registry.choices import MemberStatus
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import User

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


def _staff_user(actor: Any) -> User:
    user = as_actor(actor).user
    if user is None:  # require() lets system jobs through; these records name a staff member
        raise NotPermitted
    return user


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


def _current_member(household: Household, individual: Individual, field: str = "individual") -> None:
    if individual.household_id != household.pk:
        raise _fail(field, _("This person is not a member of the household."))
    if individual.status != MemberStatus.ACTIVE:
        raise _fail(field, _("This person is no longer a current member of the household."))


def _programme(household: Household) -> ReturnProgramme:
    programme = ReturnProgramme.objects.filter(working_group_id=household.working_group_id, is_active=True).first()
    if programme is None:
        raise ServiceError(_("There is no active return programme in this working group; an administrator must set one up."))
    return programme


def _text(value: str, field: str, *, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise _fail(field, _("Write at most %(count)d characters.") % {"count": limit})
    return value


def _record(actor: Any, action: str, target: Any, household: Household, **ids: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=target,
        working_group_id=household.working_group_id,
        data={"household_id": household.pk, **ids},
    )
