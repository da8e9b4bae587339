"""`flush` that also works on SQLite while published SOP versions exist.

SQLite has no TRUNCATE: Django's flush deletes table by table in no fixed order, so the row
triggers that keep published SOP versions immutable (migration sop 0002) would refuse the wipe.
Here they are set aside for the flush and put back from their own stored definitions
afterwards. PostgreSQL flushes with TRUNCATE, which row triggers do not see.
"""

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["sop_guard_%"],
            )
            guards = cursor.fetchall()
            for name, _sql in guards:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in guards:
                    cursor.execute(sql)
