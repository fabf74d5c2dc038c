"""Deregistration: a household's file in the host country closed after a return, with its
evidence, and reopened after a failed or reversed return. Nothing is deleted; every transition is
a ``Deregistration`` row (from, to, reason, evidence ids, actor, time) and an audit row.

    active ──close on request (person.update, a reason)──────────────────▶ closed on request
    active ──verified return (person.update, an arrival confirmation)────▶ verified return
    active ──presumed return (a protection officer, the programme's rule)▶ presumed return
    any closed state ──reopen (person.update, a reason)──────────────────▶ active

A presumed return needs no contact and no assistance for the rule's months, and never happens for
a household with a withdrawal in that period or an open follow-up. Closing changes only the
status, its reason and time; reopening puts them back, so the record is as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.registry.choices import CLOSED_STATES, DeregistrationState, HouseholdStatus
from sabeel.registry.models import Deregistration, Household
from sabeel.registry.services._records import _locked_household, _version

REASON_MAX = 200
MONTH_DAYS = 30


def _fail(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def transition_record(
    *, actor: Actor, household: Household, to_state: str, reason: str, evidence: dict[str, Any] | None = None
) -> Deregistration:
    """Move the (locked) household to ``to_state`` and keep the transition; the caller checked the
    permission and the evidence. Used by close and reopen too."""
    from_state = household.deregistration
    if to_state in CLOSED_STATES and from_state != DeregistrationState.ACTIVE:
        raise ServiceError(_("This household is already closed."))
    if to_state == DeregistrationState.ACTIVE and from_state not in CLOSED_STATES:
        raise ServiceError(_("This household is open."))
    who = as_actor(actor)
    now = timezone.now()
    row = Deregistration.objects.create(
        household=household,
        from_state=from_state,
        to_state=to_state,
        reason=reason[:REASON_MAX],
        evidence=dict(evidence or {}),
        actor_kind=str(who.kind),
        actor_id=str(who.id),
        at=now,
    )
    return row


def _close(actor: Actor, household: Household, to_state: str, reason: str, evidence: dict[str, Any], action: str) -> Household:
    row = transition_record(actor=actor, household=household, to_state=to_state, reason=reason, evidence=evidence)
    household.status, household.closed_reason, household.closed_at = HouseholdStatus.CLOSED, reason, row.at
    household.deregistration = to_state
    household.version += 1
    household.save(update_fields=["status", "closed_reason", "closed_at", "deregistration", "version", "updated_at"])
    _version(
        actor=actor,
        household=household,
        individual=None,
        version=household.version,
        action=action,
        changes={"status": (HouseholdStatus.OPEN, HouseholdStatus.CLOSED), "deregistration": (DeregistrationState.ACTIVE, to_state), "closed_reason": ("", reason)},
    )
    audit.record(actor=actor, action=action, target=household, data={"version": household.version, "deregistration_id": row.pk, **{k: v for k, v in evidence.items() if k.endswith("_id") or k in ("months", "rule_version")}})
    return household


@transaction.atomic
def household_verified_return(*, actor: Actor, household: Household, confirmation_id: int) -> Household:
    """Close the file as a verified return, with the household's arrival confirmation as evidence."""
    require(actor, "person.update", household)
    household = _locked_household(household)
    confirmation_model = apps.get_model("movements", "Confirmation")
    confirmation = (
        confirmation_model.objects.select_related("placement").filter(pk=confirmation_id, kind="arrived", placement__household_id=household.pk).first()
    )
    if confirmation is None:
        raise _fail("confirmation", _("A verified return needs this household's arrival confirmation."))
    if household.deregistration != DeregistrationState.ACTIVE:
        raise ServiceError(_("This household is already closed."))
    return _close(
        actor,
        household,
        DeregistrationState.VERIFIED_RETURN,
        "Verified return",
        {"confirmation_id": confirmation.pk, "placement_id": confirmation.placement_id},
        "household.deregistered_verified",
    )


def presumed_return_blockers(household: Household, *, months: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Why the household cannot be presumed to have returned under a rule of ``months`` (empty:
    it can): contact or assistance in the period, a withdrawal in it, an open follow-up."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=MONTH_DAYS * months)
    blockers: dict[str, Any] = {}
    if household.versions.filter(at__gte=since).exists():
        blockers["contact"] = "record_changed"
    for label, model, field in (
        ("contact", "consent.CounsellingSession", "created_at"),
        ("contact", "consent.ReturnIntention", "created_at"),
        ("contact", "consent.ReturnConsent", "created_at"),
        ("assistance", "assistance.Payment", "created_at"),
        ("withdrawal", "consent.Withdrawal", "at"),
    ):
        try:
            related = apps.get_model(model)
        except LookupError:
            continue
        if related.objects.filter(household_id=household.pk, **{f"{field}__gte": since}).exists():
            blockers.setdefault(label, model.split(".")[1].lower())
    follow_up = apps.get_model("consent", "FollowUp")
    if follow_up.objects.filter(household_id=household.pk, done_at__isnull=True).exists():
        blockers["follow_up"] = "open"
    return blockers


@transaction.atomic
def household_presumed_return(*, actor: Actor, household: Household, months: int, programme_id: int, rule_version: int) -> Household:
    """A protection officer confirms a presumed return under the programme's rule (no contact and
    no assistance for ``months``); refused while anything in ``presumed_return_blockers`` holds."""
    require(actor, "deregistration.presume", household)
    household = _locked_household(household)
    if not 1 <= int(months) <= 120:
        raise _fail("months", _("The rule counts 1 to 120 months."))
    if household.deregistration != DeregistrationState.ACTIVE:
        raise ServiceError(_("This household is already closed."))
    blockers = presumed_return_blockers(household, months=int(months))
    if blockers:
        raise _fail("household", _("This household cannot be presumed to have returned: it had contact, assistance, a withdrawal or an open follow-up in the period."))
    return _close(
        actor,
        household,
        DeregistrationState.PRESUMED_RETURN,
        "Presumed return",
        {"programme_id": programme_id, "rule_version": rule_version, "months": int(months), "confirmed_by_id": as_actor(actor).user_id},
        "household.deregistered_presumed",
    )
