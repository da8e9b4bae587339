"""An SOP is versioned data: versions (draft → published → retired) with ordered steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from simedsos.accounts.roles import Role


class Sop(models.Model):
    """One procedure of a work unit, e.g. "Pengelolaan Media Sosial JDIH"."""

    code = models.SlugField("kode", max_length=80)
    work_unit = models.ForeignKey(
        "accounts.WorkUnit", verbose_name="satuan kerja", on_delete=models.PROTECT
    )
    title = models.CharField("nama SOP", max_length=300)

    class Meta:
        verbose_name = "SOP"
        verbose_name_plural = "SOP"
        constraints = [
            models.UniqueConstraint(fields=["work_unit", "code"], name="sop_unique_code_per_unit")
        ]

    def __str__(self) -> str:
        return self.title


class SopVersion(models.Model):
    """The identity part (Permenpan RB 35/2012) and the steps of one version of an SOP."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", gettext_lazy("Konsep")
        PUBLISHED = "PUBLISHED", gettext_lazy("Berlaku")
        RETIRED = "RETIRED", gettext_lazy("Tidak berlaku")

    sop = models.ForeignKey(Sop, on_delete=models.PROTECT, related_name="versions")
    revision = models.PositiveIntegerField("revisi ke", default=0)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self",
        verbose_name="disalin dari",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    # Identity (Bagian Identitas)
    number = models.CharField("nomor SOP", max_length=100)
    title = models.CharField("nama SOP", max_length=400)
    organization_lines = models.JSONField(
        "nama instansi/unit kerja (baris kop)", default=list, blank=True
    )
    made_on = models.DateField("tanggal pembuatan", null=True, blank=True)
    revised_on = models.DateField("tanggal revisi", null=True, blank=True)
    effective_on = models.DateField("tanggal efektif", null=True, blank=True)
    approver_name = models.CharField("disahkan oleh (nama)", max_length=200, blank=True)
    approver_position = models.CharField("disahkan oleh (jabatan)", max_length=300, blank=True)
    approver_nip = models.CharField("disahkan oleh (NIP)", max_length=18, blank=True)
    approval_place = models.CharField("disahkan di", max_length=100, blank=True)
    ratification_points = models.JSONField("butir pengesahan", default=list, blank=True)
    legal_basis = models.JSONField("dasar hukum", default=list, blank=True)
    executor_qualifications = models.JSONField("kualifikasi pelaksana", default=list, blank=True)
    related_sops = models.JSONField("keterkaitan", default=list, blank=True)
    equipment = models.JSONField("peralatan/perlengkapan", default=list, blank=True)
    warnings = models.JSONField("peringatan", default=list, blank=True)
    recording = models.JSONField("pencatatan dan pendataan", default=list, blank=True)
    # Column headings of the flowchart, one per actor role, in order:
    # [{"role": "KABAG", "title": "Kepala Bagian TPHPHSDM"}, ...]
    actor_columns = models.JSONField("kolom pelaksana", default=list, blank=True)

    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("diterbitkan", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField("dicabut", null=True, blank=True)
    evaluation_note = models.TextField("catatan revisi / asal evaluasi", blank=True)

    class Meta:
        verbose_name = "versi SOP"
        verbose_name_plural = "versi SOP"
        ordering = ["sop", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop"],
                condition=Q(status="PUBLISHED"),
                name="sop_one_published_version",
            ),
            models.UniqueConstraint(fields=["sop", "revision"], name="sop_unique_revision"),
        ]

    def __str__(self) -> str:
        return f"SOP {self.number} (revisi {self.revision}, {self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class SopStep(models.Model):
    """One row of the flowchart with its mutu baku (kelengkapan, waktu, output)."""

    class Kind(models.TextChoices):
        TASK = "TASK", gettext_lazy("Kegiatan")
        DECISION = "DECISION", gettext_lazy("Keputusan")

    class SystemAction(models.TextChoices):
        DISPOSE = "DISPOSE", gettext_lazy("Disposisi (membuka konten)")
        DRAFT = "DRAFT", gettext_lazy("Menyusun konsep")
        SUBMIT = "SUBMIT", gettext_lazy("Menyerahkan konsep")
        REVIEW = "REVIEW", gettext_lazy("Memeriksa konsep")
        ORDER_UPLOAD = "ORDER_UPLOAD", gettext_lazy("Perintah pengunggahan")
        PUBLISH = "PUBLISH", gettext_lazy("Mengunggah")

    version = models.ForeignKey(SopVersion, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("nomor")
    activity = models.TextField("kegiatan")
    actor_role = models.CharField("pelaksana", max_length=10, choices=Role.choices)
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices, default=Kind.TASK)
    action = models.CharField("tindakan sistem", max_length=20, choices=SystemAction.choices)
    time_standard_minutes = models.PositiveIntegerField("waktu (menit)")
    requirements = models.JSONField("kelengkapan", default=list, blank=True)
    output = models.CharField("output", max_length=300, blank=True)
    notes = models.TextField("keterangan", blank=True)
    return_to_number = models.PositiveSmallIntegerField(
        "jika dikembalikan, ke langkah", null=True, blank=True
    )

    class Meta:
        verbose_name = "langkah SOP"
        verbose_name_plural = "langkah SOP"
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="sop_step_unique_number"),
            models.CheckConstraint(
                condition=Q(time_standard_minutes__gt=0), name="sop_step_positive_time"
            ),
            models.CheckConstraint(
                condition=Q(kind="TASK") | Q(return_to_number__isnull=False),
                name="sop_decision_has_return_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.activity}"
