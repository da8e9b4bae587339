"""`simedsos check [--deploy]`: is this installation sound, and is its audit log untouched?"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from simedsos.core.audit import audit_check_chain

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", ".localhost"}
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


@dataclass(frozen=True)
class Problem:
    # secret_key, debug, allowed_hosts, https, database, migrations, media, storage, redis,
    # field_encryption_key, public_base_url
    item: str
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
                _(
                    "SECRET_KEY masih kunci bawaan pengembangan. Setel variabel lingkungan "
                    "SECRET_KEY ke nilai acak rahasia minimal 50 karakter, misalnya hasil "
                    "perintah `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(50))'`."
                ),
            )
        )
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        problems.append(
            Problem(
                "secret_key",
                _(
                    "SECRET_KEY terlalu pendek atau terlalu seragam (%(length)s karakter). "
                    "Setel SECRET_KEY ke nilai acak minimal 50 karakter dengan ragam "
                    "karakter."
                )
                % {"length": len(key)},
            )
        )
    if settings.DEBUG:
        problems.append(
            Problem(
                "debug",
                _("DEBUG menyala: halaman galat akan membocorkan rincian sistem. Setel DEBUG=0."),
            )
        )
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts:
        problems.append(
            Problem(
                "allowed_hosts",
                _(
                    "ALLOWED_HOSTS berisi '*', sehingga nama host apa pun diterima. Setel "
                    "ALLOWED_HOSTS ke nama domain layanan ini, mis. "
                    "ALLOWED_HOSTS=simedsos.kpu-kalteng.go.id."
                ),
            )
        )
    elif not hosts - LOCAL_HOSTS:
        problems.append(
            Problem(
                "allowed_hosts",
                _(
                    "ALLOWED_HOSTS hanya berisi alamat lokal, sehingga pengguna lain tidak "
                    "dapat membuka aplikasi. Setel ALLOWED_HOSTS ke nama domain layanan "
                    "ini, mis. ALLOWED_HOSTS=simedsos.kpu-kalteng.go.id."
                ),
            )
        )
    if not settings.SECURE_HTTPS:
        problems.append(
            Problem(
                "https",
                _(
                    "SECURE_HTTPS mati: kata sandi dan sesi dikirim tanpa enkripsi. Layani "
                    "aplikasi lewat HTTPS (reverse proxy) dan setel SECURE_HTTPS=1."
                ),
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
                _(
                    "Basis data tidak dapat dihubungi (%(exc)s). Periksa DATABASE_URL dan "
                    "pastikan server basis data berjalan."
                )
                % {"exc": exc},
            )
        )
    else:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:10])
            more = _(" dan %(count)s lainnya") % {"count": len(plan) - 10} if len(plan) > 10 else ""
            problems.append(
                Problem(
                    "migrations",
                    _(
                        "Ada %(count)s migrasi basis data yang belum dijalankan "
                        "(%(names)s%(more)s). Jalankan `simedsos migrate`."
                    )
                    % {"count": len(plan), "names": names, "more": more},
                )
            )
    if isinstance(storages["default"], FileSystemStorage):
        problems.extend(_media_problems(Path(settings.MEDIA_ROOT)))
    else:
        problems.extend(_storage_problems())
    problems.extend(_redis_problems())
    problems.extend(_url_problems())
    from simedsos.publishing.credentials import key_problems

    problems.extend(Problem("field_encryption_key", message) for message in key_problems())
    return problems


def _storage_problems() -> list[Problem]:
    """Object storage: write, read back and delete a probe object, as uploads will."""
    storage = storages["default"]
    name = f".simedsos-check/probe-{secrets.token_hex(8)}.txt"
    payload = b"simedsos check"
    where = settings.STORAGE_URL or type(storage).__name__
    try:
        saved = storage.save(name, ContentFile(payload))
        try:
            with storage.open(saved, "rb") as handle:
                read_back = handle.read()
        finally:
            storage.delete(saved)
    except Exception as exc:  # boto/network errors have no common base class worth naming
        return [
            Problem(
                "storage",
                f"Penyimpanan berkas ({where}) tidak dapat dipakai: {type(exc).__name__}: {exc}. "
                "Periksa STORAGE_URL (bucket, endpoint_url, region), AWS_ACCESS_KEY_ID / "
                "AWS_SECRET_ACCESS_KEY, dan bahwa server penyimpanan dapat dihubungi.",
            )
        ]
    if read_back != payload:
        return [
            Problem(
                "storage",
                f"Penyimpanan berkas ({where}) mengembalikan isi yang berbeda dari yang ditulis. "
                "Periksa konfigurasi bucket.",
            )
        ]
    return []


def _redis_problems() -> list[Problem]:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return []
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError) as exc:
        return [
            Problem(
                "redis",
                f"Redis ({url}) tidak dapat dihubungi ({exc}); sesi dan cache disimpan di sana. "
                "Periksa REDIS_URL dan pastikan server Redis berjalan.",
            )
        ]
    return []


def _url_problems() -> list[Problem]:
    problems = []
    base = getattr(settings, "PUBLIC_BASE_URL", "") or ""
    if settings.SECURE_HTTPS and base and not base.lower().startswith("https://"):
        problems.append(
            Problem(
                "public_base_url",
                f"PUBLIC_BASE_URL ({base}) bukan alamat https:// padahal SECURE_HTTPS menyala: "
                "tautan di nota dinas dan untuk platform akan memakai HTTP. Setel "
                "PUBLIC_BASE_URL=https://nama-domain-layanan.",
            )
        )
    return problems


def _media_problems(media_root: Path) -> list[Problem]:
    fix = _(
        "Buat folder %(media_root)s (atau setel MEDIA_ROOT ke folder lain) dan "
        "beri pengguna layanan izin menulis di sana."
    ) % {"media_root": media_root}
    if not media_root.is_dir():
        # The app creates it on the first upload anyway; only a folder it cannot create is a
        # problem.
        try:
            media_root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = _(
                "Folder berkas (MEDIA_ROOT) %(media_root)s tidak ada dan tidak dapat "
                "dibuat (%(exc)s). %(fix)s"
            ) % {"media_root": media_root, "exc": exc, "fix": fix}
            return [Problem("media", message)]
    try:
        with tempfile.NamedTemporaryFile(dir=media_root, prefix=".simedsos-check-"):
            pass
    except OSError as exc:
        message = _(
            "Folder berkas (MEDIA_ROOT) %(media_root)s tidak dapat ditulisi (%(exc)s). %(fix)s"
        ) % {"media_root": media_root, "exc": exc, "fix": fix}
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
            self.stderr.write(_("Pemeriksaan sistem Django gagal:\n%(exc)s") % {"exc": exc})
            failed = True

        database_ok = True
        if deploy:
            problems = deploy_problems()
            database_ok = not any(p.item == "database" for p in problems)
            if problems:
                failed = True
                self.stderr.write(
                    self.style.ERROR(
                        _("Konfigurasi belum layak produksi (%(count)s butir):")
                        % {"count": len(problems)}
                    )
                )
                for problem in problems:
                    self.stderr.write(f"  ✗ {problem}")
            else:
                self.stdout.write(self.style.SUCCESS(_("Konfigurasi produksi: semua butir lolos.")))

        if database_ok:
            try:
                report = audit_check_chain()
            except DatabaseError as exc:
                failed = True
                self.stderr.write(_("Log audit tidak dapat dibaca: %(exc)s") % {"exc": exc})
            else:
                if report.intact:
                    self.stdout.write(
                        self.style.SUCCESS(
                            _("Rantai audit utuh: %(events)s peristiwa") % {"events": report.events}
                        )
                    )
                else:
                    failed = True
                    self.stderr.write(
                        self.style.ERROR(
                            _("Rantai audit PUTUS di %(count)s tempat (dari %(events)s peristiwa):")
                            % {"count": len(report.breaks), "events": report.events}
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
