"""The read log: every read of names leaves one MACed row (ids and a count, never names) without
taking the chain lock; batches are sealed into the chain; ``verify`` and ``audit_verify`` catch a
read row changed, removed or slipped in, and the anchor kept in a file outside the database
catches a rebuilt trail."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.core.models import AuditEntry, AuditHead, ReadEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchors(settings: Any, tmp_path: Path) -> Path:
    settings.SABEEL_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return settings.SABEEL_AUDIT_ANCHOR_DIR


def _tamper(statement: str, params: list[Any] | None = None) -> None:
    """What someone with database access (but not the audit key) can do: triggers off, then SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_readentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_readentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_readentry_no_delete")
        cursor.execute(statement, params or [])


def _reads(count: int, *, start: int = 1) -> list[ReadEntry]:
    return [
        audit.record_read(
            actor=system("officer-stand-in"),
            action="registry.households_listed",
            ids=range(start + i * 10, start + i * 10 + 3),
            is_list=True,
            working_group_id=7,
        )
        for i in range(count)
    ]


# --- Writing a read -------------------------------------------------------------------------------


def test_a_read_is_one_row_with_the_ids_and_count_and_takes_no_chain_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    audit.record(actor=system("t"), action="registry.synced")
    head_before = AuditHead.objects.values().get()

    def no_lock() -> None:
        raise AssertionError("a read must not take the chain lock")

    monkeypatch.setattr(audit, "_lock_chain", no_lock)
    entry = audit.record_read(actor=system("t"), action="registry.households_listed", ids=[12, 11, 10], is_list=True)

    stored = ReadEntry.objects.values().get(pk=entry.pk)
    assert (stored["action"], stored["count"], stored["is_list"]) == ("registry.households_listed", 3, True)
    assert stored["data"] == {"row_ids": [12, 11, 10]}
    assert stored["mac"] == audit.read_mac(ReadEntry.objects.get(pk=entry.pk))
    assert AuditHead.objects.values().get() == head_before and AuditEntry.objects.count() == 1


def test_a_long_list_is_kept_as_a_keyed_digest_of_its_ids() -> None:
    ids = list(range(1, audit.READ_IDS_INLINE + 2))

    entry = audit.record_read(actor=system("t"), action="registry.exported", ids=ids)

    assert entry.count == len(ids) and "row_ids" not in entry.data
    assert entry.data["row_ids_hmac"] == audit.keyed_hash(",".join(map(str, ids)), purpose="read-ids")


def test_a_read_refuses_data_that_looks_like_personal_data() -> None:
    with pytest.raises(ValueError, match="personal data"):
        audit.record_read(actor=system("t"), action="x.read", ids=[1], data={"family_name": "x"})
    assert not ReadEntry.objects.exists()


def test_the_database_refuses_to_change_or_delete_a_read() -> None:
    [entry] = _reads(1)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ReadEntry.objects.filter(pk=entry.pk).update(count=0)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ReadEntry.objects.filter(pk=entry.pk).delete()
    assert ReadEntry.objects.get(pk=entry.pk).count == 3


# --- Sealing ----------------------------------------------------------------------------------------


def test_a_seal_is_one_chain_row_naming_the_range_count_and_digest() -> None:
    reads = _reads(4)

    seal = audit.reads_seal(grace_seconds=0)

    assert seal is not None and seal.action == audit.SEAL_ACTION
    assert (seal.data["after_read_id"], seal.data["last_read_id"], seal.data["read_count"]) == (0, reads[-1].pk, 4)
    assert AuditEntry.objects.count() == 1
    assert audit.reads_seal(grace_seconds=0) is None  # nothing new
    more = _reads(2, start=100)
    second = audit.reads_seal(grace_seconds=0)
    assert second is not None
    assert (second.data["after_read_id"], second.data["last_read_id"], second.data["read_count"]) == (reads[-1].pk, more[-1].pk, 2)
    result = audit.verify()
    assert (result.ok, result.checked, result.reads_checked) == (True, 2, 6), result.reason


def test_reads_younger_than_the_grace_period_wait_for_the_next_seal(clock: Any) -> None:
    _reads(2)

    assert audit.reads_seal(grace_seconds=60) is None
    clock.advance(seconds=61)
    seal = audit.reads_seal(grace_seconds=60)
    assert seal is not None and seal.data["read_count"] == 2


# --- Tampering is caught ------------------------------------------------------------------------------


def test_an_edited_read_is_caught_sealed_or_not() -> None:
    reads = _reads(3)
    audit.reads_seal(grace_seconds=0)
    unsealed = _reads(1, start=500)[0]

    _tamper("UPDATE core_readentry SET count = 0 WHERE id = %s", [unsealed.pk])
    result = audit.verify()
    assert (result.ok, result.first_bad_read) == (False, unsealed.pk)

    _tamper("UPDATE core_readentry SET data = %s WHERE id = %s", ['{"row_ids": [1]}', reads[1].pk])
    result = audit.verify()
    assert (result.ok, result.first_bad_read) == (False, reads[1].pk)
    assert "MAC" in result.reason


def test_a_sealed_read_removed_is_caught() -> None:
    reads = _reads(3)
    seal = audit.reads_seal(grace_seconds=0)
    assert seal is not None

    _tamper("DELETE FROM core_readentry WHERE id = %s", [reads[1].pk])

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, seal.seq)
    assert "removed, added or renumbered" in result.reason


