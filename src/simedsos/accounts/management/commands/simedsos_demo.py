"""`simedsos demo`: a ready-to-try installation (work units, the seed SOP, one user per role).

Idempotent: units are found by code and users by username; nothing existing is changed.
Passwords are random and shown once, on this terminal, when the users are created; they are
never written to a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from simedsos.accounts.models import DEFAULT_MEMO_NUMBER_TEMPLATE, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.accounts.services import user_provision
from simedsos.core.audit import audit_record
from simedsos.publishing.models import SocialAccount

KABAG_JABATAN = (
    "Kepala Bagian Teknis Penyelenggaraan Pemilu, Partisipasi dan Hubungan Masyarakat, "
    "Hukum dan SDM"
)
KASUBBAG_JABATAN = "Kepala Subbagian Hukum dan Sumber Daya Manusia"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    level: str
    parent_code: str | None
    secretariat_name: str = ""
    address: str = ""
    city: str = ""


@dataclass(frozen=True)
class DemoUser:
    username: str
    unit_code: str
    role: str
    full_name: str
    nip: str
    jabatan: str
    phone: str


DEMO_UNITS = [
    DemoUnit("00", "Komisi Pemilihan Umum Republik Indonesia", WorkUnit.Level.PUSAT, None,
             "Sekretariat Jenderal Komisi Pemilihan Umum",
             "Jl. Imam Bonjol No. 29, Menteng, Jakarta Pusat 10310", "Jakarta"),
    DemoUnit("62", "Komisi Pemilihan Umum Provinsi Kalimantan Tengah", WorkUnit.Level.PROVINSI,
             "00", "Sekretariat Komisi Pemilihan Umum Provinsi Kalimantan Tengah",
             "Jl. Imam Bonjol No. 5, Kelurahan Menteng, Kecamatan Jekan Raya, "
             "Palangka Raya, Kalimantan Tengah 73112", "Palangka Raya"),
    DemoUnit("6271", "Komisi Pemilihan Umum Kota Palangka Raya", WorkUnit.Level.KABKOTA, "62",
             "Sekretariat Komisi Pemilihan Umum Kota Palangka Raya",
             "Jl. Tjilik Riwut Km. 2,5, Palangka Raya, Kalimantan Tengah 73112",
             "Palangka Raya"),
]  # fmt: skip

# Fictitious people. NIP layout: birth date (8) + appointment year-month (6) + sex (1) + serial (3).
DEMO_USERS = [
    DemoUser("kabag", "62", Role.KABAG, "Dr. Hendra Setiawan, S.H., M.H.",
             "197503172000121001", KABAG_JABATAN, "0811-5200-1001"),
    DemoUser("kasubbag", "62", Role.KASUBBAG, "Rina Marlina Siregar, S.H.",
             "198208262009012004", KASUBBAG_JABATAN, "0811-5200-1002"),
    DemoUser("staf", "62", Role.STAF, "Yohanes Dwi Saputra, S.Kom.",
             "199304112019031008", "Pranata Hubungan Masyarakat", "0811-5200-1003"),
    DemoUser("staf2", "62", Role.STAF, "Dewi Anggraini Putri, S.I.Kom.",
             "199610022020122011", "Analis Hukum", "0811-5200-1004"),
    DemoUser("admin", "62", Role.ADMIN, "Agus Salim Harahap, S.T.",
             "198911052014021002", "Pranata Komputer Ahli Muda", "0811-5200-1005"),
    DemoUser("pemantau", "62", Role.PEMANTAU, "Siti Nurhaliza Rahman, S.E., M.Si.",
             "197912242006042001", "Auditor Ahli Madya", "0811-5200-1006"),
    DemoUser("kasubbag6271", "6271", Role.KASUBBAG, "Benny Tambunan, S.H.",
             "198507192010011005", KASUBBAG_JABATAN, "0811-5200-1007"),
]  # fmt: skip

ALREADY_THERE = "Pengguna demo sudah ada; kata sandi ditampilkan saat pertama dibuat."
RESET_HINT = "Untuk mengganti kata sandi salah satunya: simedsos changepassword <username>"


# (platform, name, handle, profile URL) of the demo unit's accounts.
DEMO_SOCIAL_ACCOUNTS = [
    (
        "INSTAGRAM",
        "JDIH KPU Kalimantan Tengah",
        "jdihkpukalteng",
        "https://www.instagram.com/jdihkpukalteng/",
    ),
    (
        "FACEBOOK",
        "JDIH KPU Provinsi Kalimantan Tengah",
        "jdihkpukalteng",
        "https://www.facebook.com/jdihkpukalteng",
    ),
    ("X", "JDIH KPU Kalteng", "jdihkpukalteng", "https://x.com/jdihkpukalteng"),
    (
        "YOUTUBE",
        "JDIH KPU Kalimantan Tengah",
        "@jdihkpukalteng",
        "https://www.youtube.com/@jdihkpukalteng",
    ),
]


class Command(BaseCommand):
    help = "Menyiapkan data demo: satuan kerja, SOP bawaan, dan satu pengguna untuk tiap peran."

    def handle(self, *args, **options) -> None:
        verbosity = options.get("verbosity", 1)
        call_command("migrate", interactive=False, verbosity=0)
        units = self._units()
        call_command("simedsos_seed", verbosity=verbosity)
        self._social_accounts(units["62"])
        created = self._users(units)
        if created:
            self._print_passwords(created)
        else:
            self.stdout.write(ALREADY_THERE)
            self.stdout.write(RESET_HINT)

    def _units(self) -> dict[str, WorkUnit]:
        units: dict[str, WorkUnit] = {}
        for spec in DEMO_UNITS:
            with transaction.atomic():
                unit, created = WorkUnit.objects.get_or_create(
                    code=spec.code,
                    defaults={
                        "name": spec.name,
                        "level": spec.level,
                        "parent": units.get(spec.parent_code) if spec.parent_code else None,
                        "secretariat_name": spec.secretariat_name,
                        "address": spec.address,
                        "city": spec.city,
                        "memo_number_template": DEFAULT_MEMO_NUMBER_TEMPLATE,
                    },
                )
                if created:
                    audit_record(
                        actor=None,
                        action="work_unit.create",
                        obj=unit,
                        work_unit=unit,
                        after={"code": unit.code, "name": unit.name, "level": unit.level},
                    )
                    self.stdout.write(f"Satuan kerja dibuat: {unit.code} {unit.name}")
            units[spec.code] = unit
        return units

    def _social_accounts(self, unit: WorkUnit) -> None:
        """The unit's accounts, so a disposition has targets from the first login. They start
        unconnected: publishing is by hand until an Admin connects them."""
        for platform, name, handle, url in DEMO_SOCIAL_ACCOUNTS:
            with transaction.atomic():
                account, created = SocialAccount.objects.get_or_create(
                    work_unit=unit,
                    platform=platform,
                    handle=handle,
                    defaults={"name": name, "profile_url": url},
                )
                if created:
                    audit_record(
                        actor=None,
                        action="social_account.create",
                        obj=account,
                        work_unit=unit,
                        after={"platform": platform, "handle": handle},
                    )

    def _users(self, units: dict[str, WorkUnit]) -> list[tuple[DemoUser, str]]:
        existing = set(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        created: list[tuple[DemoUser, str]] = []
        for spec in DEMO_USERS:
            if spec.username in existing:
                continue
            _user, password = user_provision(
                work_unit=units[spec.unit_code],
                username=spec.username,
                full_name=spec.full_name,
                email=f"{spec.username}@kpu-kalteng.test",
                nip=spec.nip,
                jabatan=spec.jabatan,
                phone=spec.phone,
                role=spec.role,
            )
            created.append((spec, password))
        return created

    def _print_passwords(self, created: list[tuple[DemoUser, str]]) -> None:
        headers = ("Nama pengguna", "Peran", "Satker", "Nama", "Kata sandi")
        rows = [
            (spec.username, Role(spec.role).label, spec.unit_code, spec.full_name, password)
            for spec, password in created
        ]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells: tuple[str, ...]) -> str:
            return " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))

        self.stdout.write("")
        self.stdout.write("Pengguna demo dibuat. Catat kata sandinya: hanya ditampilkan kali ini.")
        self.stdout.write(line(headers))
        self.stdout.write("-+-".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(RESET_HINT)
