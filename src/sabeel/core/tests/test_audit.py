"""The audit trail: append-only, hash-chained with a key kept outside the database.

The intruder in these tests has full database access (they drop or disable the append-only
triggers and write raw SQL) but not ``SABEEL_AUDIT_KEY``. Each test runs inside a transaction that
is rolled back, so the triggers come back afterwards.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from sabeel.core import audit
from sabeel.core.actors import refugee, system
from sabeel.core.models import ActorKind, AuditEntry, AuditHead, ReadEntry

pytestmark = pytest.mark.django_db


class Intruder:
    """Someone with database access but without the audit key."""

    def __init__(self) -> None:
        self._triggers_off = False

    def _disable_triggers(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            else:
                cursor.execute("DROP TRIGGER core_auditentry_no_update")
                cursor.execute("DROP TRIGGER core_auditentry_no_delete")
        self._triggers_off = True

    def sql(self, statement: str, params: list[Any] | None = None) -> None:
        if not self._triggers_off:
            self._disable_triggers()
        with connection.cursor() as cursor:
            cursor.execute(statement, params or [])

    def copy_row(self, seq: int) -> dict[str, Any]:
        return AuditEntry.objects.filter(seq=seq).values().get()

    def insert_row(self, row: dict[str, Any]) -> None:
        columns = list(row)
        values = [
            connection.ops.adapt_json_value(row[c], None)
            if c == "data"
            else connection.ops.adapt_datetimefield_value(row[c])
            if c == "at"
            else row[c]
            for c in columns
        ]
        placeholders = ", ".join(["%s"] * len(columns))
        self.sql(f"INSERT INTO core_auditentry ({', '.join(columns)}) VALUES ({placeholders})", values)  # noqa: S608

    def set_head(self, *, seq: int, mac: str, head_mac: str) -> None:
        self.sql("UPDATE core_audithead SET seq = %s, mac = %s, head_mac = %s WHERE id = 1", [seq, mac, head_mac])


@pytest.fixture
def intruder() -> Intruder:
    return Intruder()


@pytest.fixture(autouse=True)
def anchor_files(settings: Any, tmp_path: Any) -> None:
    """``audit_verify`` keeps its anchor files in a directory of the test's own."""
    settings.SABEEL_AUDIT_ANCHOR_DIR = tmp_path / "anchors"


def write_trail(count: int) -> list[AuditEntry]:
    """A small trail of the kind the platform writes: sign-ins, a refugee's consent, searches."""
    rows = []
    for i in range(count):
        if i % 3 == 0:
            rows.append(audit.record(actor=system("night_job"), action="registry.synced", data={"batch_count": i}))
        elif i % 3 == 1:
            rows.append(
                audit.record(
                    actor=refugee(household_id=40 + i),
                    action="consent.given",
                    data={"consent_id": 900 + i, "channel": "portal"},
                    working_group_id=7,
                )
            )
        else:
            rows.append(audit.record(actor=system("t"), action="registry.exported", data={"row_count": i}))
    return rows


# --- A clean trail ------------------------------------------------------------------------------


def test_an_empty_trail_verifies() -> None:
    result = audit.verify()
    assert result.ok
    assert result.checked == 0
    assert result.last is None


def test_a_clean_chain_verifies_and_offers_its_last_row_as_anchor() -> None:
    rows = write_trail(6)

    result = audit.verify()

    assert result == audit.VerifyResult(ok=True, checked=6, last=audit.Anchor(6, rows[-1].mac))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].prev_mac == audit.GENESIS
    assert all(later.prev_mac == earlier.mac for earlier, later in itertools.pairwise(rows))
    head = AuditHead.objects.get()
    assert (head.seq, head.mac) == (6, rows[-1].mac)


def test_staff_user_as_actor_and_a_record_as_target(cast: Any) -> None:
    officer = cast["lb_registration_officer"]
    group = cast.groups["lb"]

    entry = audit.record(actor=officer, action="group.viewed", target=group, working_group_id=group.pk)

    stored = AuditEntry.objects.get(seq=entry.seq)
    assert (stored.actor_kind, stored.actor_id) == (ActorKind.USER, str(officer.pk))
    assert (stored.target_type, stored.target_id) == ("workgroups.workinggroup", str(group.pk))
    assert stored.working_group_id == group.pk
    assert audit.verify().ok


