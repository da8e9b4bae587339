"""Full-text search, one branch per database vendor.

SQLite: an FTS5 table whose rowid is the item id, ranked by bm25 with the title weighted 10,
legal products 5 and the body 1. PostgreSQL: a GIN index on ArchiveEntry.search_vector.
The archive service keeps both in step with ArchiveEntry (simedsos.archive.search).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE archive_search_fts USING fts5("
    "title, body, legal, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO archive_search_fts(archive_search_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 1.0, 5.0)')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS archive_search_fts"]
POSTGRES_CREATE = [
    "CREATE INDEX archive_entry_search_gin ON archive_archiveentry USING gin (search_vector)"
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS archive_entry_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
