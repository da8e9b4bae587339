"""`simedsos check` over the packages, and the export of a period round-tripped."""

import datetime
import hashlib
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from simedsos.archive.models import ArchiveEntry, DocumentationPackage
from simedsos.archive.selectors import period_bounds
from simedsos.archive.services import archive_export_period, package_build
from simedsos.core.models import AuditEvent
from tests.archive.builders import finish

pytestmark = pytest.mark.django_db


def run_check() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("simedsos_check", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_check_reports_intact_packages_then_a_tampered_one(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = finish(world)
    code, out, _ = run_check()
    assert code == 0 and "Paket dokumentasi utuh: 1" in out
    package = DocumentationPackage.objects.get(item=item)
    name = package.storage_prefix + "final/content.json"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b'{"caption": "diganti"}'))
    code, _, err = run_check()
    assert code == 1
    assert f"Paket dokumentasi konten #{item.pk}: berkas final/content.json berubah" in err


def test_check_reports_a_failed_package(world):
    item = finish(world, schedule=False)
    default_storage.delete(item.attachments.get().file.name)
    # Finishing the item already recorded its package (built after commit, not here).
    DocumentationPackage.objects.update_or_create(item=item, defaults={"attempts": 2})
    assert package_build(item.pk) == "FAILED"
    code, _, err = run_check()
    assert code == 1 and "belum selesai dibuat (status Gagal)" in err and "hilang" in err


def test_period_export_round_trip(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = finish(world, title="Infografis PKPU Kampanye")
        second = finish(world, title="Kuis Hari Konstitusi", not_published=True, returned=False)
    # One item finished long ago: outside the period.
    old = finish(world, title="Ucapan lama", schedule=False)
    old.finished_at = timezone.now() - datetime.timedelta(days=800)
    old.save(update_fields=["finished_at"])
    package_build(old.pk)
    today = timezone.localdate()
    start, end = period_bounds(today.year, str(today.month))
    export = archive_export_period(actor=world.kabag, unit=world.unit, start=start, end=end)
    assert export.name == f"arsip-62-{start:%Y%m%d}-{end:%Y%m%d}.zip"
    with zipfile.ZipFile(io.BytesIO(export.read())) as archive:
        names = set(archive.namelist())
        manifests = sorted(n for n in names if n.endswith("/manifest.json"))
        assert len(manifests) == 2
        for manifest_name in manifests:
            folder = manifest_name.rsplit("/", 1)[0]
            manifest = json.loads(archive.read(manifest_name))
            assert manifest["item"]["id"] in {first.pk, second.pk}
            for entry in manifest["files"]:
                data = archive.read(f"{folder}/{entry['path']}")
                assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            package = DocumentationPackage.objects.get(item_id=manifest["item"]["id"])
            digest = hashlib.sha256(archive.read(manifest_name)).hexdigest()
            assert digest == package.manifest_sha256
            listed = {f"{folder}/{e['path']}" for e in manifest["files"]} | {manifest_name}
            assert {n for n in names if n.startswith(folder + "/")} == listed
        book = load_workbook(io.BytesIO(archive.read("indeks.xlsx")))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("No", "ID konten", "Judul", "Jenis konten")
    data = {row[1]: row for row in rows[2:]}
    assert set(data) == {first.pk, second.pk}
    assert data[first.pk][2] == "Infografis PKPU Kampanye"
    assert data[first.pk][9] == "Terunggah" and data[second.pk][9] == "Tidak diunggah"
    assert "instagram.com/p/" in data[first.pk][11] and not data[second.pk][11]
    assert data[first.pk][8] == 1 and isinstance(data[first.pk][6], datetime.datetime)
    assert data[first.pk][13] == "Selesai" and data[first.pk][12].startswith("paket/62/")
    assert AuditEvent.objects.filter(action="archive.export").count() == 1


def test_export_builds_missing_packages_and_is_refused_to_outsiders(world):
    item = finish(world, schedule=False)
    ArchiveEntry.objects.all().delete()
    # The entry appears when its package is built; build it, then drop the package files.
    package_build(item.pk)
    DocumentationPackage.objects.filter(item=item).update(status="PENDING")
    today = timezone.localdate()
    start, end = period_bounds(today.year, "Y")
    export = archive_export_period(actor=world.pemantau, unit=world.unit, start=start, end=end)
    with zipfile.ZipFile(export.file) as archive:
        assert any(n.endswith("/manifest.json") for n in archive.namelist())
    with pytest.raises(PermissionDenied):
        archive_export_period(actor=world.other["STAF"], unit=world.unit, start=start, end=end)


def test_period_bounds():
    assert period_bounds(2026, "Y") == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert period_bounds(2026, "S1") == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert period_bounds(2026, "S2") == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert period_bounds(2028, "2") == (datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))
