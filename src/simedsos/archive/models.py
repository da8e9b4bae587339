"""Documentation packages of finished items, and the search index of the archive."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Lookup

from simedsos.core.choice_labels import ChoiceLabels


class FtsMatchField(models.TextField):
    """FTS5's hidden column named like its table: the left side of `MATCH`."""


@FtsMatchField.register_lookup
class FtsMatch(Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


class DocumentationPackage(ChoiceLabels, models.Model):
    """The files that document one finished item, stored under `storage_prefix`.

    The files themselves live in the default storage; this row says whether they are complete
    and holds the SHA-256 of their manifest, so a replaced manifest is noticed too.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", "Menunggu dibuat"
        BUILDING = "BUILDING", "Sedang dibuat"
        DONE = "DONE", "Selesai"
        FAILED = "FAILED", "Gagal"

    item = models.OneToOneField(
        "content.ContentItem", on_delete=models.CASCADE, related_name="documentation_package"
    )
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    built_at = models.DateTimeField("dibuat", null=True, blank=True)
    manifest_sha256 = models.CharField("SHA-256 manifest", max_length=64, blank=True)
    file_count = models.PositiveIntegerField("jumlah berkas", default=0)
    total_bytes = models.PositiveBigIntegerField("ukuran total (bita)", default=0)
    storage_prefix = models.CharField("lokasi penyimpanan", max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    error = models.TextField("galat", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paket dokumentasi"
        verbose_name_plural = "paket dokumentasi"
        indexes = [models.Index(fields=["status"], name="package_status_idx")]

    def __str__(self) -> str:
        return f"Paket dokumentasi {self.item_id}"


class ArchiveEntryQuerySet(models.QuerySet):
    """Remembers a count the full-text search already made (see search.py), so the page does
    not count twice. Any later filter forgets it, so a count is never wrong."""

    _known_count: int | None = None

    def _clone(self):
        clone = super()._clone()
        clone._known_count = self._known_count
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone._known_count = None
        return clone

    def count(self) -> int:
        if self._known_count is not None and self._result_cache is None:
            return self._known_count
        return super().count()


class ArchiveEntry(ChoiceLabels, models.Model):
    """One finished item as the archive page finds it: the searchable text and the filters,
    copied from the item when its package is built, so a search reads this table alone.

    Full text: on SQLite the FTS5 table `archive_search_fts` (rowid = item id), on PostgreSQL
    `search_vector` with a GIN index; both created per vendor in migration 0002.
    """

    item = models.OneToOneField(
        "content.ContentItem",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="archive_entry",
    )
    work_unit = models.ForeignKey("accounts.WorkUnit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("judul", max_length=300)
    body = models.TextField("keterangan", blank=True)  # captions, variants, hashtags
    legal = models.TextField("produk hukum", blank=True)  # titles and numbers
    content_type = models.CharField("jenis konten", max_length=12)
    status = models.CharField("status", max_length=20)
    opened_at = models.DateTimeField("dibuka")
    finished_at = models.DateTimeField("selesai")
    # " FACEBOOK INSTAGRAM ": space-delimited so one platform is found with a contains filter.
    platforms = models.CharField("platform", max_length=200, blank=True)
    return_count = models.PositiveIntegerField("jumlah dikembalikan", default=0)
    lead_time_seconds = models.PositiveBigIntegerField("waktu tempuh (detik)", default=0)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ArchiveEntryPerson", related_name="+"
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArchiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entri arsip"
        verbose_name_plural = "entri arsip"
        ordering = ["-finished_at", "-item_id"]
        indexes = [
            # Ascending, ending with the key: read backwards, they give the page's order
            # (latest finished first, then highest id) without sorting.
            models.Index(
                fields=["work_unit", "finished_at", "item"], name="archive_unit_finished_idx"
            ),
            models.Index(fields=["content_type", "finished_at", "item"], name="archive_type_idx"),
            models.Index(fields=["status", "finished_at", "item"], name="archive_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def platform_list(self) -> list[str]:
        return self.platforms.split()


class ArchiveEntryPerson(models.Model):
    """Someone who took part in the item (assignee or actor of a step)."""

    entry = models.ForeignKey(ArchiveEntry, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="archive_person_unique")
        ]
        indexes = [models.Index(fields=["user", "entry"], name="archive_person_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.entry_id}"


class ArchiveSearchFts(models.Model):
    """The SQLite FTS5 table, mapped read-only so queries can join it (never on PostgreSQL).

    `match` is FTS5's hidden column named like the table, the left side of MATCH; `rank` is
    FTS5's hidden rank column (bm25 with title and legal products weighted above the body).
    """

    entry = models.OneToOneField(
        ArchiveEntry,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="fts",
    )
    match = FtsMatchField(db_column="archive_search_fts")
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "archive_search_fts"

    def __str__(self) -> str:
        return str(self.pk)
