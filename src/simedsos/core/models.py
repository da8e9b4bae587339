"""The audit log: append-only events chained by SHA-256 hashes."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One change made through a service. Never updated or deleted (database triggers refuse).

    `hash` covers this event's content and `prev_hash`, so changing or removing any event
    breaks the chain from that point on; `simedsos check` walks it.
    """

    sequence = models.PositiveBigIntegerField("urutan", unique=True)
    occurred_at = models.DateTimeField("waktu")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pelaku",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("nama pelaku", max_length=200, blank=True)
    capacity = models.CharField("dalam kapasitas", max_length=300, blank=True)
    work_unit = models.ForeignKey(
        "accounts.WorkUnit",
        verbose_name="satuan kerja",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("tindakan", max_length=100)
    object_type = models.CharField("jenis objek", max_length=100)
    object_id = models.CharField("id objek", max_length=64)
    object_repr = models.CharField("objek", max_length=300, blank=True)
    before = models.JSONField("sebelum", null=True, blank=True)
    after = models.JSONField("sesudah", null=True, blank=True)
    ip_address = models.GenericIPAddressField("alamat IP", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "peristiwa audit"
        verbose_name_plural = "log audit"
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-sequence"], name="audit_actor_idx"),
            models.Index(fields=["work_unit", "-sequence"], name="audit_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_repr}"
