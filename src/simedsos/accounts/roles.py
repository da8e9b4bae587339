"""The roles a person can hold in a work unit."""

from django.db import models


class Role(models.TextChoices):
    KABAG = "KABAG", "Kepala Bagian"
    KASUBBAG = "KASUBBAG", "Kepala Subbagian"
    STAF = "STAF", "Staf"
    ADMIN = "ADMIN", "Admin"
    PEMANTAU = "PEMANTAU", "Pemantau"


# Who answers for whom: the superior notified when a step of this role runs late.
SUPERIOR_ROLE: dict[str, str | None] = {
    Role.STAF: Role.KASUBBAG,
    Role.KASUBBAG: Role.KABAG,
    Role.KABAG: None,
    Role.ADMIN: None,
    Role.PEMANTAU: None,
}
