"""`flush` that also works on SQLite, where our guard triggers refuse row-by-row deletes.

SQLite has no TRUNCATE: Django's flush deletes table by table, so the triggers that keep the
audit log append-only and published SOP versions immutable would refuse the wipe. They are set
aside for the flush and put back from their own stored definitions afterwards. Every trigger in
the database is one of those guards (Django itself creates none). PostgreSQL flushes with
TRUNCATE, which row triggers do not see.
"""

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            guards = cursor.fetchall()
            for name, _sql in guards:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in guards:
                    cursor.execute(sql)
