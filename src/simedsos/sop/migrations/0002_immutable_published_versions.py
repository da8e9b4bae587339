"""Database triggers that keep published and retired SOP versions immutable.

Services check first and explain in Indonesian; these triggers are the backstop for every
other path (raw ORM updates, the Django admin, SQL consoles). They refuse:

- INSERT/UPDATE/DELETE of a step whose version is not DRAFT;
- UPDATE of a non-DRAFT version, except PUBLISHED -> RETIRED with only `retired_at` changed;
- DELETE of a non-DRAFT version.

One exception keeps whole-database wipes possible (`flush`, which on SQLite deletes table by
table in no fixed order): rows may go once their SOP row is gone, which the PROTECT foreign
keys only allow when everything is being removed in the same transaction.

Whoever adds a column to SopVersion later must recreate the SQLite update trigger (it lists
the content columns; the PostgreSQL one compares whole rows and needs no change).
"""

from django.db import migrations

STEP_MESSAGE = "Langkah SOP pada versi yang sudah diterbitkan atau dicabut tidak dapat diubah."
VERSION_MESSAGE = "Versi SOP yang sudah diterbitkan atau dicabut tidak dapat diubah atau dihapus."

# Columns that may change when a published version is retired.
RETIRE_COLUMNS = {"status", "retired_at"}

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS sop_guard_step_insert",
    "DROP TRIGGER IF EXISTS sop_guard_step_update",
    "DROP TRIGGER IF EXISTS sop_guard_step_delete",
    "DROP TRIGGER IF EXISTS sop_guard_version_update",
    "DROP TRIGGER IF EXISTS sop_guard_version_delete",
]

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION sop_guard_step() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
          SELECT 1 FROM sop_sopversion v JOIN sop_sop s ON s.id = v.sop_id
          WHERE v.id = OLD.version_id AND v.status <> 'DRAFT') THEN
        RAISE EXCEPTION '{STEP_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
          SELECT 1 FROM sop_sopversion v
          WHERE v.id = NEW.version_id AND v.status <> 'DRAFT') THEN
        RAISE EXCEPTION '{STEP_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER sop_guard_step BEFORE INSERT OR UPDATE OR DELETE ON sop_sopstep
    FOR EACH ROW EXECUTE FUNCTION sop_guard_step()
    """,
    f"""
    CREATE OR REPLACE FUNCTION sop_guard_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'DRAFT' AND EXISTS (SELECT 1 FROM sop_sop s WHERE s.id = OLD.sop_id) THEN
          RAISE EXCEPTION '{VERSION_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
      END IF;
      IF OLD.status <> 'DRAFT' AND NOT (
          OLD.status = 'PUBLISHED' AND NEW.status = 'RETIRED'
          AND (to_jsonb(NEW) - 'status' - 'retired_at') = (to_jsonb(OLD) - 'status' - 'retired_at')
      ) THEN
        RAISE EXCEPTION '{VERSION_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER sop_guard_version BEFORE UPDATE OR DELETE ON sop_sopversion
    FOR EACH ROW EXECUTE FUNCTION sop_guard_version()
    """,
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS sop_guard_step ON sop_sopstep",
    "DROP TRIGGER IF EXISTS sop_guard_version ON sop_sopversion",
    "DROP FUNCTION IF EXISTS sop_guard_step()",
    "DROP FUNCTION IF EXISTS sop_guard_version()",
]


def _sqlite_create(content_columns: list[str]) -> list[str]:
    locked_version = (
        "SELECT 1 FROM sop_sopversion v JOIN sop_sop s ON s.id = v.sop_id "
        "WHERE v.id = {ref}.version_id AND v.status <> 'DRAFT'"
    )
    new_locked = "SELECT 1 FROM sop_sopversion v WHERE v.id = NEW.version_id AND v.status <> 'DRAFT'"
    unchanged = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in content_columns)
    step_raise = f"BEGIN SELECT RAISE(ABORT, '{STEP_MESSAGE}'); END"
    version_raise = f"BEGIN SELECT RAISE(ABORT, '{VERSION_MESSAGE}'); END"
    return [
        f"CREATE TRIGGER sop_guard_step_insert BEFORE INSERT ON sop_sopstep "
        f"WHEN EXISTS ({new_locked}) {step_raise}",
        f"CREATE TRIGGER sop_guard_step_update BEFORE UPDATE ON sop_sopstep "
        f"WHEN EXISTS ({locked_version.format(ref='OLD')}) OR EXISTS ({new_locked}) {step_raise}",
        f"CREATE TRIGGER sop_guard_step_delete BEFORE DELETE ON sop_sopstep "
        f"WHEN EXISTS ({locked_version.format(ref='OLD')}) {step_raise}",
        f"CREATE TRIGGER sop_guard_version_update BEFORE UPDATE ON sop_sopversion "
        f"WHEN OLD.status <> 'DRAFT' AND NOT (OLD.status = 'PUBLISHED' AND NEW.status = 'RETIRED' "
        f"AND {unchanged}) {version_raise}",
        f"CREATE TRIGGER sop_guard_version_delete BEFORE DELETE ON sop_sopversion "
        f"WHEN OLD.status <> 'DRAFT' AND EXISTS (SELECT 1 FROM sop_sop s WHERE s.id = OLD.sop_id) "
        f"{version_raise}",
    ]


def create_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        version_model = apps.get_model("sop", "SopVersion")
        columns = [
            f.column for f in version_model._meta.concrete_fields if f.column not in RETIRE_COLUMNS
        ]
        statements = _sqlite_create(columns)
    elif vendor == "postgresql":
        statements = POSTGRES_CREATE
    else:
        raise NotImplementedError(f"SOP immutability triggers are not written for {vendor}.")
    for sql in statements:
        schema_editor.execute(sql)


def drop_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("sop", "0001_initial")]

    operations = [migrations.RunPython(create_guards, drop_guards)]
