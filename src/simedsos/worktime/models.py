"""Holidays: days on which no step's clock runs."""

from django.db import models


class Holiday(models.Model):
    """A day off: national (no work unit) or of one work unit (e.g. a regional holiday)."""

    date = models.DateField("tanggal")
    name = models.CharField("nama hari libur", max_length=200)
    work_unit = models.ForeignKey(
        "accounts.WorkUnit",
        verbose_name="satuan kerja (kosong = nasional)",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="holidays",
    )

    class Meta:
        verbose_name = "hari libur"
        verbose_name_plural = "hari libur"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "work_unit"], name="holiday_unique_per_unit"),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(work_unit__isnull=True),
                name="holiday_unique_national",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="holiday_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.name}"
