"""Social-media accounts of a work unit and the publication of an item to each of them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from simedsos.core.choice_labels import ChoiceLabels

from .platforms.limits import account_platform_choices


class SocialAccount(ChoiceLabels, models.Model):
    """An account of the unit on one platform (the target of a publication)."""

    work_unit = models.ForeignKey(
        "accounts.WorkUnit", on_delete=models.PROTECT, related_name="social_accounts"
    )
    # One list of platforms (platforms/limits.py `Platform`), without MANUAL.
    platform = models.CharField("platform", max_length=12, choices=account_platform_choices)
    name = models.CharField("nama akun", max_length=200)
    handle = models.CharField("nama pengguna / id", max_length=200)
    profile_url = models.URLField("alamat profil", blank=True)
    is_active = models.BooleanField("aktif", default=True)

    class Connection(models.TextChoices):
        NONE = "NONE", "Tidak terhubung (unggah manual)"
        CONNECTED = "CONNECTED", "Terhubung"
        NEEDS_RECONNECT = "NEEDS_RECONNECT", "Perlu dihubungkan ulang"

    # The platform's own ids of the account (AccountRef): Page / IG user / X user / channel /
    # open_id / Threads user id / Bluesky DID; Facebook Page id; Telegram chat; Bluesky PDS.
    external_id = models.CharField("id akun di platform", max_length=200, blank=True)
    page_id = models.CharField("id Halaman Facebook", max_length=100, blank=True)
    chat_id = models.CharField("id kanal Telegram", max_length=100, blank=True)
    pds_url = models.URLField("alamat PDS Bluesky", blank=True)
    connection = models.CharField(
        "sambungan API", max_length=16, choices=Connection.choices, default=Connection.NONE
    )
    # Fernet token of Credentials.to_dict() (publishing/credentials.py); never shown or logged.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    # When a person must connect again (the refresh token's end, or the access token's where
    # the platform does not refresh); kept in clear so lists need not decrypt.
    reconnect_by = models.DateTimeField("harus dihubungkan ulang sebelum", null=True, blank=True)
    connected_at = models.DateTimeField("terhubung sejak", null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    connection_message = models.TextField("keterangan sambungan", blank=True)
    last_checked_at = models.DateTimeField("terakhir diuji", null=True, blank=True)
    last_check_ok = models.BooleanField("hasil uji terakhir", null=True, blank=True)

    class Meta:
        verbose_name = "akun media sosial"
        verbose_name_plural = "akun media sosial"
        ordering = ["work_unit", "platform", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_unit", "platform", "handle"], name="social_account_unique_handle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} — {self.name}"

    @property
    def uses_api(self) -> bool:
        return self.connection == self.Connection.CONNECTED and bool(self.credentials_encrypted)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Publication(ChoiceLabels, models.Model):
    """One item on one target account: posted by the background worker through the platform's
    API (method API, see publishing/jobs.py) or by a person who records it (method MANUAL)."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "Menunggu diunggah"
        SCHEDULED = "SCHEDULED", "Dijadwalkan"
        IN_PROGRESS = "IN_PROGRESS", "Sedang diunggah"
        IN_FLIGHT = "IN_FLIGHT", "Diproses platform"
        RETRY_WAIT = "RETRY_WAIT", "Menunggu dicoba lagi"
        NEEDS_PERSON = "NEEDS_PERSON", "Menunggu keputusan petugas"
        NEEDS_RECONNECT = "NEEDS_RECONNECT", "Menunggu akun dihubungkan ulang"
        PUBLISHED = "PUBLISHED", "Terunggah"
        FAILED = "FAILED", "Gagal"
        NOT_PUBLISHED = "NOT_PUBLISHED", "Tidak diunggah"

    # Still waiting for something: step 6 does not finish while any publication is open.
    OPEN_STATUSES = frozenset(
        {
            Status.PENDING,
            Status.SCHEDULED,
            Status.IN_PROGRESS,
            Status.IN_FLIGHT,
            Status.RETRY_WAIT,
            Status.NEEDS_PERSON,
            Status.NEEDS_RECONNECT,
        }
    )

    class Method(models.TextChoices):
        MANUAL = "MANUAL", "Manual (dicatat petugas)"
        API = "API", "Melalui API platform"

    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.CASCADE, related_name="publications"
    )
    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    method = models.CharField("cara", max_length=8, choices=Method.choices, default=Method.MANUAL)
    scheduled_for = models.DateTimeField("dijadwalkan", null=True, blank=True)
    url = models.URLField("tautan unggahan", max_length=500, blank=True)
    external_id = models.CharField("id di platform", max_length=200, blank=True)
    went_live_at = models.DateTimeField("waktu tayang", null=True, blank=True)
    evidence = models.FileField("bukti (tangkapan layar)", upload_to="evidence/%Y/%m/", blank=True)
    reason = models.TextField("alasan tidak diunggah", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("dicatat", null=True, blank=True)

    # --- the job (method API) ------------------------------------------------------------------
    idempotency_key = models.CharField(
        "kunci idempotensi", max_length=64, unique=True, default=new_idempotency_key, editable=False
    )
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    next_attempt_at = models.DateTimeField("percobaan berikutnya", null=True, blank=True)
    # Every intermediate id the adapter obtained, saved before its next call (reconcile/resume).
    checkpoint = models.JSONField("titik simpan", default=dict, blank=True)
    error_class = models.CharField("jenis galat", max_length=16, blank=True)
    error_message = models.TextField("pesan untuk petugas", blank=True)
    error_detail = models.TextField("rincian dari platform", blank=True)
    # Evidence of what was sent and what the platform answered.
    text_sent = models.TextField("teks yang dikirim", blank=True)
    media_sent = models.JSONField("media yang dikirim", default=list, blank=True)
    raw_response = models.JSONField("jawaban platform", null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "publikasi"
        verbose_name_plural = "publikasi"
        indexes = [
            models.Index(fields=["method", "status", "next_attempt_at"], name="publication_due_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "account"], name="publication_once_per_account"
            ),
            models.CheckConstraint(
                condition=~Q(status="PUBLISHED") | ~Q(url=""), name="publication_published_has_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.account}"
