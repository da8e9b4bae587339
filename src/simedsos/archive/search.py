"""Full-text search of the archive, one implementation per database vendor.

SQLite uses the FTS5 table `archive_search_fts` (rowid = item id), PostgreSQL the
`search_vector` column with its GIN index (both from migration 0002). The text a user types is
never handed to either query language as it is: it is cut into words, and each word becomes a
quoted prefix term, so quotes, stars, colons or brackets cannot break the query. All words must
match; results are ranked (title first, then legal products, then captions), except that a
query matching more than RANK_LIMIT items lists them newest first.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from simedsos.archive.models import ArchiveEntry

WORD = regex.compile(r"[\p{L}\p{N}]+")
MAX_TERMS = 12
MAX_TERM_LENGTH = 64
# Above this many matches, results are listed newest first instead of by relevance.
RANK_LIMIT = 2000


def search_terms(text: str) -> list[str]:
    """The distinct words of a query, lower-cased, in order (at most MAX_TERMS)."""
    terms: list[str] = []
    for word in WORD.findall(text or ""):
        word = word.lower()[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config="simple")
        + SearchVector("legal", weight="B", config="simple")
        + SearchVector("body", weight="C", config="simple")
    )


def index_entries(entries: Iterable[ArchiveEntry]) -> None:
    """Bring the full-text index in step with these (saved) entries."""
    entries = list(entries)
    if not entries:
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM archive_search_fts WHERE rowid = %s", [(e.pk,) for e in entries]
            )
            cursor.executemany(
                "INSERT INTO archive_search_fts (rowid, title, body, legal) "
                "VALUES (%s, %s, %s, %s)",
                [(e.pk, e.title, e.body, e.legal) for e in entries],
            )
    elif connection.vendor == "postgresql":
        ArchiveEntry.objects.filter(pk__in=[e.pk for e in entries]).update(search_vector=_vector())


def index_all() -> None:
    """Rebuild the whole index from ArchiveEntry (bulk loads, repairs)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM archive_search_fts")
            cursor.execute(
                "INSERT INTO archive_search_fts (rowid, title, body, legal) "
                "SELECT item_id, title, body, legal FROM archive_archiveentry"
            )
    elif connection.vendor == "postgresql":
        ArchiveEntry.objects.update(search_vector=_vector())


def apply_text_search(qs: QuerySet[ArchiveEntry], text: str) -> QuerySet[ArchiveEntry]:
    """Entries matching every word of `text`, best match first. Text without any word (only
    punctuation) matches nothing rather than everything."""
    terms = search_terms(text)
    if not terms:
        return qs.none()
    if connection.vendor == "sqlite":
        # "word"* is a quoted prefix term: inside quotes FTS5 reads no operators.
        expression = " ".join(f'"{term}"*' for term in terms)
        matching = qs.filter(
            item_id__in=RawSQL(
                "SELECT rowid FROM archive_search_fts WHERE archive_search_fts MATCH %s",
                (expression,),
            )
        )
        # SQLite's planner, given a join with the FTS5 table, may run the full-text query
        # once per archive row. The IN form runs it once; it gives the count, and it bounds
        # the ranking join to the matching rows. Ranking many thousands of matches costs more
        # than it helps a reader, so a broad query lists its matches newest first.
        total = matching.count()
        if total > RANK_LIMIT:
            result = matching.order_by("-finished_at", "-item_id")
        else:
            result = (
                matching.filter(fts__match__match=expression)
                .annotate(rank=F("fts__rank"))
                .order_by("rank", "-finished_at", "-item_id")
            )
        result._known_count = total
        return result
    if connection.vendor == "postgresql":
        # Terms hold letters and digits only, so this raw tsquery cannot be malformed.
        query = SearchQuery(
            " & ".join(f"'{term}':*" for term in terms), search_type="raw", config="simple"
        )
        matching = qs.filter(search_vector=query)
        total = matching.count()
        if total > RANK_LIMIT:  # as on SQLite: ranking every match of a broad query
            result = matching.order_by("-finished_at", "-item_id")
        else:
            result = matching.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
                "-rank", "-finished_at", "-item_id"
            )
        result._known_count = total
        return result
    # Any other database: a plain (slow) substring search, so the page still works.
    for term in terms:
        qs = qs.filter(
            Q(title__icontains=term) | Q(body__icontains=term) | Q(legal__icontains=term)
        )
    return qs
