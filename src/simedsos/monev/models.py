"""Monitoring and evaluation of an SOP (Permenpan RB 35/2012), per semester and SOP version."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Half(models.IntegerChoices):
    FIRST = 1, "Semester I (Januari–Juni)"
    SECOND = 2, "Semester II (Juli–Desember)"


class FormStatus(models.TextChoices):
    DRAFT = "DRAFT", "Konsep"
    SIGNED = "SIGNED", "Ditandatangani"


class Monitoring(models.Model):
    """The "Monitoring Pelaksanaan SOP AP" form of one semester, pre-filled from measurements."""

    sop_version = models.ForeignKey(
        "sop.SopVersion", verbose_name="versi SOP", on_delete=models.PROTECT, related_name="+"
    )
    work_unit = models.ForeignKey(
        "accounts.WorkUnit", verbose_name="satuan kerja", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("tahun")
    half = models.PositiveSmallIntegerField("semester", choices=Half.choices)
    status = models.CharField(
        "status", max_length=8, choices=FormStatus.choices, default=FormStatus.DRAFT
    )
    # The measured figures the rows were pre-filled from, as they were then (per step number).
    figures = models.JSONField("angka terukur", default=dict, blank=True)
    prefilled_at = models.DateTimeField("diisi otomatis", null=True, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="penilai",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessor_capacity = models.CharField("dalam kapasitas", max_length=300, blank=True)
    signed_at = models.DateTimeField("ditandatangani", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "monitoring SOP"
        verbose_name_plural = "monitoring SOP"
        ordering = ["-year", "-half", "work_unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop_version", "work_unit", "year", "half"],
                name="monev_monitoring_once_per_semester",
            ),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | Q(assessor__isnull=False, signed_at__isnull=False),
                name="monev_monitoring_signed_has_assessor",
            ),
        ]

    def __str__(self) -> str:
        return f"Monitoring {self.get_half_display()} {self.year} — {self.work_unit}"

    @property
    def is_signed(self) -> bool:
        return self.status == FormStatus.SIGNED


class MonitoringRow(models.Model):
    """One procedure (SOP step) on the monitoring form: the columns of Tabel 7."""

    monitoring = models.ForeignKey(Monitoring, on_delete=models.CASCADE, related_name="rows")
    step = models.ForeignKey("sop.SopStep", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("no")
    procedure = models.TextField("prosedur")
    # Penilaian terhadap penerapan: True = berjalan dengan baik, False = tidak, None = not yet.
    berjalan_baik = models.BooleanField("berjalan dengan baik", null=True, blank=True)
    catatan = models.TextField("catatan hasil penilaian", blank=True)
    tindakan = models.TextField("tindakan yang harus diambil", blank=True)
    paraf = models.CharField("paraf penilai", max_length=120, blank=True)

    class Meta:
        ordering = ["monitoring", "number"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring", "number"], name="monev_row_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.procedure}"


EVALUATION_QUESTIONS = (
    "Mampu mendorong peningkatan kinerja",
    "Mudah dipahami",
    "Mudah dilaksanakan",
    "Semua orang dapat menjalankan perannya masing-masing",
    "Mampu mengatasi permasalahan yang berkaitan dengan proses",
    "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
    "Sinergi satu dengan lainnya",
)


class Evaluation(models.Model):
    """ "Evaluasi Penerapan SOP AP": seven Ya/Tidak questions with notes."""

    sop_version = models.ForeignKey(
        "sop.SopVersion", verbose_name="versi SOP", on_delete=models.PROTECT, related_name="+"
    )
    work_unit = models.ForeignKey(
        "accounts.WorkUnit", verbose_name="satuan kerja", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("tahun")
    half = models.PositiveSmallIntegerField("semester", choices=Half.choices)
    status = models.CharField(
        "status", max_length=8, choices=FormStatus.choices, default=FormStatus.DRAFT
    )
    # [{"answer": true|false|null, "note": "..."}] in the order of EVALUATION_QUESTIONS.
    answers = models.JSONField("jawaban", default=list, blank=True)
    conclusion = models.TextField("kesimpulan", blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="penilai",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessor_capacity = models.CharField("dalam kapasitas", max_length=300, blank=True)
    signed_at = models.DateTimeField("ditandatangani", null=True, blank=True)
    # The SOP revision (a new draft version) started from this evaluation.
    revision = models.OneToOneField(
        "sop.SopVersion",
        verbose_name="revisi SOP yang dimulai",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "evaluasi SOP"
        verbose_name_plural = "evaluasi SOP"
        ordering = ["-year", "-half", "work_unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop_version", "work_unit", "year", "half"],
                name="monev_evaluation_once_per_semester",
            ),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | Q(assessor__isnull=False, signed_at__isnull=False),
                name="monev_evaluation_signed_has_assessor",
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluasi {self.get_half_display()} {self.year} — {self.work_unit}"

    @property
    def is_signed(self) -> bool:
        return self.status == FormStatus.SIGNED

    def question_rows(self) -> list[dict]:
        answers = list(self.answers or [])
        answers += [{}] * (len(EVALUATION_QUESTIONS) - len(answers))
        return [
            {
                "number": i + 1,
                "question": q,
                "answer": answers[i].get("answer"),
                "note": answers[i].get("note", ""),
            }
            for i, q in enumerate(EVALUATION_QUESTIONS)
        ]

    @property
    def yes_share(self) -> float | None:
        answered = [a.get("answer") for a in self.answers or [] if a.get("answer") is not None]
        return sum(1 for a in answered if a) / len(answered) if answered else None
