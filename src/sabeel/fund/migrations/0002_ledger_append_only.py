"""The database refuses to change or delete ledger entries and transactions (SQLite and
PostgreSQL): a mistake is undone by a reversing transaction, never by an edit. On PostgreSQL a
deferred constraint trigger also refuses to commit a transaction whose entries do not sum to zero."""

from django.db import migrations

TABLES = ("fund_entry", "fund_transaction")

SQLITE = [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'the fund ledger is append-only: reverse instead'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'the fund ledger is append-only: reverse instead'); END;",
    )
]
SQLITE_REVERSE = [sql for table in TABLES for sql in (f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;")]
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION fund_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the fund ledger is append-only: reverse instead';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *[
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION fund_ledger_append_only();"
        for table in TABLES
    ],
    """
    CREATE OR REPLACE FUNCTION fund_transaction_balanced() RETURNS trigger AS $$
    BEGIN
        IF (SELECT COALESCE(SUM(amount_cents), 0) FROM fund_entry WHERE transaction_id = NEW.transaction_id) <> 0 THEN
            RAISE EXCEPTION 'a fund ledger transaction must balance';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    "CREATE CONSTRAINT TRIGGER fund_entry_balanced AFTER INSERT ON fund_entry "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fund_transaction_balanced();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS fund_entry_balanced ON fund_entry;",
    *[f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};" for table in TABLES],
    "DROP FUNCTION IF EXISTS fund_transaction_balanced();",
    "DROP FUNCTION IF EXISTS fund_ledger_append_only();",
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
