"""Writes and the one check of hard rule 4: a person's data leaves a working group only under an
active, unexpired data-sharing agreement that covers that data, purpose and recipient, and, where
the agreement says so, only for the people who gave their own consent to share.

**How other code shares** (the one path, for every feature that hands people's data out of a
working group)::

    agreement = agreement_require(
        actor, agreement_id=..., working_group=group, purpose=..., categories=[...], recipient=org
    )
    people = people_covered(agreement, individuals, recipient=org, categories=[...])
    ...hand over exactly ``people``, with only the field groups in ``categories``...
    share_record(actor=actor, kind=ShareKind..., agreement=agreement, recipient=org,
                 individual_ids=[p.pk for p in people], categories=[...])

* Person-level exports of the household list (``sharing.exports``) and the partner API
  (``sharing.api``) already do this.
* **Every list handed to an authority** (movements, issue 10: a manifest or a list sent to a
  host-country or Syrian authority) must call ``agreement_require`` with the authority's
  organisation as ``recipient`` and the manifest's purpose, filter its people with
  ``people_covered`` and write ``share_record(kind=ShareKind.AUTHORITY_LIST, ...)`` in the same
  transaction as the list is issued. No list of names is sent for "clearance" by default: without an
  agreement the call raises ``AgreementRefused`` and nothing leaves.
* **Every cross-group merge** (identity resolution, issue 9: linking a person of one working group
  with a record of another) must call ``agreement_require`` on the group whose data is disclosed
  to the other (``recipient``: the other group's organisation), keep only ``people_covered`` and
  write ``share_record(kind=ShareKind.CROSS_GROUP_MERGE, ...)`` with the ids linked.

The share log and the audit trail hold ids, counts and a keyed digest of the ids, never a name.
``agreement_require`` checks the agreement only: the caller has checked the actor's own permission
(``person.export``, ``movement.manage``, …) for the group first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import ActorKind
from sabeel.core.permissions import require
from sabeel.core.roles import FieldGroup
from sabeel.sharing.choices import (
    BASE_CONSENT_CATEGORIES,
    CONSENT_CATEGORIES,
    SHAREABLE_FIELD_GROUPS,
    AgreementStatus,
    LegalBasis,
    Level,
    ShareKind,
)
from sabeel.sharing.models import Agreement, AgreementToken, AgreementVersion, ShareEntry
from sabeel.workgroups.models import Organisation, WorkingGroup

__all__ = [
    "EDITABLE_FIELDS",
    "TOKEN_PREFIX",
    "AgreementRefused",
    "agreement_create",
    "agreement_is_current",
    "agreement_require",
    "agreement_revoke",
    "agreement_token_create",
    "agreement_token_revoke",
    "agreement_token_use",
    "agreement_update",
    "group_today",
    "ids_digest",
    "people_covered",
    "share_record",
]

TOKEN_PREFIX = "sbp_"  # noqa: S105 - the public prefix of partner tokens (personal ones are "sbl_")
TOKEN_EXPIRY_DAYS = (30, 90, 365)
_LAST_USED_RESOLUTION_SECONDS = 60
EDITABLE_FIELDS = (
    "reference",
    "parties",
    "purpose",
    "level",
    "categories",
    "legal_basis",
    "retention_days",
    "onward_transfer_banned",
    "requires_consent",
    "starts_on",
    "expires_on",
)


class AgreementRefused(ServiceError):
    """No active, unexpired agreement covers the use asked for (HTTP 403 in the API)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"agreement": [message]}, code="agreement_refused")


def group_today(group: WorkingGroup) -> dt.date:
    """Today in the working group's (host country's) time zone: agreements run by its calendar."""
    return timezone.now().astimezone(ZoneInfo(group.time_zone or "UTC")).date()


