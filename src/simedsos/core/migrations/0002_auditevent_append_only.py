"""Make the audit log append-only in the database itself.

Services only ever insert audit events; a bug, a shell session or an admin action that tries
to change or remove one is refused by the database, whatever code issued it. TRUNCATE is left
alone on purpose: it is what `flush` and a restore use to empty a whole database, and it needs
the table owner's rights, which an operator holding those can use to drop the trigger anyway.
"""

from django.db import migrations

TABLE = "core_auditevent"
MESSAGE = "log audit hanya dapat ditambah: peristiwa audit tidak boleh diubah atau dihapus"

SQLITE_TRIGGERS = {
    "core_auditevent_no_update": f"""
        CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    "core_auditevent_no_delete": f"""
        CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
}

POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            ERRCODE = 'restrict_violation',
            MESSAGE = '{MESSAGE} (' || TG_OP || ')';
    END
    $$
"""
POSTGRESQL_TRIGGER = "core_auditevent_append_only"
POSTGRESQL_TRIGGER_SQL = f"""
    CREATE TRIGGER {POSTGRESQL_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change()
"""


def create_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_TRIGGERS.values():
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        schema_editor.execute(POSTGRESQL_TRIGGER_SQL)
    else:
        raise NotImplementedError(f"no append-only guard for database vendor {vendor!r}")


def drop_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {POSTGRESQL_TRIGGER} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_guards, drop_guards, elidable=False)]
