"""Test-only ways around the audit log's append-only triggers, to play the attacker."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from django.db import connection

guards = importlib.import_module("simedsos.core.migrations.0002_auditevent_append_only")


@contextlib.contextmanager
def append_only_guard_lifted() -> Iterator[None]:
    """Lift the triggers for the duration of the block, then put them back."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in guards.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for sql in guards.SQLITE_TRIGGERS.values():
                    cursor.execute(sql)
    else:
        table, trigger = guards.TABLE, guards.POSTGRESQL_TRIGGER
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred: fire their pending checks now, or PostgreSQL
            # refuses to alter a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
