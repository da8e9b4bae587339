"""`simedsos restore BERKAS --yes`: put a backup back, after checking every checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from simedsos.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Pulihkan basis data dan berkas unggahan dari cadangan .tar.gz. Cadangan diperiksa "
        "dulu; hentikan layanan sebelum memulihkan."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="berkas cadangan .tar.gz")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="setujui penimpaan basis data dan berkas yang ada sekarang",
        )

    def fail(self, message: str) -> None:
        self.stderr.write(self.style.ERROR(message))
        raise SystemExit(1)

    def handle(self, *args, archive: Path, yes: bool = False, **options) -> None:
        if not archive.is_file():
            self.fail(
                _("Berkas cadangan %(archive)s tidak ditemukan. Tidak ada yang diubah.")
                % {"archive": archive}
            )
        try:
            if not yes:
                manifest = backup_verify(archive)
                self.stdout.write(
                    _("Cadangan %(archive)s utuh (dibuat %(created)s, %(files)s berkas).")
                    % {
                        "archive": archive,
                        "created": manifest.get("created_at"),
                        "files": len(manifest["files"]),
                    }
                )
                self.fail(
                    _(
                        "Pemulihan akan MENIMPA seluruh basis data dan berkas unggahan saat "
                        "ini. Hentikan layanan, lalu jalankan lagi dengan --yes. Tidak ada "
                        "yang diubah."
                    )
                )
            result = backup_restore(archive_path=archive)
        except BackupError as exc:
            self.fail(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                _("Pemulihan selesai: basis data dan %(files)s berkas.") % {"files": result.files}
            )
        )
        if result.chain.intact:
            self.stdout.write(
                _("Rantai audit utuh: %(events)s peristiwa") % {"events": result.chain.events}
            )
        else:
            self.stderr.write(self.style.ERROR(_("Rantai audit hasil pemulihan PUTUS:")))
            for chain_break in result.chain.breaks:
                self.stderr.write(f"  ✗ {chain_break}")
            raise SystemExit(1)
