"""Personal API tokens: shown once, stored as a SHA-256 hash, carrying the owner's scope."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from sabeel.core import audit
from sabeel.core.models import ApiToken
from sabeel.core.permissions import require

TOKEN_PREFIX = "sbl_"  # noqa: S105 - a public prefix, not a secret


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns the row and the raw token (shown once)."""
    require(actor, "apitoken.manage")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name.strip()[:100] or "token", prefix=raw[:12], key_hash=_hash(raw))
    audit.record(actor=actor, action="apitoken.created", target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    require(actor, "apitoken.manage")
    if token.user_id != actor.pk:
        from django.http import Http404

        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="apitoken.revoked", target=token)
    return token


def api_token_user(raw: str) -> Any | None:
    """The active user a raw token belongs to, or None."""
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
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
