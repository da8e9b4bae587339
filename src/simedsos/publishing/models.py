"""Social-media accounts of a work unit and the publication of an item to each of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlatformChoice(models.TextChoices):
    FACEBOOK = "FACEBOOK", "Facebook"
    INSTAGRAM = "INSTAGRAM", "Instagram"
    X = "X", "X (Twitter)"
    YOUTUBE = "YOUTUBE", "YouTube"
    TIKTOK = "TIKTOK", "TikTok"
    THREADS = "THREADS", "Threads"
    TELEGRAM = "TELEGRAM", "Telegram"
    BLUESKY = "BLUESKY", "Bluesky"


class SocialAccount(models.Model):
    """An account of the unit on one platform (the target of a publication)."""

    work_unit = models.ForeignKey(
        "accounts.WorkUnit", on_delete=models.PROTECT, related_name="social_accounts"
    )
    platform = models.CharField("platform", max_length=12, choices=PlatformChoice.choices)
    name = models.CharField("nama akun", max_length=200)
    handle = models.CharField("nama pengguna / id", max_length=200)
    profile_url = models.URLField("alamat profil", blank=True)
    is_active = models.BooleanField("aktif", default=True)

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


class Publication(models.Model):
    """One item on one target account. Recorded by hand in this version (method MANUAL)."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "Menunggu diunggah"
        PUBLISHED = "PUBLISHED", "Terunggah"
        NOT_PUBLISHED = "NOT_PUBLISHED", "Tidak diunggah"

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

    class Meta:
        verbose_name = "publikasi"
        verbose_name_plural = "publikasi"
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
