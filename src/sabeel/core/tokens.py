"""Personal API tokens: shown once, stored as a SHA-256 hash, carrying the owner's scope.

A token acts as its owner, so it sees exactly what the owner sees, through the same memberships;
it stops working when it is revoked, when it expires, or when its owner is deactivated. Every
token of a user also dies with their second factor: when an administrator resets a lost device and
when the user enrols an authenticator app again (``core.otp``), since whoever holds the lost phone
may have had the tokens too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotSignedIn
from sabeel.core.models import ApiToken
from sabeel.core.permissions import require

TOKEN_PREFIX = "sbl_"  # noqa: S105 - the public prefix, not a secret
EXPIRY_DAYS = (30, 90, 365)
DEFAULT_EXPIRY_DAYS = 90
_LAST_USED_RESOLUTION_SECONDS = 60


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _owner_id(actor: Actor) -> int:
    user_id = as_actor(actor).user_id
    if user_id is None:
        raise NotSignedIn
    return user_id


@transaction.atomic
def api_token_create(*, actor: Actor, name: str, expires_in_days: int | None = DEFAULT_EXPIRY_DAYS) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns the row and the raw token (shown once, never stored)."""
    require(actor, "apitoken.manage")
    owner_id = _owner_id(actor)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(
        user_id=owner_id,
        name=name.strip()[:100] or "token",
        prefix=raw[:12],
        key_hash=_hash(raw),
        expires_at=expires_at,
    )
    audit.record(actor=actor, action="apitoken.created", target=token, data={"expires_in_days": expires_in_days})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (another user's token is not revealed: 404)."""
    require(actor, "apitoken.manage")
    if token.user_id != _owner_id(actor):
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="apitoken.revoked", target=token)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, actor: Actor, user: Any, reason: str) -> list[int]:
    """Revoke every live token of ``user`` (their second factor was reset or enrolled again), one
    audit row per token naming the reason; returns the ids revoked. Checks are the caller's."""
    now = timezone.now()
    live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("pk"))
    for token in live:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="apitoken.revoked", target=token, data={"reason": reason})
    return [token.pk for token in live]


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first (revoked ones included, marked)."""
    who = as_actor(actor)
    if who.user_id is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=who.user_id).order_by("-created_at", "-pk")


def api_token_get(*, actor: Actor, pk: int) -> ApiToken:
    try:
        return api_token_list(actor=actor).get(pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc


def api_token_user(raw: str) -> Any | None:
    """The active user a raw token belongs to, or None (unknown, revoked, expired, deactivated)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > _LAST_USED_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
