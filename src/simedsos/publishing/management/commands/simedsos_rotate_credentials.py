"""`simedsos rotate_credentials [--dry-run]`: re-encrypt every social-account credential under
the primary FIELD_ENCRYPTION_KEY (publishing/rotation.py; procedure in docs/operations.md)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from simedsos.publishing.credentials import key_count
from simedsos.publishing.rotation import credentials_rotate


class Command(BaseCommand):
    help = (
        "Enkripsi ulang semua kredensial akun media sosial dengan kunci utama (kunci pertama) "
        "FIELD_ENCRYPTION_KEY, dalam satu transaksi."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="hanya periksa dan hitung; tidak ada yang diubah",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        try:
            report = credentials_rotate(dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        counts = {
            "key": report.key_id,
            "rotated": report.rotated,
            "current": report.current,
            "empty": report.empty,
        }
        if report.dry_run:
            self.stdout.write(
                _(
                    "Uji coba (--dry-run), tidak ada yang diubah. Akan dienkripsi ulang dengan "
                    "kunci utama (sidik %(key)s): %(rotated)s akun; sudah memakai kunci utama: "
                    "%(current)s akun; tanpa kredensial: %(empty)s akun."
                )
                % counts
            )
        else:
            self.stdout.write(
                _(
                    "Dienkripsi ulang dengan kunci utama (sidik %(key)s): %(rotated)s akun; sudah "
                    "memakai kunci utama: %(current)s akun; tanpa kredensial: %(empty)s akun."
                )
                % counts
            )
        if not report.dry_run and key_count() > 1:
            self.stdout.write(
                _(
                    "Semua kredensial kini memakai kunci utama. Kunci lama boleh dihapus dari "
                    "FIELD_ENCRYPTION_KEY di semua server; simpan salinannya bersama cadangan "
                    "(backup) yang dibuat sebelum hari ini, yang masih memerlukannya."
                )
            )
