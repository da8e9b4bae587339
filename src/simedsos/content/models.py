"""Content items and everything the six SOP steps produce for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from simedsos.core.choice_labels import ChoiceLabels
from simedsos.memos.models import Sifat


class ContentType(models.TextChoices):
    INFOGRAFIS = "INFOGRAFIS", gettext_lazy("Infografis")
    VIDEO = "VIDEO", gettext_lazy("Video")
    KUTIPAN = "KUTIPAN", gettext_lazy("Kutipan/istilah hukum")
    KUIS = "KUIS", gettext_lazy("Kuis")
    UCAPAN = "UCAPAN", gettext_lazy("Ucapan hari besar")
    PENGUMUMAN = "PENGUMUMAN", gettext_lazy("Pengumuman")
    LAINNYA = "LAINNYA", gettext_lazy("Lainnya")


class LegalProduct(models.Model):
    """A legal product (produk hukum) a post promotes, e.g. from the JDIH site."""

    work_unit = models.ForeignKey("accounts.WorkUnit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("judul", max_length=500)
    number = models.CharField("nomor", max_length=200, blank=True)
    url = models.URLField("tautan", max_length=500, blank=True)

    class Meta:
        verbose_name = "produk hukum"
        verbose_name_plural = "produk hukum"

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()


class ContentItem(ChoiceLabels, models.Model):
    """One piece of content ordered by a disposition; it moves through the SOP's steps."""

    class Status(models.TextChoices):
        DRAFTING = "DRAFTING", gettext_lazy("Penyusunan konsep")
        IN_REVIEW = "IN_REVIEW", gettext_lazy("Pemeriksaan konsep")
        APPROVED = "APPROVED", gettext_lazy("Menunggu perintah pengunggahan")
        UPLOAD_ORDERED = "UPLOAD_ORDERED", gettext_lazy("Menunggu pengunggahan")
        PUBLISHED = "PUBLISHED", gettext_lazy("Terunggah")
        PARTIALLY_PUBLISHED = "PARTIALLY_PUBLISHED", gettext_lazy("Terunggah sebagian")
        NOT_PUBLISHED = "NOT_PUBLISHED", gettext_lazy("Tidak diunggah")

    work_unit = models.ForeignKey(
        "accounts.WorkUnit", on_delete=models.PROTECT, related_name="content_items"
    )
    # Pinned for life: the SOP version in force when the item was opened.
    sop_version = models.ForeignKey(
        "sop.SopVersion", on_delete=models.PROTECT, related_name="content_items"
    )
    title = models.CharField("judul", max_length=300)
    instruction = models.TextField("petunjuk")
    content_type = models.CharField("jenis konten", max_length=12, choices=ContentType.choices)
    priority = models.CharField("sifat", max_length=16, choices=Sifat.choices, default=Sifat.BIASA)
    deadline = models.DateTimeField("tenggat", null=True, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFTING
    )
    current_step = models.ForeignKey(
        "sop.SopStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="staf pelaksana",
        on_delete=models.PROTECT,
        related_name="assigned_items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuka", auto_now_add=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    return_count = models.PositiveIntegerField("jumlah dikembalikan", default=0)
    target_accounts = models.ManyToManyField(
        "publishing.SocialAccount", verbose_name="akun tujuan", related_name="+"
    )
    legal_products = models.ManyToManyField(
        LegalProduct, verbose_name="produk hukum", blank=True, related_name="content_items"
    )

    class Meta:
        verbose_name = "konten"
        verbose_name_plural = "konten"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["work_unit", "status", "-created_at"], name="item_unit_status_idx"
            ),
            models.Index(fields=["assignee", "status"], name="item_assignee_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """Source material handed over with the disposition (the SOP's "softcopy media")."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("berkas", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("nama berkas", max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Disposition(models.Model):
    """Step 1: the head of division's order, with its nota dinas."""

    item = models.OneToOneField(ContentItem, on_delete=models.CASCADE, related_name="disposition")
    memo = models.OneToOneField(
        "memos.Memo", null=True, blank=True, on_delete=models.PROTECT, related_name="disposition"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField("dalam kapasitas", max_length=300)
    given_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Disposisi {self.item}"


class Draft(models.Model):
    """The working copy staff edit (autosaved). Submitting freezes it into a DraftRevision."""

    item = models.OneToOneField(ContentItem, on_delete=models.CASCADE, related_name="draft")
    caption = models.TextField("keterangan utama", blank=True)
    # {"X": "caption for X", ...}: a platform absent here uses the master caption.
    variants = models.JSONField("varian per platform", default=dict, blank=True)
    hashtags = models.JSONField("tagar", default=list, blank=True)
    links = models.JSONField("tautan", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic concurrency for autosave: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Konsep {self.item}"


class DraftMedia(ChoiceLabels, models.Model):
    """An image or video of the working draft, checked by content on upload."""

    class Kind(models.TextChoices):
        IMAGE = "IMAGE", gettext_lazy("Gambar")
        VIDEO = "VIDEO", gettext_lazy("Video")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="media")
    file = models.FileField("berkas", upload_to="media/%Y/%m/")
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    mime_type = models.CharField(max_length=50)
    size_bytes = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    alt_text = models.TextField("teks alternatif", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Removed from the working draft; kept because a frozen revision may still show it.
    removed = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.original_name


class DraftRevision(models.Model):
    """An immutable snapshot of the draft at submission (revision 1, 2, ...)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("revisi")
    caption = models.TextField()
    variants = models.JSONField(default=dict)
    hashtags = models.JSONField(default=list)
    links = models.JSONField(default=list)
    # [{"media_id": 3, "alt_text": "...", "position": 0}, ...] as they were at submission.
    media = models.JSONField(default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.item} — revisi {self.number}"


class Review(ChoiceLabels, models.Model):
    """Step 4: the decision on one revision."""

    class Decision(models.TextChoices):
        APPROVE = "APPROVE", gettext_lazy("Disetujui")
        RETURN = "RETURN", gettext_lazy("Dikembalikan untuk diperbaiki")

    revision = models.OneToOneField(DraftRevision, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField("dalam kapasitas", max_length=300)
    decision = models.CharField("keputusan", max_length=8, choices=Decision.choices)
    comment = models.TextField("catatan", blank=True)
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.revision}"


class ReviewComment(models.Model):
    """A correction note on a revision, optionally on one field (caption, a variant, a medium)."""

    revision = models.ForeignKey(DraftRevision, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    field = models.CharField("bagian", max_length=60, blank=True)
    text = models.TextField("catatan")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class UploadOrder(models.Model):
    """Step 5: the order to upload, with its nota dinas and optional schedule."""

    item = models.OneToOneField(ContentItem, on_delete=models.CASCADE, related_name="upload_order")
    memo = models.OneToOneField(
        "memos.Memo", null=True, blank=True, on_delete=models.PROTECT, related_name="upload_order"
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField("dalam kapasitas", max_length=300)
    publish_at = models.DateTimeField("jadwal unggah", null=True, blank=True)
    ordered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Perintah pengunggahan {self.item}"


class StepRun(ChoiceLabels, models.Model):
    """One pass of an item through one SOP step: when it arrived, started and finished."""

    class Outcome(models.TextChoices):
        DONE = "DONE", gettext_lazy("Selesai")
        APPROVED = "APPROVED", gettext_lazy("Disetujui")
        RETURNED = "RETURNED", gettext_lazy("Dikembalikan")
        NOT_PUBLISHED = "NOT_PUBLISHED", gettext_lazy("Tidak diunggah")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="step_runs")
    step = models.ForeignKey("sop.SopStep", on_delete=models.PROTECT, related_name="runs")
    # Whose queue it waits in (a person), and the role the SOP names for it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=10)
    arrived_at = models.DateTimeField("tiba")
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField("dalam kapasitas", max_length=300, blank=True)
    acting_kind = models.CharField(max_length=3, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    comment = models.TextField(blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "arrived_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(finished_at__isnull=True), name="one_open_step_run"
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "finished_at"], name="steprun_queue_idx"),
            models.Index(fields=["actor_role", "finished_at"], name="steprun_role_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item} — langkah {self.step.number}"
