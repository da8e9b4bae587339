"""`simedsos backup` / `simedsos restore`: a round trip brings back data, files and the chain."""

import io
import json
import shutil
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from simedsos.accounts.models import Membership, WorkUnit
from simedsos.core.audit import audit_check_chain, audit_record
from simedsos.core.backup import backup_verify
from simedsos.core.models import AuditEvent
from tests.factories import Role, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run(command: str, *args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def record(obj, n: int = 1) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="unit.update", obj=obj, after={"i": i})


@pytest.fixture(autouse=True)
def _pg_tools_present():
    # On PostgreSQL these tests must run, not skip: a missing client is a failure.
    if connection.vendor == "postgresql":
        assert shutil.which("pg_dump") and shutil.which("pg_restore"), "install postgresql-client"


@pytest.fixture
def media(settings) -> Path:
    root = Path(settings.MEDIA_ROOT)
    (root / "units" / "logos").mkdir(parents=True)
    (root / "units" / "logos" / "logo.png").write_bytes(b"\x89PNG logo asli")
    (root / "catatan.txt").write_text("berkas media", encoding="utf-8")
    return root


def make_backup(tmp_path: Path) -> Path:
    target = tmp_path / "cadangan" / "uji.tar.gz"
    code, out, err = run("simedsos_backup", str(target))
    assert code == 0, err
    assert "Cadangan tersimpan" in out
    return target


def test_round_trip_restores_data_files_and_audit_chain(tmp_path, media):
    unit = make_unit("KALTENG")
    user = make_user(Role.STAF, unit)
    record(unit, 3)
    archive = make_backup(tmp_path)

    # Life goes on after the backup: data deleted, more added, files changed and removed.
    Membership.objects.filter(user=user).delete()
    later = make_unit("KALBAR")
    record(later, 2)
    (media / "catatan.txt").write_text("diubah", encoding="utf-8")
    (media / "units" / "logos" / "logo.png").unlink()
    (media / "baru.txt").write_text("sesudah cadangan", encoding="utf-8")

    code, out, err = run("simedsos_restore", str(archive), "--yes")
    assert code == 0, err
    assert "Pemulihan selesai" in out
    assert "Rantai audit utuh: 3 peristiwa" in out

    assert Membership.objects.filter(user__username=user.username, role=Role.STAF).exists()
    assert not WorkUnit.objects.filter(code="KALBAR").exists()
    assert AuditEvent.objects.count() == 3
    report = audit_check_chain()
    assert report.intact and report.events == 3
    assert (media / "catatan.txt").read_text(encoding="utf-8") == "berkas media"
    assert (media / "units" / "logos" / "logo.png").read_bytes() == b"\x89PNG logo asli"
    assert not (media / "baru.txt").exists()
    # The restored log is a working log: the append-only guard is back, and it grows on.
    record(unit, 1)
    assert audit_check_chain().intact
    with pytest.raises(Exception, match="hanya dapat ditambah"):
        AuditEvent.objects.filter(sequence=1).update(action="palsu")


def test_manifest_lists_every_member_with_sha256(tmp_path, media):
    record(make_unit(), 2)
    archive = make_backup(tmp_path)
    manifest = backup_verify(archive)
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    assert set(manifest["files"]) == {
        database,
        "media/catatan.txt",
        "media/units/logos/logo.png",
    }
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["audit"]["events"] == 2


def test_default_destination_is_under_var_backups(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    code, out, err = run("simedsos_backup")
    assert code == 0, err
    (archive,) = (tmp_path / "var" / "backups").glob("simedsos-*.tar.gz")
    assert str(archive) in out


def test_backup_refuses_to_overwrite_an_existing_file(tmp_path):
    target = tmp_path / "ada.tar.gz"
    target.write_bytes(b"lama")
    code, _, err = run("simedsos_backup", str(target))
    assert code == 1 and "sudah ada" in err
    assert target.read_bytes() == b"lama"


def rewrite(archive: Path, target: Path, change) -> Path:
    """Copy an archive member by member, letting `change(name, data)` alter the bytes."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda name, data: b"dipalsukan" if name == "media/catatan.txt" else data,
            "checksum SHA-256 berkas media/catatan.txt tidak cocok",
        ),
        (
            lambda name, data: None if name == "manifest.json" else data,
            "tidak memuat manifest.json",
        ),
        (
            lambda name, data: None if name == "media/catatan.txt" else data,
            "hilang dari arsip: media/catatan.txt",
        ),
    ],
)
def test_damaged_archive_is_refused_and_nothing_changes(tmp_path, media, change, message):
    unit = make_unit("KALTENG")
    record(unit, 2)
    archive = make_backup(tmp_path)
    damaged = rewrite(archive, tmp_path / "rusak.tar.gz", change)
    make_unit("SESUDAH")
    (media / "catatan.txt").write_text("terkini", encoding="utf-8")

    code, _, err = run("simedsos_restore", str(damaged), "--yes")
    assert code == 1
    assert message in err and "Tidak ada yang diubah" in err
    assert WorkUnit.objects.filter(code="SESUDAH").exists()
    assert (media / "catatan.txt").read_text(encoding="utf-8") == "terkini"


def test_member_with_unsafe_path_is_refused(tmp_path, media):
    archive = make_backup(tmp_path)
    evil = tmp_path / "jahat.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(evil, "w:gz") as out:
        for member in source.getmembers():
            out.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo("../di-luar.txt")
        info.size = 3
        out.addfile(info, io.BytesIO(b"xyz"))
    code, _, err = run("simedsos_restore", str(evil), "--yes")
    assert code == 1 and "tidak diizinkan" in err
    assert not (Path(media).parent / "di-luar.txt").exists()


def test_restore_without_yes_only_verifies(tmp_path, media):
    record(make_unit(), 1)
    archive = make_backup(tmp_path)
    make_unit("SESUDAH")
    code, out, err = run("simedsos_restore", str(archive))
    assert code == 1
    assert "utuh" in out and "--yes" in err
    assert WorkUnit.objects.filter(code="SESUDAH").exists()


def test_restore_of_missing_file_is_refused(tmp_path):
    code, _, err = run("simedsos_restore", str(tmp_path / "tidak-ada.tar.gz"), "--yes")
    assert code == 1 and "tidak ditemukan" in err


def test_archive_from_another_database_vendor_is_refused(tmp_path, media):
    archive = make_backup(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def swap_vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    # The manifest names a member that does not fit the vendor: refused either way.
    forged = rewrite(archive, tmp_path / "lain.tar.gz", swap_vendor)
    code, _, err = run("simedsos_restore", str(forged), "--yes")
    assert code == 1 and "Tidak ada yang diubah" in err


def test_missing_postgresql_client_is_explained_in_indonesian(monkeypatch):
    from simedsos.core import backup

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="Program pg_dump tidak ditemukan"):
        backup._pg_tool("pg_dump")
