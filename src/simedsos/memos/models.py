"""Nota dinas records and the per-unit running numbers they take."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from simedsos.core.choice_labels import ChoiceLabels

# Crockford-style base32 without look-alike characters (no I, L, O, U): easy to read aloud and
# to type from a printout. 10 characters = 50 bits, far beyond guessing by trying.
VERIFICATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VERIFICATION_CODE_LENGTH = 10


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def memo_file_path(instance: "Memo", filename: str) -> str:
    # Grouped by unit and year; the unguessable code keeps two memos' files apart.
    return f"memos/{instance.work_unit_id}/{instance.year}/{filename}"


def memo_attachment_path(instance: "MemoAttachment", filename: str) -> str:
    return f"memos/{instance.memo.work_unit_id}/{instance.memo.year}/lampiran/{filename}"


class RenderStatus(models.TextChoices):
    PENDING = "PENDING", gettext_lazy("Menunggu dibuat")
    RENDERING = "RENDERING", gettext_lazy("Sedang dibuat")
    DONE = "DONE", gettext_lazy("Selesai")
    FAILED = "FAILED", gettext_lazy("Gagal")


class MemoKind(models.TextChoices):
    DISPOSITION = "DISPOSITION", gettext_lazy("Nota Dinas Disposisi")
    UPLOAD_ORDER = "UPLOAD_ORDER", gettext_lazy("Nota Dinas Perintah Pengunggahan")


class Sifat(models.TextChoices):
    BIASA = "BIASA", gettext_lazy("Biasa")
    SEGERA = "SEGERA", gettext_lazy("Segera")
    SANGAT_SEGERA = "SANGAT_SEGERA", gettext_lazy("Sangat Segera")
    RAHASIA = "RAHASIA", gettext_lazy("Rahasia")


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


class Memo(ChoiceLabels, models.Model):
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

    # What anyone holding a printout types in (or scans) to check the memo.
    verification_code = models.CharField(
        "kode verifikasi", max_length=16, unique=True, default=new_verification_code
    )
    pdf = models.FileField("berkas PDF", upload_to=memo_file_path, blank=True)
    pdf_sha256 = models.CharField("SHA-256 berkas PDF", max_length=64, blank=True)
    archive_pdf = models.FileField("berkas arsip (PDF/A)", upload_to=memo_file_path, blank=True)
    archive_pdf_sha256 = models.CharField("SHA-256 berkas arsip", max_length=64, blank=True)
    disposition_sheet_pdf = models.FileField(
        "lembar disposisi (PDF)", upload_to=memo_file_path, blank=True
    )
    disposition_sheet_sha256 = models.CharField(
        "SHA-256 lembar disposisi", max_length=64, blank=True
    )
    render_status = models.CharField(
        "status pembuatan PDF",
        max_length=10,
        choices=RenderStatus.choices,
        default=RenderStatus.PENDING,
    )
    render_attempts = models.PositiveSmallIntegerField("percobaan pembuatan PDF", default=0)
    render_error = models.TextField("galat pembuatan PDF", blank=True)
    render_updated_at = models.DateTimeField("status PDF diperbarui", null=True, blank=True)
    rendered_at = models.DateTimeField("PDF dibuat", null=True, blank=True)

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
        indexes = [
            models.Index(fields=["work_unit", "-issued_on"], name="memo_unit_date_idx"),
            # The year filter's first year (MIN) without reading the memos.
            models.Index(fields=["year"], name="memo_year_idx"),
        ]

    def __str__(self) -> str:
        return f"Nota Dinas {self.number}"


class MemoAttachment(models.Model):
    """A file listed under "Lampiran" of a memo; its checksum is kept with it."""

    memo = models.ForeignKey(Memo, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("berkas", upload_to=memo_attachment_path)
    name = models.CharField("nama berkas", max_length=255)
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "lampiran nota dinas"
        verbose_name_plural = "lampiran nota dinas"
        ordering = ["memo", "position", "id"]

    def __str__(self) -> str:
        return self.name
