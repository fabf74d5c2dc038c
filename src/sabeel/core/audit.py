"""The append-only, hash-chained audit trail.

Each row carries an HMAC (keyed with ``settings.SABEEL_AUDIT_KEY``, which is never stored in the
database) over its own content and the previous row's MAC; a keyed head row records the last
sequence number. ``verify()`` therefore detects an edited, deleted, inserted or truncated row, also
when the person tampering has database access but not the key. Writers are serialised: on
PostgreSQL by a transaction-level advisory lock, on SQLite by IMMEDIATE transactions (WAL mode).

What the key cannot show on its own: someone who wipes every row *and* the head, or who puts back
a head saved earlier together with the rows after it removed, leaves a chain that is valid as far
as it goes. An ``Anchor`` (the ``seq`` and ``mac`` of a row, as printed by ``audit_verify`` and kept
outside the database) closes that gap: ``verify(anchor=...)`` fails unless that row is still there.

Rows hold ids and action names, never names, phone numbers or documents; ``record`` refuses data
keys that look like personal data, and searches are recorded as a keyed hash of the query.

Reads of names (a list page, a search, a file opened) are many and must not queue behind one
another, so they do not take the chain lock. ``record_read`` appends one row per request to a
separate read log (``ReadEntry``): the actor, the action, the ids returned (or, past
``READ_IDS_INLINE`` of them, a keyed digest) and the count. The database refuses UPDATE and DELETE
of these rows as it does for the trail, and each row carries its own HMAC with the audit key, so an
edited row is caught on its own. ``reads_seal`` (run every few minutes by ``audit_verify``, or by a
scheduler) takes the chain lock once per batch and appends one chain row, ``audit.reads_sealed``,
naming the range of read ids and a keyed digest of every (id, MAC) in it, in order; from then on a
read row deleted, inserted, renumbered or swapped is caught as well. Only rows older than
``READ_SEAL_GRACE_SECONDS`` are sealed, so that a read still committing when the batch is taken
is not left out of a range. Between two seals, a deleted read row is the one thing the key alone
cannot show (the seal interval bounds that window); ``verify`` checks the seals and every row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core.actors import Actor, as_actor
from sabeel.core.models import AuditEntry, AuditHead, ReadEntry

__all__ = [
    "GENESIS",
    "READ_IDS_INLINE",
    "SEAL_ACTION",
    "Anchor",
    "VerifyResult",
    "compute_mac",
    "keyed_hash",
    "read_mac",
    "reads_seal",
    "record",
    "record_export",
    "record_read",
    "record_search",
    "verify",
]

GENESIS = "0" * 64
_ADVISORY_LOCK_ID = 0x5AB_EE1  # any constant shared by all writers of the chain
_FORBIDDEN_KEY_PARTS = ("name", "phone", "document", "query", "email", "address", "birth", "dob", "text")
_ALLOWED_KEY_SUFFIXES = ("_id", "_ids", "_hmac", "_count")
_VERIFY_BATCH = 5000
_FIELDS = (
    "seq",
    "at",
    "actor_kind",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "working_group_id",
    "data",
    "prev_mac",
    "mac",
)


def _key() -> bytes:
    key = getattr(settings, "SABEEL_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured("SABEEL_AUDIT_KEY is not set; the audit trail cannot be written or checked.")
    return str(key).encode()


def keyed_hash(value: str, *, purpose: str) -> str:
    """A keyed hash (hex, 32 chars) of a sensitive value, e.g. a search query, for the trail."""
    return hmac.new(_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _canonical(
    seq: int,
    at: dt.datetime,
    actor_kind: str,
    actor_id: str,
    action: str,
    target_type: str,
    target_id: str,
    working_group_id: int | None,
    data: Any,
    prev_mac: str,
) -> bytes:
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = [seq, stamp, actor_kind, actor_id, action, target_type, target_id, working_group_id, data, prev_mac]
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(key: bytes, row: tuple[Any, ...]) -> str:
    # ``row`` is the tuple of _FIELDS without the final ``mac``.
    return hmac.new(key, _canonical(*row), hashlib.sha256).hexdigest()


def compute_mac(entry: AuditEntry) -> str:
    """The MAC a row should carry, from its content and ``prev_mac``."""
    return _mac(_key(), tuple(getattr(entry, name) for name in _FIELDS[:-1]))


def _same(a: Any, b: str) -> bool:
    # Byte comparison: a tampered column may hold text that compare_digest refuses as str.
    return hmac.compare_digest(str(a).encode(), b.encode())


def _head_mac(seq: int, mac: str) -> str:
    return hmac.new(_key(), f"head\x00{seq}\x00{mac}".encode(), hashlib.sha256).hexdigest()


def _json_ready(value: Any) -> Any:
    # What the row will hold once read back: JSON types only, string keys, and no float that the
    # database may hand back as an integer (PostgreSQL's jsonb prints 1e16 as 10000000000000000).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def _check_data(data: Any) -> None:
    if isinstance(data, list):
        for item in data:
            _check_data(item)
        return
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        lowered = key.lower()
        if any(part in lowered for part in _FORBIDDEN_KEY_PARTS) and not lowered.endswith(_ALLOWED_KEY_SUFFIXES):
            raise ValueError(f"audit data key {key!r} looks like personal data; record ids or keyed hashes instead")
        _check_data(value)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
    # SQLite: the surrounding transaction is IMMEDIATE, so it already holds the write lock.


def record(
    *,
    actor: Actor,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
    working_group_id: int | None = None,
) -> AuditEntry:
    """Append one row to the trail, in the caller's transaction (or a new one).

    No savepoint: if the row cannot be written, the caller's transaction cannot commit either, so
    an audited change never lands without its row. The chain lock is held until that transaction
    ends, so services record last and keep audited transactions short."""
    from sabeel.core.permissions import group_of, target_ref

    who: Actor = as_actor(actor)
    payload = _json_ready(json.loads(json.dumps(data or {})))
    _check_data(payload)
    target_type, target_id = target_ref(target) if target is not None else ("", "")
    if working_group_id is None and target is not None:
        working_group_id = group_of(target)
    with transaction.atomic(savepoint=False):
        _lock_chain()
        head = AuditHead.objects.filter(pk=1).first()
        prev_seq, prev_mac = (head.seq, head.mac) if head else (0, GENESIS)
        entry = AuditEntry(
            seq=prev_seq + 1,
            at=timezone.now(),
            actor_kind=str(who.kind),
            actor_id=str(who.id),
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            working_group_id=int(working_group_id) if working_group_id is not None else None,
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


# --- the read log ------------------------------------------------------------------------------

READ_IDS_INLINE = 100  # up to this many ids are kept as they are; more become a keyed digest
SEAL_ACTION = "audit.reads_sealed"
_READ_FIELDS = (
    "at",
    "actor_kind",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "working_group_id",
    "is_list",
    "count",
    "data",
)


def _read_canonical(row: tuple[Any, ...]) -> bytes:
    at, *rest = row
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(["read", stamp, *rest], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _read_mac(key: bytes, row: tuple[Any, ...]) -> str:
    # ``row`` is the tuple of _READ_FIELDS.
    return hmac.new(key, _read_canonical(row), hashlib.sha256).hexdigest()


def read_mac(entry: ReadEntry) -> str:
    """The MAC a read row should carry, from its content."""
    return _read_mac(_key(), tuple(getattr(entry, name) for name in _READ_FIELDS))


def _ids_digest(ids: list[str]) -> str:
    return keyed_hash(",".join(ids), purpose="read-ids")


def record_read(
    *,
    actor: Actor,
    action: str,
    ids: Iterable[Any] = (),
    target: Any = None,
    working_group_id: int | None = None,
    is_list: bool = False,
    count: int | None = None,
    data: dict[str, Any] | None = None,
) -> ReadEntry:
    """Append one row to the read log: who read which rows (ids, in the order returned, or a keyed
    digest of them past ``READ_IDS_INLINE``) and how many. One row per request.

    Takes no chain lock (readers never wait on the trail's writers nor on each other); the row is
    MACed on its own and sealed into the chain later by ``reads_seal``. ``is_list`` marks a page of
    a list, which ``core.throttle`` counts for the paging limit."""
    from sabeel.core.permissions import group_of, target_ref

    who: Actor = as_actor(actor)
    id_list = [str(i) for i in ids]
    payload = _json_ready(json.loads(json.dumps(data or {})))
    _check_data(payload)
    if len(id_list) <= READ_IDS_INLINE:
        payload["row_ids"] = [int(i) if i.isdigit() else i for i in id_list]
    else:
        payload["row_ids_hmac"] = _ids_digest(id_list)
    target_type, target_id = target_ref(target) if target is not None else ("", "")
    if working_group_id is None and target is not None:
        working_group_id = group_of(target)
    entry = ReadEntry(
        at=timezone.now(),
        actor_kind=str(who.kind),
        actor_id=str(who.id),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        working_group_id=int(working_group_id) if working_group_id is not None else None,
        is_list=is_list,
        count=len(id_list) if count is None else int(count),
        data=payload,
    )
    entry.mac = read_mac(entry)
    entry.save(force_insert=True)
    return entry


def record_search(
    *,
    actor: Actor,
    scope: str,
    query: str,
    result_count: int,
    working_group_id: int | None = None,
    ids: Iterable[Any] = (),
) -> ReadEntry:
    """A search, in the read log: a keyed hash of the query, the ids returned and their number."""
    return record_read(
        actor=actor,
        action=f"{scope}.searched",
        ids=ids,
        count=result_count,
        data={"query_hmac": keyed_hash(query.strip().casefold(), purpose="search")},
        working_group_id=working_group_id,
    )


def record_export(*, actor: Actor, scope: str, ids: Iterable[Any], working_group_id: int | None, data: dict[str, Any] | None = None) -> AuditEntry:
    """An export of person-level rows (``person.export``): its own action in the chain itself (exports
    are rare and each matters), with the number of rows and a keyed digest of their ids. The caller
    has checked ``person.export`` for that group."""
    id_list = [str(i) for i in ids]
    return record(
        actor=actor,
        action=f"{scope}.exported",
        data={**(data or {}), "row_count": len(id_list), "row_ids_hmac": _ids_digest(id_list)},
        working_group_id=working_group_id,
    )


def _last_seal() -> AuditEntry | None:
    return AuditEntry.objects.filter(action=SEAL_ACTION).order_by("-seq").first()


def _range_digest(key: bytes, rows: Iterable[tuple[int, str]]) -> tuple[str, int, int | None]:
    digest = hmac.new(key, b"reads\x00", hashlib.sha256)
    count, last = 0, None
    for read_id, mac in rows:
        digest.update(f"{read_id}:{mac}\n".encode())
        count, last = count + 1, read_id
    return digest.hexdigest(), count, last


def reads_seal(*, actor: Actor | None = None, grace_seconds: float | None = None) -> AuditEntry | None:
    """Seal the read rows written since the last seal (and older than the grace period) into the
    chain: one ``audit.reads_sealed`` row naming the range, the count and a keyed digest of every
    (id, MAC) in it. Returns that row, or None when there was nothing to seal. Holds the chain lock
    once for the whole batch."""
    from sabeel.core.actors import system

    grace = getattr(settings, "READ_SEAL_GRACE_SECONDS", 30) if grace_seconds is None else grace_seconds
    key = _key()
    with transaction.atomic():
        _lock_chain()
        last = _last_seal()
        after = int(last.data["last_read_id"]) if last is not None else None
        cutoff = timezone.now() - dt.timedelta(seconds=grace)
        candidates = ReadEntry.objects.filter(at__lte=cutoff)
        if after is not None:
            candidates = candidates.filter(id__gt=after)
        upto = candidates.order_by("-id").values_list("id", flat=True).first()
        if upto is None:
            return None
        rows = ReadEntry.objects.filter(id__lte=upto)
        if after is not None:
            rows = rows.filter(id__gt=after)
        digest, count, _last_id = _range_digest(key, rows.order_by("id").values_list("id", "mac").iterator(chunk_size=5000))
        return record(
            actor=actor if actor is not None else system("audit-seal"),
            action=SEAL_ACTION,
            data={
                "after_read_id": after or 0,
                "last_read_id": upto,
                "read_count": count,
                "digest_hmac": digest,
            },
        )


class Anchor(NamedTuple):
    """A row's ``seq`` and ``mac`` kept outside the database (``"<seq>:<mac>"`` on the command line)."""

    seq: int
    mac: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, _sep, mac = text.strip().partition(":")
        if not seq.isdigit() or int(seq) < 1 or len(mac) != 64 or mac.strip(string.hexdigits):
            raise ValueError(f"an anchor reads '<seq>:<64 hex characters>', not {text!r}")
        return cls(int(seq), mac.lower())

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac}"


