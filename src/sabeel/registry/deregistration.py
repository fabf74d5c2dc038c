"""Reads for a household's deregistration (the writes are ``services/_deregistration.py``): its
transitions as the household page shows them, the arrival confirmations a verified return can cite,
and the programme's presumed-return rule with why it applies or not.

What a page shows here is ids, dates, states and reasons: the blockers of a presumed return (a
withdrawal, an open follow-up) are named only to those who may confirm one (protection officers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model

from sabeel.core.actors import Actor
from sabeel.core.permissions import can, require
from sabeel.registry.models import Household
from sabeel.registry.services._deregistration import MONTH_DAYS, presumed_return_blockers


@dataclass(frozen=True)
class Transition:
    pk: int
    from_state: str
    to_state: str
    reason: str
    at: dt.datetime
    by: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PresumedRule:
    programme_id: int
    programme_name: str
    version: int
    months: int


@dataclass(frozen=True)
class PresumedCheck:
    rule: PresumedRule | None
    since: dt.date | None
    blockers: dict[str, Any]

    @property
    def applies(self) -> bool:
        return self.rule is not None and not self.blockers


def transitions(*, actor: Actor, household: Household) -> list[Transition]:
    """Every deregistration transition of the household, oldest first."""
    require(actor, "person.view", household)
    rows = list(household.deregistrations.order_by("at", "pk"))
    user_ids = {int(r.actor_id) for r in rows if r.actor_kind == "user" and r.actor_id.isdigit()}
    users = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    confirmations: dict[int, dt.datetime] = {}
    ids = [int(r.evidence["confirmation_id"]) for r in rows if str(r.evidence.get("confirmation_id", "")).isdigit()]
    if ids:
        confirmations = dict(apps.get_model("movements", "Confirmation").objects.filter(pk__in=ids).values_list("pk", "at"))
    out = []
    for r in rows:
        by = users.get(int(r.actor_id), "") if r.actor_kind == "user" and r.actor_id.isdigit() else r.actor_kind
        evidence = dict(r.evidence)
        if "confirmation_id" in evidence:
            evidence["arrived_at"] = confirmations.get(int(evidence["confirmation_id"]))
        out.append(Transition(r.pk, r.from_state, r.to_state, r.reason, r.at, by, evidence))
    return out


def arrivals(*, actor: Actor, household: Household) -> list[Any]:
    """The household's arrival confirmations (evidence for a verified return), newest first."""
    require(actor, "person.update", household)
    confirmation = apps.get_model("movements", "Confirmation")
    return list(confirmation.objects.filter(kind="arrived", placement__household_id=household.pk).select_related("placement").order_by("-at", "-pk"))


def presumed_rule(household: Household) -> PresumedRule | None:
    """The presumed-return rule of the household's group's active programme (its current grant
    rule's ``presumed_return_months``), or None when the programme sets none."""
    programme = apps.get_model("consent", "ReturnProgramme").objects.filter(working_group_id=household.working_group_id, is_active=True).order_by("pk").first()
    if programme is None:
        return None
    rule = apps.get_model("assistance", "GrantRule").objects.filter(programme=programme).order_by("-version").first()
    if rule is None or rule.presumed_return_months is None:
        return None
    return PresumedRule(programme.pk, str(programme), rule.version, int(rule.presumed_return_months))


def presumed_check(*, actor: Actor, household: Household) -> PresumedCheck:
    """The rule and why it applies or not, for the one who may confirm it."""
    require(actor, "deregistration.presume", household)
    rule = presumed_rule(household)
    if rule is None:
        return PresumedCheck(None, None, {})
    from django.utils import timezone

    since = (timezone.now() - dt.timedelta(days=MONTH_DAYS * rule.months)).date()
    return PresumedCheck(rule, since, presumed_return_blockers(household, months=rule.months))


def can_presume(*, actor: Actor, household: Household) -> bool:
    return can(actor, "deregistration.presume", household)
