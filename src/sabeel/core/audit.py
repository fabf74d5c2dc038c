"""The append-only, hash-chained audit trail.

Each row carries an HMAC (keyed with ``settings.SABEEL_AUDIT_KEY``, which is never stored in the
database) over its own content and the previous row's MAC; a keyed head row records the last
sequence number. ``verify()`` therefore detects an edited, deleted, inserted or truncated row, also
when the person tampering has database access but not the key. Writers are serialised: on
PostgreSQL by a transaction-level advisory lock, on SQLite by IMMEDIATE transactions (WAL mode).

Rows hold ids and action names, never names, phone numbers or documents; ``record`` refuses data
keys that look like personal data, and searches are recorded as a keyed hash of the query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

UTC = dt.UTC

from sabeel.core.actors import Actor, as_actor
from sabeel.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64
_ADVISORY_LOCK_ID = 0x5AB_EE1  # any constant shared by all writers of the chain
_FORBIDDEN_KEY_PARTS = ("name", "phone", "document", "query", "email", "address", "birth", "dob", "text")


def _key() -> bytes:
    key = getattr(settings, "SABEEL_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured("SABEEL_AUDIT_KEY is not set; the audit trail cannot be written or checked.")
    return key.encode()


def keyed_hash(value: str, *, purpose: str) -> str:
    """A keyed hash (hex, 32 chars) of a sensitive value, e.g. a search query, for the trail."""
    return hmac.new(_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _canonical(entry: AuditEntry) -> bytes:
    at = entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = [
        entry.seq,
        at,
        entry.actor_kind,
        entry.actor_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.working_group_id,
        entry.data,
        entry.prev_mac,
    ]
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_mac(entry: AuditEntry) -> str:
    return hmac.new(_key(), _canonical(entry), hashlib.sha256).hexdigest()


def _head_mac(seq: int, mac: str) -> str:
    return hmac.new(_key(), f"head\x00{seq}\x00{mac}".encode(), hashlib.sha256).hexdigest()


def _check_data(data: dict[str, Any]) -> None:
    for key, value in data.items():
        lowered = key.lower()
        if any(part in lowered for part in _FORBIDDEN_KEY_PARTS) and not lowered.endswith(("_id", "_ids", "_hmac", "_count")):
            raise ValueError(f"audit data key {key!r} looks like personal data; record ids or keyed hashes instead")
        if isinstance(value, dict):
            _check_data(value)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
    # SQLite: the surrounding transaction is IMMEDIATE, so it already holds the write lock.


def record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
    working_group_id: int | None = None,
) -> AuditEntry:
    """Append one row to the trail, in the caller's transaction (or a new one)."""
    from sabeel.core.permissions import group_of, target_ref

    who: Actor = as_actor(actor)
    payload = dict(data or {})
    _check_data(payload)
    target_type, target_id = target_ref(target) if target is not None else ("", "")
    if working_group_id is None and target is not None:
        working_group_id = group_of(target)
    with transaction.atomic():
        _lock_chain()
        head = AuditHead.objects.filter(pk=1).first()
        prev_seq, prev_mac = (head.seq, head.mac) if head else (0, GENESIS)
        entry = AuditEntry(
            seq=prev_seq + 1,
            at=timezone.now(),
            actor_kind=who.kind,
            actor_id=who.id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            working_group_id=working_group_id,
            data=payload,
            prev_mac=prev_mac,
        )
        entry.mac = compute_mac(entry)
        entry.save(force_insert=True)
        head_values = {"seq": entry.seq, "mac": entry.mac, "head_mac": _head_mac(entry.seq, entry.mac)}
        if head is None:
            AuditHead.objects.create(pk=1, **head_values)
        else:
            AuditHead.objects.filter(pk=1).update(**head_values)
    return entry


def record_search(*, actor: Any, scope: str, query: str, result_count: int, working_group_id: int | None = None) -> AuditEntry:
    """A search: the trail keeps a keyed hash of the query and the number of results."""
    return record(
        actor=actor,
        action=f"{scope}.searched",
        data={"query_hmac": keyed_hash(query.strip().casefold(), purpose="search"), "result_count": result_count},
        working_group_id=working_group_id,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def _rows(batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify() -> VerifyResult:
    """Walk the chain from the first row; name the first row that does not hold."""
    expected_seq = 1
    prev_mac = GENESIS
    checked = 0
    for entry in _rows():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"row {expected_seq} is missing (next row is {entry.seq})")
        if entry.prev_mac != prev_mac:
            return VerifyResult(False, checked, entry.seq, "the link to the previous row is broken")
        if not hmac.compare_digest(entry.mac, compute_mac(entry)):
            return VerifyResult(False, checked, entry.seq, "the row's content does not match its MAC")
        prev_mac = entry.mac
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if checked:
            return VerifyResult(False, checked, last_seq, "the chain head is missing")
        return VerifyResult(True, 0)
    if not hmac.compare_digest(head.head_mac, _head_mac(head.seq, head.mac)):
        return VerifyResult(False, checked, head.seq, "the chain head has been altered")
    if head.seq != last_seq or head.mac != prev_mac:
        return VerifyResult(
            False, checked, min(head.seq, last_seq + 1), f"the trail ends at row {last_seq} but the head says {head.seq}: rows were removed"
        )
    return VerifyResult(True, checked)
