"""Nota dinas records and the per-unit running numbers they take."""

from django.conf import settings
from django.db import models


class MemoKind(models.TextChoices):
    DISPOSITION = "DISPOSITION", "Nota Dinas Disposisi"
    UPLOAD_ORDER = "UPLOAD_ORDER", "Nota Dinas Perintah Pengunggahan"


class Sifat(models.TextChoices):
    BIASA = "BIASA", "Biasa"
    SEGERA = "SEGERA", "Segera"
    SANGAT_SEGERA = "SANGAT_SEGERA", "Sangat Segera"
    RAHASIA = "RAHASIA", "Rahasia"


class MemoSequence(models.Model):
    """The last running number a unit used in one register of memos in a year (reset yearly).

    `kind` names the register, i.e. the type code of the naskah ("ND" for nota dinas). Both
    memo kinds (disposition, upload order) are nota dinas and share the "ND" register: the
    number template "{seq}/HK.04-ND/{unit_code}/{year}" has no slot telling them apart, so
    separate counters would hand out the same number twice.
    """

    work_unit = models.ForeignKey("accounts.WorkUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("register (kode jenis naskah)", max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work_unit", "kind", "year"], name="memo_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Memo(models.Model):
    """An issued nota dinas. Immutable once issued."""

    work_unit = models.ForeignKey(
        "accounts.WorkUnit", on_delete=models.PROTECT, related_name="memos"
    )
    kind = models.CharField("jenis", max_length=20, choices=MemoKind.choices)
    number = models.CharField("nomor", max_length=120)
    sequence_number = models.PositiveIntegerField("nomor urut", null=True, blank=True)
    year = models.PositiveSmallIntegerField("tahun")
    external_number = models.BooleanField("nomor dari luar sistem", default=False)
    issued_on = models.DateField("tanggal")
    recipient = models.CharField("Yth.", max_length=300)
    sender = models.CharField("Dari", max_length=300)
    carbon_copies = models.JSONField("Tembusan", default=list, blank=True)
    sifat = models.CharField("Sifat", max_length=16, choices=Sifat.choices, default=Sifat.BIASA)
    attachment_count = models.PositiveSmallIntegerField("Lampiran", default=0)
    subject = models.CharField("Hal", max_length=300)
    body = models.TextField("isi")
    signer_name = models.CharField("penanda tangan", max_length=200)
    signer_position = models.CharField("jabatan penanda tangan", max_length=300)
    signer_nip = models.CharField("NIP penanda tangan", max_length=18, blank=True)
    signer_acting_kind = models.CharField("Plt./Plh.", max_length=3, blank=True)
    place = models.CharField("tempat", max_length=100, blank=True)
    content_item = models.ForeignKey(
        "content.ContentItem", null=True, blank=True, on_delete=models.PROTECT, related_name="memos"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nota dinas"
        verbose_name_plural = "nota dinas"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["work_unit", "number"], name="memo_unique_number"),
            # One running number is used once per unit and year (external numbers have none).
            models.UniqueConstraint(
                fields=["work_unit", "year", "sequence_number"],
                condition=models.Q(sequence_number__isnull=False),
                name="memo_unique_sequence",
            ),
        ]

    def __str__(self) -> str:
        return f"Nota Dinas {self.number}"