def _end_of(agreement: Agreement) -> dt.datetime:
    zone = ZoneInfo(agreement.working_group.time_zone or "UTC")
    return dt.datetime.combine(agreement.expires_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def agreement_is_current(agreement: Agreement, *, on: dt.date | None = None) -> bool:
    """Active (not revoked) and within its dates, in its group's calendar."""
    day = on or group_today(agreement.working_group)
    return agreement.status == AgreementStatus.ACTIVE and agreement.starts_on <= day <= agreement.expires_on


def ids_digest(ids: Iterable[Any]) -> str:
    """A keyed digest of the ids shared, in order (never the ids of names themselves)."""
    return audit.keyed_hash(",".join(str(i) for i in ids), purpose="share-ids")


# --- agreements ---------------------------------------------------------------------------------


def _snapshot(agreement: Agreement) -> dict[str, Any]:
    return {
        "reference": agreement.reference,
        "party_ids": sorted(agreement.parties.values_list("pk", flat=True)),
        "purpose": agreement.purpose,
        "level": agreement.level,
        "categories": list(agreement.categories),
        "legal_basis": agreement.legal_basis,
        "retention_days": agreement.retention_days,
        "onward_transfer_banned": agreement.onward_transfer_banned,
        "requires_consent": agreement.requires_consent,
        "starts_on": agreement.starts_on.isoformat(),
        "expires_on": agreement.expires_on.isoformat(),
        "status": agreement.status,
        "revoked_reason": agreement.revoked_reason,
    }


def _version(actor: Actor, agreement: Agreement) -> None:
    AgreementVersion.objects.create(
        agreement=agreement, version=agreement.version, snapshot=_snapshot(agreement), changed_by_id=as_actor(actor).user_id
    )


def _clean(values: Mapping[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
    """Check an agreement's fields; raise ``ServiceError`` naming each bad field."""
    errors: dict[str, list[str]] = {}
    out = dict(values)
    reference = str(values.get("reference") or "").strip()
    if not reference or len(reference) > 64:
        errors["reference"] = [_("Give the agreement a reference of at most 64 characters.")]
    elif Agreement.objects.filter(reference=reference).exclude(pk=exclude or 0).exists():
        errors["reference"] = [_("Another agreement has this reference.")]
    out["reference"] = reference
    party_ids = sorted({int(getattr(p, "pk", p)) for p in values.get("parties") or []})
    if not party_ids or Organisation.objects.filter(pk__in=party_ids, is_active=True).count() != len(party_ids):
        errors["parties"] = [_("Choose the organisations that receive the data.")]
    out["parties"] = party_ids
    purpose = str(values.get("purpose") or "").strip()
    if not purpose or len(purpose) > 200:
        errors["purpose"] = [_("Say for what purpose the data is shared, in at most 200 characters.")]
    out["purpose"] = purpose
    level = values.get("level") or Level.PERSON
    if level not in Level.values:
        errors["level"] = [_("Choose person-level rows or aggregate figures.")]
    categories = sorted({str(c) for c in values.get("categories") or []})
    allowed = {g.value for g in SHAREABLE_FIELD_GROUPS}
    if not set(categories) <= allowed:
        errors["categories"] = [_("The protection-sensitive case never leaves its working group under an agreement.")]
    elif level == Level.AGGREGATE and categories:
        errors["categories"] = [_("An agreement for aggregate figures covers no person-level field group.")]
    out["level"], out["categories"] = level, categories
    if values.get("legal_basis") not in LegalBasis.values:
        errors["legal_basis"] = [_("Choose the legal basis of the agreement.")]
    retention = values.get("retention_days")
    if not isinstance(retention, int) or retention < 1 or retention > 3650:
        errors["retention_days"] = [_("Say how many days the recipient may keep the data (1 to 3650).")]
    starts_on, expires_on = values.get("starts_on"), values.get("expires_on")
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = [_("Give the day the agreement starts.")]
    if not isinstance(expires_on, dt.date):
        errors["expires_on"] = [_("Give the day the agreement expires.")]
    elif isinstance(starts_on, dt.date) and expires_on < starts_on:
        errors["expires_on"] = [_("An agreement cannot expire before it starts.")]
    out["onward_transfer_banned"] = bool(values.get("onward_transfer_banned"))
    out["requires_consent"] = bool(values.get("requires_consent"))
    if errors:
        raise ServiceError(_("Some fields are not valid."), fields=errors)
    return out


@transaction.atomic
def agreement_create(*, actor: Actor, working_group: WorkingGroup, **values: Any) -> Agreement:
    """Record a data-sharing agreement of ``working_group`` (administrators of that group).
    ``values``: the fields of ``EDITABLE_FIELDS`` (parties as organisations or their ids)."""
    require(actor, "agreement.manage", working_group)
    clean = _clean(values)
    party_ids = clean.pop("parties")
    agreement = Agreement.objects.create(working_group=working_group, created_by_id=as_actor(actor).user_id, **clean)
    agreement.parties.set(party_ids)
    _version(actor, agreement)
    audit.record(
        actor=actor,
        action="sharing.agreement_created",
        target=agreement,
        data={"agreement_id": agreement.pk, "organisation_ids": party_ids, "version": agreement.version},
    )
    return agreement


@transaction.atomic
def agreement_update(*, actor: Actor, agreement: Agreement, changes: Mapping[str, Any]) -> Agreement:
    """Change an agreement (a renewal is a later ``expires_on``): a new version is kept and the
    old one stays. A revoked agreement cannot change. Tokens never outlive the new end."""
    require(actor, "agreement.manage", agreement)
    current = Agreement.objects.select_for_update().select_related("working_group").get(pk=agreement.pk)
    if current.status == AgreementStatus.REVOKED:
        raise ServiceError(_("A revoked agreement cannot be changed; record a new one."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = _snapshot(current)
    merged = {**{k: v for k, v in before.items() if k in EDITABLE_FIELDS}, "parties": before["party_ids"]}
    merged["starts_on"], merged["expires_on"] = current.starts_on, current.expires_on
    merged.update(changes)
    clean = _clean(merged, exclude=current.pk)
    party_ids = clean.pop("parties")
    for name, value in clean.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    current.parties.set(party_ids)
    end = _end_of(current)
    AgreementToken.objects.filter(agreement=current, expires_at__gt=end).update(expires_at=end, updated_at=timezone.now())
    _version(actor, current)
    after = _snapshot(current)
    audit.record(
        actor=actor,
        action="sharing.agreement_updated",
        target=current,
        data={
            "agreement_id": current.pk,
            "version": current.version,
            "changed_fields": sorted(k for k in after if after[k] != before[k]),
        },
    )
    return current


@transaction.atomic
def agreement_revoke(*, actor: Actor, agreement: Agreement, reason: str) -> Agreement:
    """Revoke an agreement with a reason: from this moment nothing is shared under it and every
    token it owns is revoked too."""
    require(actor, "agreement.manage", agreement)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ServiceError(_("Say why the agreement is revoked, in at most 500 characters."), fields={"reason": [_("Say why.")]})
    current = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if current.status == AgreementStatus.REVOKED:
        raise ServiceError(_("This agreement was already revoked."))
    now = timezone.now()
    current.status = AgreementStatus.REVOKED
    current.revoked_reason = reason
    current.revoked_at = now
    current.version += 1
    current.save()
    token_ids = list(AgreementToken.objects.filter(agreement=current, revoked_at__isnull=True).values_list("pk", flat=True))
    AgreementToken.objects.filter(pk__in=token_ids).update(revoked_at=now, updated_at=now)
    _version(actor, current)
    audit.record(
        actor=actor,
        action="sharing.agreement_revoked",
        target=current,
        data={"agreement_id": current.pk, "version": current.version, "token_ids": token_ids},
    )
    return current


# --- the one check, the consent filter and the share log -------------------------------------------


def agreement_require(
    actor: Actor,
    *,
    agreement_id: int | None,
    working_group: WorkingGroup,
    purpose: str | None,
    categories: Iterable[str],
    recipient: Organisation | int | None,
    level: str = Level.PERSON,
) -> Agreement:
    """The agreement ``agreement_id`` if it is active, unexpired and covers this use: data of
    ``working_group``, for ``purpose`` (the agreement's own when None), of the field groups in
    ``categories`` at ``level``, to ``recipient`` (every party when None). Otherwise
    ``AgreementRefused`` with a translated reason. The actor must be signed in; their own
    permission for the data is the caller's check."""
    if not as_actor(actor).is_authenticated:
        from sabeel.core.exceptions import NotSignedIn

        raise NotSignedIn
    agreement = (
        Agreement.objects.select_related("working_group").filter(pk=agreement_id or 0, working_group=working_group).first()
    )
    if agreement is None:
        raise AgreementRefused(_("No data-sharing agreement of this working group was chosen; nothing may leave it."))
    if agreement.status != AgreementStatus.ACTIVE:
        raise AgreementRefused(_("This data-sharing agreement was revoked; nothing may be shared under it."))
    today = group_today(working_group)
    if today < agreement.starts_on:
        raise AgreementRefused(_("This data-sharing agreement has not started yet."))
    if today > agreement.expires_on:
        raise AgreementRefused(_("This data-sharing agreement has expired; it must be renewed before anything is shared."))
    wanted = {str(c) for c in categories}
    if level == Level.PERSON and agreement.level != Level.PERSON:
        raise AgreementRefused(_("This agreement covers aggregate figures only, not person-level rows."))
    if not wanted <= set(agreement.categories):
        raise AgreementRefused(_("This agreement does not cover all the data asked for."))
    if purpose is not None and purpose.strip().casefold() != agreement.purpose.strip().casefold():
        raise AgreementRefused(_("This agreement does not cover that purpose."))
    if recipient is not None:
        recipient_id = _pk(recipient)
        if not agreement.parties.filter(pk=recipient_id).exists():
            raise AgreementRefused(_("This organisation is not a recipient under this agreement."))
    return agreement


def _pk(value: Organisation | int) -> int:
    return int(value.pk) if isinstance(value, Organisation) else int(value)


def _json_has(field: str, value: Any) -> Q:
    """``field`` (a JSON list) holds ``value``: ``@>`` on PostgreSQL, a match on the JSON text
    elsewhere (SQLite keeps the list as text)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    token = re.escape(json.dumps(value))
    return Q(**{f"{field}__regex": rf"[\[,]\s*{token}\s*[,\]]"})


def consent_categories_for(categories: Iterable[str]) -> frozenset[str]:
    """The categories of a person's consent to share that must cover these field groups."""
    needed = set(BASE_CONSENT_CATEGORIES)
    for category in categories:
        needed |= CONSENT_CATEGORIES.get(FieldGroup(category), frozenset())
    return frozenset(needed)


def _json_has_any(field: str, values: Iterable[Any]) -> Q:
    """``field`` (a JSON list) holds at least one of ``values`` (none: never)."""
    found = Q(pk__in=[])
    for value in values:
        found |= _json_has(field, value)
    return found


def people_covered(
    agreement: Agreement,
    individuals_qs: QuerySet[Any],
    *,
    recipient: Organisation | int | None = None,
    categories: Iterable[str] | None = None,
    on: dt.date | None = None,
) -> QuerySet[Any]:
    """``individuals_qs`` narrowed to the people whose data may leave under ``agreement``: all of
    them when it needs no consent, otherwise those with a consent to share (``DataSharingConsent``)
    recorded in the agreement's working group, given by ``on`` and not withdrawn by then, for the
    agreement's purpose, naming the recipient (every party when None) and every data category the
    field groups need.

    A person is every record of them (docs/eligibility.md rule 18: while a merge is in effect the
    merged record reads as its survivor, ``identity.links``): a consent recorded for either record
    covers both, and a withdrawal wins. A withdrawn consent to share for the same purpose that
    names a recipient of this share and one of the data it needs, recorded for any record of the
    person in any group, cancels every consent of theirs recorded before the withdrawal was
    recorded (same moment: the withdrawal wins; rule 10); a consent recorded after it is fresh."""
    if not agreement.requires_consent:
        return individuals_qs
    from sabeel.consent.models import DataSharingConsent
    from sabeel.identity.links import identity_of, same_person

    day = on or group_today(agreement.working_group)
    purpose = agreement.purpose.strip()
    recipients = (
        [_pk(recipient)] if recipient is not None else list(agreement.parties.values_list("pk", flat=True))
    )
    needed = sorted(consent_categories_for(agreement.categories if categories is None else categories))
    consents = DataSharingConsent.objects.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
        household__working_group_id=agreement.working_group_id,
        given_on__lte=day,
        purpose__iexact=purpose,
    )
    for party in recipients:
        consents = consents.filter(_json_has("parties", party))
    for category in needed:
        consents = consents.filter(_json_has("data_categories", category))
    # The withdrawal is recorded when the row is withdrawn (the only change a consent to share takes).
    withdrawals = DataSharingConsent.objects.filter(
        _json_has_any("parties", recipients),
        _json_has_any("data_categories", needed),
        withdrawn_on__lte=day,
        purpose__iexact=purpose,
    )
    later = withdrawals.filter(same_person("individual_id", OuterRef(OuterRef("person"))), updated_at__gte=OuterRef("created_at"))
    standing = consents.filter(same_person("individual_id", OuterRef("person"))).exclude(Exists(later))
    covered = individuals_qs.annotate(person=identity_of("pk")).filter(Exists(standing))
    return individuals_qs.filter(pk__in=covered.values("pk"))


@transaction.atomic
def share_record(
    *,
    actor: Actor,
    kind: ShareKind | str,
    agreement: Agreement,
    recipient: Organisation | int | None,
    individual_ids: Sequence[Any],
    categories: Iterable[str],
    token: AgreementToken | None = None,
    run_id: int | None = None,
) -> ShareEntry:
    """Write one share to the share log and the audit trail: what, to whom, under which
    agreement, how many people and a keyed digest of their ids (never a name)."""
    who = as_actor(actor)
    recipient_id = _pk(recipient) if recipient is not None else None
    entry = ShareEntry.objects.create(
        kind=str(kind),
        agreement=agreement,
        working_group_id=agreement.working_group_id,
        recipient_id=recipient_id,
        categories=sorted({str(c) for c in categories}),
        people_count=len(individual_ids),
        ids_digest=ids_digest(individual_ids),
        actor_kind=str(who.kind),
        actor_id=str(who.id),
        user_id=who.user_id,
        token=token,
        run_id=run_id,
    )
    audit.record(
        actor=actor,
        action="sharing.shared",
        target=agreement,
        data={
            "share_id": entry.pk,
            "kind": entry.kind,
            "agreement_id": agreement.pk,
            "organisation_ids": [recipient_id] if recipient_id else [],
            "token_id": token.pk if token else None,
            "run_id": run_id,
            "people_count": entry.people_count,
            "person_ids_hmac": entry.ids_digest,
        },
    )
    return entry


# --- partner tokens -------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def agreement_token_create(
    *, actor: Actor, agreement: Agreement, recipient: Organisation, name: str, expires_in_days: int = 90
) -> tuple[AgreementToken, str]:
    """A token owned by ``agreement`` for one of its recipients; returns the row and the raw token
    (shown once, never stored). It expires no later than the agreement."""
    require(actor, "agreement.manage", agreement)
    if not agreement_is_current(agreement):
        raise ServiceError(_("Tokens are issued only under an active, unexpired agreement."))
    if not agreement.parties.filter(pk=recipient.pk).exists():
        raise ServiceError(_("This organisation is not a recipient under this agreement."), fields={"recipient": [_("Choose a recipient of the agreement.")]})
    if agreement.level != Level.PERSON:
        raise ServiceError(_("The partner API hands out person-level rows; this agreement covers aggregate figures only."))
    if expires_in_days not in TOKEN_EXPIRY_DAYS:
        raise ServiceError(_("Choose how long the token lasts."), fields={"expires_in_days": [_("Choose 30, 90 or 365 days.")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = min(timezone.now() + dt.timedelta(days=expires_in_days), _end_of(agreement))
    token = AgreementToken.objects.create(
        agreement=agreement,
        recipient=recipient,
        name=(name or "").strip()[:100] or "partner",
        prefix=raw[:12],
        key_hash=_hash(raw),
        expires_at=expires_at,
        created_by_id=as_actor(actor).user_id,
    )
    audit.record(
        actor=actor,
        action="sharing.token_created",
        target=agreement,
        data={"agreement_id": agreement.pk, "token_id": token.pk, "organisation_ids": [recipient.pk]},
    )
    return token, raw


@transaction.atomic
def agreement_token_revoke(*, actor: Actor, token: AgreementToken) -> AgreementToken:
    require(actor, "agreement.manage", token.agreement)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor=actor,
            action="sharing.token_revoked",
            target=token.agreement,
            data={"agreement_id": token.agreement_id, "token_id": token.pk},
        )
    return token


def agreement_token_use(raw: str) -> AgreementToken | None:
    """The partner token a raw token is, if it may be used now: not revoked, not expired, and its
    agreement active and unexpired (checked at every use, so a revocation or an expiry of the
    agreement stops it at once)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        AgreementToken.objects.select_related("agreement__working_group", "recipient")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not agreement_is_current(token.agreement):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > _LAST_USED_RESOLUTION_SECONDS:
        AgreementToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def partner_actor(token: AgreementToken) -> Actor:
    """The actor a partner call acts as in the share log and the trail: the token, by id."""
    return Actor(kind=ActorKind.SYSTEM, id=f"agreement-token:{token.pk}")
