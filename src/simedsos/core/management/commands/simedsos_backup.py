"""`simedsos backup [BERKAS]`: the database and uploaded files in one verifiable archive."""

from pathlib import Path

from django.core.management.base import BaseCommand

from simedsos.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Cadangkan basis data dan berkas unggahan ke satu berkas .tar.gz "
        "(bawaan: var/backups/simedsos-<waktu>.tar.gz)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            type=Path,
            help="berkas .tar.gz tujuan atau folder tujuan",
        )

    def handle(self, *args, destination: Path | None = None, **options) -> None:
        try:
            result = backup_create(destination=destination)
        except BackupError as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            raise SystemExit(1) from exc
        size_mb = result.size / (1024 * 1024)
        self.stdout.write(
            self.style.SUCCESS(
                f"Cadangan tersimpan: {result.path} ({size_mb:.1f} MB; {result.files} berkas; "
                f"log audit {result.audit_events} peristiwa)"
            )
        )