def test_a_copied_read_slipped_into_a_sealed_range_is_caught() -> None:
    reads = _reads(2)
    _tamper("DELETE FROM core_readentry WHERE id = %s", [reads[1].pk])
    keep = _reads(1, start=300)[0]  # the range now has a gap the intruder will fill
    audit.reads_seal(grace_seconds=0)
    row: dict[str, Any] = dict(ReadEntry.objects.values().get(pk=reads[0].pk))
    columns = [c for c in row if c != "id"]
    values = [
        connection.ops.adapt_json_value(row[c], None)
        if c == "data"
        else connection.ops.adapt_datetimefield_value(row[c])
        if c == "at"
        else row[c]
        for c in columns
    ]

    _tamper(
        f"INSERT INTO core_readentry (id, {', '.join(columns)}) VALUES (%s, {', '.join(['%s'] * len(columns))})",  # noqa: S608
        [reads[1].pk, *values],
    )

    result = audit.verify()
    # A read's MAC cannot cover its id (the database assigns it), so the copy is caught by its
    # seal: the sealed range that now holds one read too many is named from its first id.
    assert not result.ok and keep.pk > reads[1].pk
    assert result.first_bad_read is not None and result.first_bad_read <= reads[0].pk
    assert "removed, added or renumbered" in result.reason


def test_without_the_key_a_read_cannot_be_forged() -> None:
    _reads(1)
    row = ReadEntry.objects.values().get()
    with connection.cursor() as cursor:
        # A new read (inserts are allowed) carrying a made-up MAC.
        cursor.execute(
            "INSERT INTO core_readentry (at, actor_kind, actor_id, action, target_type, target_id, working_group_id, "
            "is_list, count, data, mac) VALUES (%s, 'system', 'x', 'x.read', '', '', NULL, %s, 0, %s, %s)",
            [connection.ops.adapt_datetimefield_value(row["at"]), False, '{"row_ids": []}', "ab" * 32],
        )
    assert not audit.verify().ok


# --- audit_verify: sealing and the anchor file outside the database ---------------------------------------


def test_audit_verify_seals_writes_a_dated_anchor_file_and_checks_it_next_time(anchors: Path, settings: Any) -> None:
    settings.READ_SEAL_GRACE_SECONDS = 0
    audit.record(actor=system("t"), action="registry.synced")
    _reads(2)
    out = StringIO()

    call_command("audit_verify", stdout=out)

    assert "Sealed 2 reads" in out.getvalue() and "2 reads checked" in out.getvalue()
    [first] = sorted(anchors.glob("audit-anchor-*.txt"))
    seal = AuditEntry.objects.get(action=audit.SEAL_ACTION)
    assert f"{seal.seq}:{seal.mac}" in first.read_text()

    audit.record(actor=system("t"), action="registry.synced")
    call_command("audit_verify", stdout=StringIO())
    assert len(list(anchors.glob("audit-anchor-*.txt"))) == 2


def test_audit_verify_fails_loudly_when_the_trail_no_longer_holds_the_anchored_row(anchors: Path) -> None:
    audit.record(actor=system("t"), action="registry.synced")
    audit.record(actor=system("t"), action="registry.synced")
    call_command("audit_verify", stdout=StringIO())
    with connection.cursor() as cursor:  # a rebuilt trail: wiped, then one fresh row under the key
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute("DELETE FROM core_audithead")
    audit.record(actor=system("t"), action="registry.synced")
    assert audit.verify().ok  # nothing inside the database contradicts it

    with pytest.raises(CommandError, match="Newest anchor file") as raised:
        call_command("audit_verify", stdout=StringIO())
    assert raised.value.returncode == 1
    assert "row 2" in str(raised.value)


def test_a_damaged_anchor_file_is_refused(anchors: Path) -> None:
    anchors.mkdir(parents=True)
    (anchors / "audit-anchor-20990101T000000000000Z.txt").write_text("# header\nnot an anchor\n")

    with pytest.raises(CommandError, match="not an anchor"):
        call_command("audit_verify", stdout=StringIO())


def test_audit_verify_can_skip_the_anchor_file_for_a_one_off_check(anchors: Path) -> None:
    audit.record(actor=system("t"), action="registry.synced")

    call_command("audit_verify", "--no-anchor-file", "--no-seal", stdout=StringIO())

    assert not anchors.exists()


# --- Exports: their own action, in the chain ---------------------------------------------------------


def test_an_export_is_its_own_chained_action_with_a_count_and_a_keyed_digest(cast: Any) -> None:
    from django.http import Http404

    from sabeel.core import throttle
    from sabeel.core.exceptions import NotPermitted

    lebanon = cast.groups["lb"]
    with pytest.raises(NotPermitted):
        throttle.export_require(cast["lb_finance_officer"], lebanon)
    with pytest.raises(Http404):
        throttle.export_require(cast["jo_registration_officer"], lebanon)
    throttle.export_require(cast["lb_registration_officer"], lebanon)

    entry = audit.record_export(actor=cast["lb_registration_officer"], scope="person", ids=range(1, 501), working_group_id=lebanon.pk)

    assert (entry.action, entry.working_group_id, entry.data["row_count"]) == ("person.exported", lebanon.pk, 500)
    assert entry.data["row_ids_hmac"] == audit.keyed_hash(",".join(map(str, range(1, 501))), purpose="read-ids")
    assert audit.verify().ok
