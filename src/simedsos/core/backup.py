"""Backups of the database and the uploaded files as one verifiable `.tar.gz`.

An archive holds the database (`database.sqlite3`, a consistent copy made with SQLite's online
backup API, or `database.pgdump`, `pg_dump --format=custom`), every file under MEDIA_ROOT as
`media/...`, and `manifest.json` last, with the SHA-256 and size of every other member and the
audit chain's length and head at backup time. A restore checks all of it before it changes
anything, so a damaged or altered archive is refused with nothing touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from simedsos.core.audit import ChainBreak, ChainReport, audit_check_chain
from simedsos.core.models import AuditEvent

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Indonesian."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int  # media files in the archive
    audit_events: int
    size: int


@dataclass(frozen=True)
class RestoreResult:
    files: int
    chain: ChainReport


# --- helpers --------------------------------------------------------------------------------


class _HashingReader:
    """Hands bytes to tarfile while hashing exactly the bytes that went into the archive."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _connection(using: str):
    connection = connections[using]
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _(
                "Basis data jenis %(vendor)s belum didukung oleh "
                "pencadangan; gunakan SQLite atau PostgreSQL."
            )
            % {"vendor": connection.vendor}
        )
    return connection


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore, taken from the live connection's settings."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    # Never wait forever for a table a running server holds; fail with a message instead.
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout=30s".strip()
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "Program %(name)s tidak ditemukan. Pasang klien PostgreSQL dengan "
                "versi yang sama atau lebih baru daripada servernya (mis. `apt-get "
                "install postgresql-client`), lalu ulangi."
            )
            % {"name": name}
        )
    return path


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        raise BackupError(
            _("%(what)s gagal (kode %(code)s): %(detail)s")
            % {"what": what, "code": completed.returncode, "detail": detail}
        )


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under MEDIA_ROOT with their archive names; links are not followed."""
    if not media_root.is_dir():
        return
    for folder, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(folder) / filename
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(media_root).as_posix()
            yield path, f"{MEDIA_PREFIX}/{relative}"


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"simedsos-{stamp}.tar.gz"


# --- backup ---------------------------------------------------------------------------------


def _dump_database(connection, target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while the app keeps running.
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        tool = _pg_tool("pg_dump")
        env = _pg_environment(connection.settings_dict)
        _run([tool, "--format=custom", "--file", str(target)], env, "pg_dump")


def backup_create(
    *, destination: Path | None = None, using: str = DEFAULT_DB_ALIAS
) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT; return where and what it holds."""
    connection = _connection(using)
    path = Path(destination) if destination else default_backup_path()
    if path.is_dir():
        path = path / default_backup_path().name
    if path.exists():
        raise BackupError(
            _("Berkas %(path)s sudah ada; pilih nama lain agar tidak tertimpa.") % {"path": path}
        )
    path.parent.mkdir(parents=True, exist_ok=True)

    # The chain as it stands before the dump: the dump holds at least these events (the log
    # only grows), so a restore can prove it brought them back.
    head = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    database_member = DATABASE_MEMBERS[connection.vendor]
    checksums: dict[str, dict[str, Any]] = {}
    partial = path.with_name(path.name + ".sebagian")
    media_count = 0
    try:
        with tempfile.TemporaryDirectory(prefix="simedsos-backup-") as workdir:
            dump = Path(workdir) / database_member
            _dump_database(connection, dump)
            with tarfile.open(partial, "w:gz") as archive:
                members = [(dump, database_member)]
                members += list(_media_files(Path(settings.MEDIA_ROOT)))
                for source, name in members:
                    info = archive.gettarinfo(str(source), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with source.open("rb") as stream:
                        reader = _HashingReader(stream)
                        archive.addfile(info, reader)
                    checksums[name] = {"sha256": reader.sha256.hexdigest(), "size": info.size}
                    media_count += name.startswith(f"{MEDIA_PREFIX}/")
                manifest = {
                    "format": FORMAT_VERSION,
                    "application": "simedsos",
                    "created_at": timezone.now().isoformat(),
                    "database": {"vendor": connection.vendor, "member": database_member},
                    "audit": {
                        "events": head["sequence"] if head else 0,
                        "head_hash": head["hash"] if head else None,
                    },
                    "files": checksums,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                info.mode = 0o644
                archive.addfile(info, io.BytesIO(data))
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=path,
        files=media_count,
        audit_events=head["sequence"] if head else 0,
        size=path.stat().st_size,
    )


# --- verify and restore ---------------------------------------------------------------------


def _refuse(reason: str) -> BackupError:
    return BackupError(
        _("Cadangan ditolak: %(reason)s Tidak ada yang diubah.") % {"reason": reason}
    )


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def _extract_verified(archive_path: Path, workdir: Path) -> dict[str, Any]:
    """Extract into `workdir` and check every member against the manifest; return it."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            names = [m.name for m in members]
            if MANIFEST not in names:
                raise _refuse(
                    _("berkas ini tidak memuat manifest.json, jadi bukan cadangan SIMEDSOS.")
                )
            if len(set(names)) != len(names):
                raise _refuse(_("ada anggota arsip yang namanya ganda."))
            for member in members:
                if not member.isfile() or not _safe_name(member.name):
                    raise _refuse(
                        _("anggota arsip %(name)r tidak diizinkan.") % {"name": member.name}
                    )
            archive.extractall(workdir, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise _refuse(_("arsip tidak dapat dibaca (%(exc)s).") % {"exc": exc}) from exc

    try:
        manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, dict[str, Any]] = manifest["files"]
        vendor = manifest["database"]["vendor"]
        database_member = manifest["database"]["member"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _refuse(_("manifest.json rusak (%(exc)s).") % {"exc": exc}) from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise _refuse(
            _("format cadangan %(format)r tidak dikenal.") % {"format": manifest.get("format")}
        )

    present = set(names) - {MANIFEST}
    if missing := sorted(set(files) - present):
        raise _refuse(
            _("berkas yang tercatat di manifest hilang dari arsip: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    if extra := sorted(present - set(files)):
        raise _refuse(
            _("arsip memuat berkas yang tidak tercatat di manifest: %(extra)s.")
            % {"extra": ", ".join(extra)}
        )
    for name, expected in files.items():
        if _sha256_of(workdir / name) != expected.get("sha256"):
            raise _refuse(
                _("checksum SHA-256 berkas %(name)s tidak cocok dengan manifest.") % {"name": name}
            )
    if database_member not in files or DATABASE_MEMBERS.get(vendor) != database_member:
        raise _refuse(_("manifest tidak menunjuk berkas basis data yang sah."))
    return manifest


def backup_verify(archive_path: Path) -> dict[str, Any]:
    """Check an archive completely without changing anything; return its manifest."""
    with tempfile.TemporaryDirectory(prefix="simedsos-verify-") as workdir:
        return _extract_verified(Path(archive_path), Path(workdir))


def _restore_database(connection, dump: Path) -> None:
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise _refuse(_("salinan basis data SQLite di dalam arsip rusak."))
            connection.ensure_connection()
            if connection.in_atomic_block:
                raise BackupError(_("Pemulihan tidak boleh dijalankan di dalam transaksi."))
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        tool = _pg_tool("pg_restore")
        env = _pg_environment(connection.settings_dict)
        connection.close()  # our own session must not hold the tables pg_restore drops
        _run(
            [
                tool,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                env["PGDATABASE"],
                str(dump),
            ],
            env,
            "pg_restore",
        )


def _replace_media(extracted: Path, media_root: Path) -> int:
    """Make MEDIA_ROOT hold exactly the archived files."""
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    count = 0
    if extracted.is_dir():
        for child in extracted.iterdir():
            shutil.move(str(child), str(media_root / child.name))
        count = sum(1 for p in media_root.rglob("*") if p.is_file())
    return count


def backup_restore(*, archive_path: Path, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Verify the archive, then replace the database and MEDIA_ROOT with its contents.

    Stop the web server and workers first: a restore replaces everything under them.
    """
    connection = _connection(using)
    media_root = Path(settings.MEDIA_ROOT)
    # Extract next to MEDIA_ROOT so that moving files in is a rename, not a copy.
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".simedsos-restore-", dir=media_root.parent) as tmp:
        workdir = Path(tmp)
        manifest = _extract_verified(Path(archive_path), workdir)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise _refuse(
                _(
                    "cadangan ini dari basis data %(vendor)s, sedangkan yang dipakai "
                    "sekarang %(current)s."
                )
                % {"vendor": vendor, "current": connection.vendor}
            )
        _restore_database(connection, workdir / manifest["database"]["member"])
        files = _replace_media(workdir / MEDIA_PREFIX, media_root)

    chain = audit_check_chain()
    expected = manifest.get("audit") or {}
    if expected.get("events"):
        head = (
            AuditEvent.objects.filter(sequence=expected["events"]).values_list("hash", flat=True)
        ).first()
        if head != expected.get("head_hash"):
            reason = _("peristiwa ini tidak sama dengan yang tercatat saat pencadangan")
            chain.breaks.append(ChainBreak(expected["events"], reason))
    return RestoreResult(files=files, chain=chain)
