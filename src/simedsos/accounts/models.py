"""Users, work units, role memberships and acting assignments."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from simedsos.accounts.roles import Role

nip_validator = RegexValidator(
    regex=r"^[0-9]{18}\Z",  # ASCII digits only: \d also matches other scripts
    message="NIP harus terdiri atas tepat 18 angka tanpa spasi atau tanda baca.",
    code="invalid_nip",
)

DEFAULT_MEMO_NUMBER_TEMPLATE = "{seq}/HK.04-ND/{unit_code}/{year}"


class WorkUnit(models.Model):
    """A satuan kerja: KPU RI, a province, or a regency/city, in a hierarchy."""

    class Level(models.TextChoices):
        PUSAT = "PUSAT", "KPU RI"
        PROVINSI = "PROVINSI", "KPU Provinsi"
        KABKOTA = "KABKOTA", "KPU Kabupaten/Kota"

    code = models.CharField("kode satker", max_length=20, unique=True)
    name = models.CharField("nama", max_length=200)
    level = models.CharField("tingkat", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="satker induk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    secretariat_name = models.CharField("nama sekretariat (kop)", max_length=200, blank=True)
    address = models.TextField("alamat", blank=True)
    city = models.CharField("kota tempat penandatanganan", max_length=100, blank=True)
    phone = models.CharField("telepon", max_length=50, blank=True)
    email = models.EmailField("surel", blank=True)
    website = models.URLField("laman", blank=True)
    logo = models.ImageField("logo", upload_to="units/logos/", blank=True)
    memo_number_template = models.CharField(
        "templat nomor nota dinas", max_length=120, default=DEFAULT_MEMO_NUMBER_TEMPLATE
    )

    class Meta:
        verbose_name = "satuan kerja"
        verbose_name_plural = "satuan kerja"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids of the units above this one, nearest first (the hierarchy is at most 3 deep)."""
        ids: list[int] = []
        unit = self
        while unit.parent_id is not None:
            ids.append(unit.parent_id)
            unit = unit.parent
        return ids


class User(AbstractUser):
    """A person who signs in. Name, NIP and jabatan appear on memos and SOP documents."""

    full_name = models.CharField("nama lengkap", max_length=200)
    nip = models.CharField(
        "NIP", max_length=18, blank=True, null=True, unique=True, validators=[nip_validator]
    )
    jabatan = models.CharField("jabatan", max_length=200, blank=True)
    phone = models.CharField("telepon", max_length=30, blank=True)

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A role a user holds in a work unit (definitive, not acting)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    work_unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("peran", max_length=10, choices=Role.choices)
    is_active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "keanggotaan"
        verbose_name_plural = "keanggotaan"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "work_unit", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.work_unit.code}"


class ActingAssignment(models.Model):
    """A Plt/Plh: a person acts in another role of a work unit for a date range."""

    class Kind(models.TextChoices):
        PLT = "PLT", "Plt."
        PLH = "PLH", "Plh."

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="acting_assignments")
    work_unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, related_name="acting")
    role = models.CharField("peran yang dijalankan", max_length=10, choices=Role.choices)
    kind = models.CharField("jenis", max_length=3, choices=Kind.choices)
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("berakhir")
    basis = models.CharField("dasar penunjukan", max_length=200, blank=True)

    class Meta:
        verbose_name = "pelaksana tugas/harian"
        verbose_name_plural = "pelaksana tugas/harian"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="acting_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_role_display()} — {self.user}"