def test_data_is_stored_as_the_mac_saw_it_so_numbers_do_not_break_the_chain() -> None:
    # PostgreSQL's jsonb gives 1e16 back as an integer and keys come back as strings.
    audit.record(actor=system("t"), action="x.counted", data={"row_count": 1e16, "share": 0.25, 3: [1.0, "a"]})

    assert AuditEntry.objects.get().data == {"row_count": 10**16, "share": 0.25, "3": [1, "a"]}
    assert audit.verify().ok


def test_a_rolled_back_change_takes_its_audit_row_with_it() -> None:
    write_trail(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=system("t"), action="consent.given", data={"consent_id": 1})
        raise RuntimeError("the change failed after it was audited")

    assert AuditEntry.objects.count() == 2
    assert audit.record(actor=system("t"), action="x.after").seq == 3
    assert audit.verify().ok


def test_verify_follows_rows_written_while_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    write_trail(3)
    first_pass = audit._Walk.advance
    calls = []

    def advance_while_a_writer_appends(walk: Any, watch: set[int]) -> int:
        found = first_pass(walk, watch)
        if not calls:
            audit.record(actor=system("t"), action="x.meanwhile")  # lands after the rows were read
        calls.append(found)
        return found

    monkeypatch.setattr(audit._Walk, "advance", advance_while_a_writer_appends)

    result = audit.verify()

    assert result.ok, result.reason
    assert result.checked == 4
    assert calls == [3, 1]


# --- Tampering by someone with database access --------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "consent.withdrawn"),
        ("actor_id", "999"),
        ("target_id", "12"),
        ("working_group_id", 8),
        ("data", {"consent_id": 1, "channel": "phone"}),
        ("at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_an_edited_field_is_caught_at_its_row(intruder: Intruder, column: str, value: Any) -> None:
    write_trail(6)
    if column == "data":
        value = connection.ops.adapt_json_value(value, None)
    elif column == "at":
        value = connection.ops.adapt_datetimefield_value(value)

    intruder.sql(f"UPDATE core_auditentry SET {column} = %s WHERE seq = 4", [value])  # noqa: S608

    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert result.checked == 3
    assert "MAC" in result.reason


def test_an_edited_row_with_a_guessed_mac_and_relinked_successor_is_caught(intruder: Intruder) -> None:
    write_trail(5)
    fake_mac = "f" * 64
    intruder.sql("UPDATE core_auditentry SET action = %s, mac = %s WHERE seq = 2", ["auth.signed_out", fake_mac])
    intruder.sql("UPDATE core_auditentry SET prev_mac = %s WHERE seq = 3", [fake_mac])

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_a_row_deleted_in_the_middle_is_named(intruder: Intruder) -> None:
    write_trail(6)

    intruder.sql("DELETE FROM core_auditentry WHERE seq = 3")

    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.checked == 2
    assert "missing" in result.reason


def test_a_row_deleted_and_the_rest_renumbered_is_caught(intruder: Intruder) -> None:
    write_trail(5)
    intruder.sql("DELETE FROM core_auditentry WHERE seq = 3")
    for seq in (4, 5):
        intruder.sql("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [seq - 1, seq])

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_a_forged_row_appended_at_the_end_is_caught(intruder: Intruder) -> None:
    rows = write_trail(4)
    forged = intruder.copy_row(4) | {"seq": 5, "action": "consent.given", "prev_mac": rows[-1].mac}
    with override_settings(SABEEL_AUDIT_KEY="the intruder's guess"):
        forged["mac"] = audit.compute_mac(AuditEntry(**forged))

    intruder.insert_row(forged)

    result = audit.verify()
    assert (result.ok, result.first_bad_seq, result.checked) == (False, 5, 4)


def test_a_forged_row_slipped_into_the_middle_is_caught(intruder: Intruder) -> None:
    rows = write_trail(5)
    for seq in (5, 4, 3):
        intruder.sql("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [seq + 1, seq])
    intruder.insert_row(intruder.copy_row(2) | {"seq": 3, "action": "payment.approved", "prev_mac": rows[1].mac})

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_a_forged_row_numbered_before_the_first_is_caught(intruder: Intruder) -> None:
    write_trail(3)
    intruder.insert_row(intruder.copy_row(1) | {"seq": 0})

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 0)


def test_a_truncated_tail_is_caught_at_the_first_missing_row(intruder: Intruder) -> None:
    write_trail(6)

    intruder.sql("DELETE FROM core_auditentry WHERE seq > 4")

    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == 5
    assert result.checked == 4
    assert "removed" in result.reason


def test_a_head_rewritten_to_an_older_row_is_caught(intruder: Intruder) -> None:
    rows = write_trail(6)
    head = AuditHead.objects.get()
    intruder.sql("DELETE FROM core_auditentry WHERE seq > 4")

    # Without the key the head's own MAC cannot be made to match row 4.
    intruder.set_head(seq=4, mac=rows[3].mac, head_mac=head.head_mac)

    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == 5
    assert "head" in result.reason


def test_a_head_rewritten_without_removing_rows_is_caught(intruder: Intruder) -> None:
    rows = write_trail(6)
    head = AuditHead.objects.get()

    intruder.set_head(seq=2, mac=rows[1].mac, head_mac=head.head_mac)

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 7)
    assert "head" in result.reason


def test_a_missing_head_is_caught(intruder: Intruder) -> None:
    write_trail(3)

    intruder.sql("DELETE FROM core_audithead")

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "head" in result.reason


def test_an_old_head_put_back_over_later_rows_is_caught(intruder: Intruder) -> None:
    write_trail(3)
    saved = AuditHead.objects.values("seq", "mac", "head_mac").get()
    write_trail(2)

    intruder.set_head(**saved)

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_only_an_anchor_kept_outside_catches_a_truncation_with_an_old_head_put_back(intruder: Intruder) -> None:
    write_trail(3)
    saved = AuditHead.objects.values("seq", "mac", "head_mac").get()
    write_trail(3)
    anchor = audit.verify().last
    assert anchor == audit.Anchor(6, AuditEntry.objects.get(seq=6).mac)

    intruder.sql("DELETE FROM core_auditentry WHERE seq > 3")
    intruder.set_head(**saved)

    assert audit.verify().ok  # a consistent older state: nothing inside the database contradicts it
    result = audit.verify(anchor=anchor)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, 4, 3)


