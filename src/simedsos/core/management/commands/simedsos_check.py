"""`simedsos check [--deploy]`: is this installation sound, and is its audit log untouched?"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from simedsos.core.audit import audit_check_chain

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", ".localhost"}
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


@dataclass(frozen=True)
class Problem:
    item: str  # secret_key, debug, allowed_hosts, https, database, migrations, media
    message: str  # what is wrong and what to set, in Indonesian

    def __str__(self) -> str:
        return self.message


def deploy_problems() -> list[Problem]:
    """Every way the current configuration falls short of production."""
    problems: list[Problem] = []
    key = settings.SECRET_KEY or ""
    if key == settings.INSECURE_DEFAULT_SECRET_KEY:
        problems.append(
            Problem(
                "secret_key",
                "SECRET_KEY masih kunci bawaan pengembangan. Setel variabel lingkungan SECRET_KEY "
                "ke nilai acak rahasia minimal 50 karakter, misalnya hasil perintah "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
            )
        )
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        problems.append(
            Problem(
                "secret_key",
                f"SECRET_KEY terlalu pendek atau terlalu seragam ({len(key)} karakter). Setel "
                "SECRET_KEY ke nilai acak minimal 50 karakter dengan ragam karakter.",
            )
        )
    if settings.DEBUG:
        problems.append(
            Problem(
                "debug",
                "DEBUG menyala: halaman galat akan membocorkan rincian sistem. Setel DEBUG=0.",
            )
        )
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts:
        problems.append(
            Problem(
                "allowed_hosts",
                "ALLOWED_HOSTS berisi '*', sehingga nama host apa pun diterima. Setel "
                "ALLOWED_HOSTS ke nama domain layanan ini, "
                "mis. ALLOWED_HOSTS=simedsos.kpu-kalteng.go.id.",
            )
        )
    elif not hosts - LOCAL_HOSTS:
        problems.append(
            Problem(
                "allowed_hosts",
                "ALLOWED_HOSTS hanya berisi alamat lokal, sehingga pengguna lain tidak dapat "
                "membuka aplikasi. Setel ALLOWED_HOSTS ke nama domain layanan ini, "
                "mis. ALLOWED_HOSTS=simedsos.kpu-kalteng.go.id.",
            )
        )
    if not settings.SECURE_HTTPS:
        problems.append(
            Problem(
                "https",
                "SECURE_HTTPS mati: kata sandi dan sesi dikirim tanpa enkripsi. Layani aplikasi "
                "lewat HTTPS (reverse proxy) dan setel SECURE_HTTPS=1.",
            )
        )
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (DatabaseError, ImproperlyConfigured) as exc:
        problems.append(
            Problem(
                "database",
                f"Basis data tidak dapat dihubungi ({exc}). Periksa DATABASE_URL dan pastikan "
                "server basis data berjalan.",
            )
        )
    else:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:10])
            more = f" dan {len(plan) - 10} lainnya" if len(plan) > 10 else ""
            problems.append(
                Problem(
                    "migrations",
                    f"Ada {len(plan)} migrasi basis data yang belum dijalankan ({names}{more}). "
                    "Jalankan `simedsos migrate`.",
                )
            )
    problems.extend(_media_problems(Path(settings.MEDIA_ROOT)))
    return problems


def _media_problems(media_root: Path) -> list[Problem]:
    fix = (
        f"Buat folder {media_root} (atau setel MEDIA_ROOT ke folder lain) dan beri pengguna "
        "layanan izin menulis di sana."
    )
    if not media_root.is_dir():
        # The app creates it on the first upload anyway; only a folder it cannot create is a
        # problem.
        try:
            media_root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = (
                f"Folder berkas (MEDIA_ROOT) {media_root} tidak ada dan tidak dapat dibuat "
                f"({exc}). {fix}"
            )
            return [Problem("media", message)]
    try:
        with tempfile.NamedTemporaryFile(dir=media_root, prefix=".simedsos-check-"):
            pass
    except OSError as exc:
        message = f"Folder berkas (MEDIA_ROOT) {media_root} tidak dapat ditulisi ({exc}). {fix}"
        return [Problem("media", message)]
    return []


class Command(BaseCommand):
    help = "Periksa konfigurasi dan keutuhan rantai log audit."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--deploy",
            action="store_true",
            help="periksa juga apakah konfigurasi layak untuk produksi",
        )

    def handle(self, *args, deploy: bool = False, **options) -> None:
        failed = False
        try:
            call_command("check", stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:  # SystemCheckError: the checks printed their findings
            self.stderr.write(f"Pemeriksaan sistem Django gagal:\n{exc}")
            failed = True

        database_ok = True
        if deploy:
            problems = deploy_problems()
            database_ok = not any(p.item == "database" for p in problems)
            if problems:
                failed = True
                self.stderr.write(
                    self.style.ERROR(f"Konfigurasi belum layak produksi ({len(problems)} butir):")
                )
                for problem in problems:
                    self.stderr.write(f"  ✗ {problem}")
            else:
                self.stdout.write(self.style.SUCCESS("Konfigurasi produksi: semua butir lolos."))

        if database_ok:
            try:
                report = audit_check_chain()
            except DatabaseError as exc:
                failed = True
                self.stderr.write(f"Log audit tidak dapat dibaca: {exc}")
            else:
                if report.intact:
                    self.stdout.write(
                        self.style.SUCCESS(f"Rantai audit utuh: {report.events} peristiwa")
                    )
                else:
                    failed = True
                    self.stderr.write(
                        self.style.ERROR(
                            f"Rantai audit PUTUS di {len(report.breaks)} tempat "
                            f"(dari {report.events} peristiwa):"
                        )
                    )
                    for chain_break in report.breaks:
                        self.stderr.write(f"  ✗ {chain_break}")
            failed = self._check_archive() or failed
        if failed:
            raise SystemExit(1)

    def _check_archive(self) -> bool:
        """Verify every documentation package against its manifest; True when one fails."""
        from simedsos.archive.services import archive_check

        try:
            report = archive_check()
        except DatabaseError as exc:
            self.stderr.write(f"Paket dokumentasi tidak dapat diperiksa: {exc}")
            return True
        if not report.problems:
            self.stdout.write(self.style.SUCCESS(f"Paket dokumentasi utuh: {report.intact}"))
            return False
        self.stderr.write(
            self.style.ERROR(
                f"Paket dokumentasi bermasalah ({len(report.problems)} temuan, "
                f"{report.intact} paket utuh):"
            )
        )
        for problem in report.problems:
            self.stderr.write(f"  ✗ {problem}")
        return True
