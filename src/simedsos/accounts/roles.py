"""The roles a person can hold in a work unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KABAG = "KABAG", _("Kepala Bagian")
    KASUBBAG = "KASUBBAG", _("Kepala Subbagian")
    STAF = "STAF", _("Staf")
    ADMIN = "ADMIN", _("Admin")
    PEMANTAU = "PEMANTAU", _("Pemantau")


# Who answers for whom: the superior notified when a step of this role runs late.
SUPERIOR_ROLE: dict[str, str | None] = {
    Role.STAF: Role.KASUBBAG,
    Role.KASUBBAG: Role.KABAG,
    Role.KABAG: None,
    Role.ADMIN: None,
    Role.PEMANTAU: None,
}