def test_only_an_anchor_kept_outside_catches_a_wiped_and_restarted_trail(intruder: Intruder) -> None:
    write_trail(4)
    anchor = audit.verify().last
    assert anchor is not None

    intruder.sql("DELETE FROM core_auditentry")
    intruder.sql("DELETE FROM core_audithead")
    write_trail(5)  # the platform carries on writing a fresh, valid chain

    assert audit.verify().ok
    result = audit.verify(anchor=anchor)
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "rebuilt" in result.reason


def test_the_chain_does_not_verify_under_another_key(settings: Any) -> None:
    write_trail(3)

    settings.SABEEL_AUDIT_KEY = "another key"

    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 1)


# --- The database refuses changes --------------------------------------------------------------


def test_the_database_refuses_to_update_audit_rows_through_the_orm() -> None:
    entry = write_trail(2)[0]

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=entry.seq).update(action="consent.withdrawn")
    entry.action = "consent.withdrawn"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save(update_fields=["action"])

    assert AuditEntry.objects.get(seq=entry.seq).action == "registry.synced"
    assert audit.verify().ok


def test_the_database_refuses_to_delete_audit_rows_through_the_orm() -> None:
    entry = write_trail(2)[0]

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.count() == 2
    assert audit.verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE statement")
def test_postgresql_refuses_to_truncate_the_trail() -> None:
    write_trail(2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")

    assert AuditEntry.objects.count() == 2


# --- What the trail may hold -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Ahmad"},
        {"full_name": "Ahmad Al-Hassan"},
        {"phone": "+961 3 123456"},
        {"document_number": "A1234567"},
        {"query": "Al-Hassan"},
        {"email": "a@example.org"},
        {"address": "Hamra street"},
        {"date_of_birth": "1990-01-01"},
        {"free_text": "he said"},
        {"household": {"head_name": "Ahmad"}},
        {"members": [{"individual_id": 4, "phone": "+961 3 123456"}]},
    ],
)
def test_record_refuses_keys_that_look_like_personal_data(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="personal data"):
        audit.record(actor=system("t"), action="registry.updated", data=data)

    assert not AuditEntry.objects.exists()
    assert not AuditHead.objects.exists()


def test_record_accepts_ids_counts_and_keyed_hashes() -> None:
    data = {"household_id": 4, "document_ids": [1, 2], "query_hmac": "ab" * 16, "name_count": 2, "channel": "sms"}

    entry = audit.record(actor=system("t"), action="registry.updated", data=data)

    assert AuditEntry.objects.get(seq=entry.seq).data == data