@dataclass(frozen=True)
class VerifyResult:
    """``checked`` counts the rows found good before the first bad one (all of them when ``ok``);
    ``last`` is the last good row, to keep outside the database as a future anchor."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    last: Anchor | None = None
    reads_checked: int = 0
    first_bad_read: int | None = None


class _Walk:
    """The chain checked so far; ``advance`` reads the rows committed since the last call."""

    def __init__(self) -> None:
        self.key = _key()
        self.last_seq = 0
        self.prev_mac = GENESIS
        self.checked = 0
        self.macs_seen: dict[int, str] = {}
        self.bad: VerifyResult | None = None

    def fail(self, seq: int, reason: str) -> VerifyResult:
        self.bad = VerifyResult(False, self.checked, seq, reason, self.last)
        return self.bad

    @property
    def last(self) -> Anchor | None:
        return Anchor(self.last_seq, self.prev_mac) if self.last_seq else None

    def _batches(self) -> Iterator[list[tuple[Any, ...]]]:
        # The first read has no lower bound, so a forged row numbered 0 or below is seen too.
        rows = AuditEntry.objects.order_by("seq").values_list(*_FIELDS)
        after: int | None = self.last_seq or None
        while True:
            chunk = list((rows if after is None else rows.filter(seq__gt=after))[:_VERIFY_BATCH])
            if not chunk:
                return
            yield chunk
            after = chunk[-1][0]

    def advance(self, watch: set[int]) -> int:
        found = 0
        for chunk in self._batches():
            for row in chunk:
                seq, prev_mac, mac = row[0], row[-2], row[-1]
                expected = self.last_seq + 1
                found += 1
                if seq != expected:
                    if seq < expected:
                        self.fail(seq, _("row %(seq)s is out of sequence: the trail starts at row 1") % {"seq": seq})
                    else:
                        self.fail(
                            expected,
                            _("row %(seq)s is missing (the next row is %(next)s)") % {"seq": expected, "next": seq},
                        )
                    return found
                if prev_mac != self.prev_mac:
                    self.fail(seq, _("row %(seq)s does not link to the row before it") % {"seq": seq})
                    return found
                if not _same(mac, _mac(self.key, row[:-1])):
                    self.fail(seq, _("row %(seq)s does not match its MAC: its content was changed") % {"seq": seq})
                    return found
                if seq in watch:
                    self.macs_seen[seq] = mac
                self.last_seq, self.prev_mac = seq, mac
                self.checked += 1
        return found


def verify(*, anchor: Anchor | None = None, anchors: Iterable[Anchor] = ()) -> VerifyResult:
    """Walk the chain from the first row and name the first row that does not hold; then the read
    log against its seals.

    Safe beside live writers: if the head has moved on while the rows were read, the rows written
    since are read and checked too. With ``anchor`` (or ``anchors``), each anchored row must still
    be in the chain."""
    walk = _Walk()
    wanted = sorted({*([anchor] if anchor else []), *anchors})
    watch = {a.seq for a in wanted}
    walk.advance(watch)
    while walk.bad is None:
        head = AuditHead.objects.filter(pk=1).first()
        if head is None:
            if walk.checked:
                return walk.fail(walk.last_seq, _("the chain head is missing"))
            break
        if not _same(head.head_mac, _head_mac(head.seq, head.mac)):
            return walk.fail(
                walk.last_seq + 1,
                _("the chain head has been altered (rows 1 to %(last)s hold; rows after them may be missing)")
                % {"last": walk.last_seq},
            )
        # Rows and head are committed together, so rows up to head.seq exist unless removed.
        if head.seq > walk.last_seq and walk.advance(watch):
            continue
        if head.seq > walk.last_seq:
            return walk.fail(
                walk.last_seq + 1,
                _("the trail ends at row %(last)s but the head says %(head)s: rows were removed")
                % {"last": walk.last_seq, "head": head.seq},
            )
        if head.seq < walk.last_seq:
            return walk.fail(
                head.seq + 1,
                _("rows after %(head)s are not covered by the head: it was set back, or rows were added")
                % {"head": head.seq},
            )
        if head.mac != walk.prev_mac:
            return walk.fail(head.seq, _("the chain head does not match row %(seq)s") % {"seq": head.seq})
        break
    if walk.bad is not None:
        return walk.bad
    for anchor in wanted:
        if walk.last_seq < anchor.seq:
            return walk.fail(
                walk.last_seq + 1,
                _("the trail ends at row %(last)s but row %(anchor)s was seen before: rows were removed")
                % {"last": walk.last_seq, "anchor": anchor.seq},
            )
        if not _same(walk.macs_seen.get(anchor.seq, ""), anchor.mac):
            return walk.fail(
                anchor.seq,
                _("row %(seq)s is not the row that was anchored: the trail was rebuilt") % {"seq": anchor.seq},
            )
    return _verify_reads(walk)


def _verify_reads(walk: _Walk) -> VerifyResult:
    """The read log, once the chain holds: every sealed range matches its seal (count and digest
    over (id, MAC) in order), the seals follow on from each other, and every row, sealed or not
    yet, matches its own MAC."""
    key = walk.key
    checked = 0
    columns = ("id", *_READ_FIELDS, "mac")

    def bad(reason: str, read_id: int | None, seq: int | None = None) -> VerifyResult:
        return VerifyResult(False, walk.checked, seq, reason, walk.last, checked, read_id)

    def rows_between(after: int | None, upto: int | None) -> Iterator[tuple[Any, ...]]:
        rows = ReadEntry.objects.all()
        if after is not None:
            rows = rows.filter(id__gt=after)
        if upto is not None:
            rows = rows.filter(id__lte=upto)
        return rows.order_by("id").values_list(*columns).iterator(chunk_size=_VERIFY_BATCH)

    previous: int | None = None
    seals = AuditEntry.objects.filter(action=SEAL_ACTION, seq__lte=walk.last_seq).order_by("seq").values_list("seq", "data")
    for seq, data in seals.iterator(chunk_size=_VERIFY_BATCH):
        after, upto = int(data.get("after_read_id") or 0), int(data["last_read_id"])
        if after != (previous or 0):
            return bad(_("seal row %(seq)s does not follow on from the seal before it") % {"seq": seq}, None, seq)
        digest = hmac.new(key, b"reads\x00", hashlib.sha256)
        count = 0
        for row in rows_between(previous, upto):
            read_id, mac = row[0], row[-1]
            if not _same(mac, _read_mac(key, row[1:-1])):
                return bad(_("read %(id)s does not match its MAC: its content was changed") % {"id": read_id}, read_id, seq)
            digest.update(f"{read_id}:{mac}\n".encode())
            count += 1
            checked += 1
        if count != data.get("read_count") or not _same(data.get("digest_hmac", ""), digest.hexdigest()):
            return bad(
                _("reads %(first)s to %(last)s sealed by row %(seq)s were removed, added or renumbered")
                % {"first": after + 1, "last": upto, "seq": seq},
                after + 1,
                seq,
            )
        previous = upto
    for row in rows_between(previous, None):
        read_id, mac = row[0], row[-1]
        if not _same(mac, _read_mac(key, row[1:-1])):
            return bad(_("read %(id)s does not match its MAC: its content was changed") % {"id": read_id}, read_id)
        checked += 1
    return VerifyResult(True, walk.checked, last=walk.last, reads_checked=checked)
