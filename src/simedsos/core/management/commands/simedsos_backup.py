"""`simedsos backup [BERKAS]`: the database and uploaded files in one verifiable archive."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

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
                _(
                    "Cadangan tersimpan: %(path)s (%(size_mb).1f MB; "
                    "%(files)s berkas; log audit %(result_audit_events)s peristiwa)"
                )
                % {
                    "path": result.path,
                    "size_mb": size_mb,
                    "files": result.files,
                    "result_audit_events": result.audit_events,
                }
            )
        )