def test_a_search_is_recorded_as_a_keyed_hash_and_a_count_never_the_query(settings: Any) -> None:
    query = "Ahmad Al-Hassan"

    entry = audit.record_search(actor=system("t"), scope="registry", query=query, result_count=3, ids=[7, 8, 9])

    stored = ReadEntry.objects.filter(pk=entry.pk).values().get()
    assert (stored["action"], stored["count"]) == ("registry.searched", 3)
    assert stored["data"] == {"query_hmac": audit.keyed_hash("ahmad al-hassan", purpose="search"), "row_ids": [7, 8, 9]}
    assert all(query.casefold() not in str(value).casefold() for value in stored.values())
    # The same search, typed differently, gives the same hash; another key gives another.
    again = audit.record_search(actor=system("t"), scope="registry", query="  AHMAD al-hassan ", result_count=3)
    assert again.data["query_hmac"] == stored["data"]["query_hmac"]
    settings.SABEEL_AUDIT_KEY = "another key"
    assert audit.keyed_hash("ahmad al-hassan", purpose="search") != stored["data"]["query_hmac"]


# --- manage.py audit_verify --------------------------------------------------------------------


def test_audit_verify_command_reports_an_intact_trail_and_its_anchor() -> None:
    rows = write_trail(3)
    out = StringIO()

    call_command("audit_verify", stdout=out)

    assert "3 rows checked" in out.getvalue()
    assert f"3:{rows[-1].mac}" in out.getvalue()
    write_trail(1)
    call_command("audit_verify", "--anchor", f"3:{rows[-1].mac}", stdout=out)  # the anchored row is still there
    assert "4 rows checked" in out.getvalue()


@pytest.mark.parametrize("text", ["3", "0:" + "a" * 64, "x:" + "a" * 64, "3:" + "a" * 63, "3:" + "g" * 64])
def test_an_anchor_must_name_a_row_and_a_mac(text: str) -> None:
    with pytest.raises(ValueError, match="anchor"):
        audit.Anchor.parse(text)
    assert audit.Anchor.parse("3:" + "AB" * 32) == audit.Anchor(3, "ab" * 32)


def test_audit_verify_command_exits_1_naming_the_first_bad_row(intruder: Intruder) -> None:
    write_trail(4)
    intruder.sql("DELETE FROM core_auditentry WHERE seq = 2")

    with pytest.raises(CommandError, match="broken at row 2") as raised:
        call_command("audit_verify", stdout=StringIO())

    assert raised.value.returncode == 1
    assert "Rows checked before it: 1" in str(raised.value)


def test_audit_verify_command_checks_an_anchor_kept_outside(intruder: Intruder) -> None:
    write_trail(4)
    anchor = str(audit.verify().last)
    intruder.sql("DELETE FROM core_auditentry")
    intruder.sql("DELETE FROM core_audithead")
    call_command("audit_verify", stdout=StringIO())  # nothing inside the database contradicts an empty trail

    with pytest.raises(CommandError, match="broken at row 1") as raised:
        call_command("audit_verify", anchor=audit.Anchor.parse(anchor), stdout=StringIO())
    assert raised.value.returncode == 1
    with pytest.raises(CommandError):
        call_command("audit_verify", "--anchor", "4:not-a-mac", stdout=StringIO())


# --- Concurrent writers ------------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "SQLite's in-memory test database reaches other threads only through shared cache, whose table "
        "locks fail at once instead of waiting for the writer; bench/audit_throughput.py runs concurrent "
        "writers on a SQLite file database"
    ),
)
# Threads must see each other's commits: committed_db (conftest.py) empties the trail before
# Django's flush, which the append-only triggers would refuse.
def test_concurrent_writers_on_postgresql_build_one_gap_free_chain(committed_db: None) -> None:
    writers, per_writer = 8, 30
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():  # an audited change: its own transaction, as a service's
                    audit.record(actor=system(f"writer-{n}"), action="x.written", data={"item_id": i})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = writers * per_writer
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    result = audit.verify()
    assert (result.ok, result.checked) == (True, total), result.reason
    for n in range(writers):
        written = AuditEntry.objects.filter(actor_id=f"writer-{n}").values_list("data__item_id", flat=True)
        assert sorted(written) == list(range(per_writer))
