"""Documentation packages: what they hold, their manifest, verification and rebuilds."""

import hashlib
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from simedsos.archive.models import ArchiveEntry, DocumentationPackage
from simedsos.archive.services import MANIFEST, package_build, package_verify
from tests.archive.builders import finish
from tests.content.builders import make_world

pytestmark = pytest.mark.django_db


def stored(package, path):
    with default_storage.open(package.storage_prefix + path, "rb") as handle:
        return handle.read()


def manifest(package):
    return json.loads(stored(package, MANIFEST))


@pytest.fixture
def built(django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        item = finish(world)
    package = DocumentationPackage.objects.get(item=item)
    return world, item, package


def test_finished_item_gets_a_complete_package(built):
    world, item, package = built
    assert package.status == DocumentationPackage.Status.DONE, package.error
    year = item.finished_at.year
    assert package.storage_prefix == f"archive/62/{year}/{item.pk}/"
    data = manifest(package)
    paths = {f["path"] for f in data["files"]}
    memo_files = sorted(p for p in paths if p.startswith("memos/") and p.endswith(".pdf"))
    assert len(memo_files) == 3  # disposition, upload order, disposition sheet
    assert any(p.startswith("memos/lembar-disposisi-") for p in memo_files)
    for path in (
        "memos/memos.json",
        "revisions/rev-1/content.json",
        "revisions/rev-2/content.json",
        "review/comments.json",
        "review/decisions.json",
        "final/content.json",
        "publications/instagram-jdih.json",
        "publications/facebook-jdihfb.json",
        "timeline.json",
        "timeline.csv",
        "index.html",
        "item.json",
    ):
        assert path in paths, path
    assert any(p.startswith("revisions/rev-1/media/") for p in paths)
    assert any(p.startswith("final/media/") for p in paths)
    assert any(p.startswith("bahan/") for p in paths)
    # Every listed file is stored with the size and SHA-256 the manifest gives.
    for entry in data["files"]:
        content = stored(package, entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["size"]
    assert data["item"]["id"] == item.pk and data["work_unit"]["code"] == "62"
    assert data["built_at"] and data["tool"].startswith("SIMEDSOS JDIH")
    assert hashlib.sha256(stored(package, MANIFEST)).hexdigest() == package.manifest_sha256
    assert package.file_count == len(data["files"])
    assert package.total_bytes == sum(f["size"] for f in data["files"])
    # The memo copies are the PDF/A archive files the memo records.
    disposition = item.disposition.memo
    disposition.refresh_from_db()
    pdf = next(p for p in memo_files if p.startswith("memos/nota-dinas-disposisi-"))
    assert hashlib.sha256(stored(package, pdf)).hexdigest() == disposition.archive_pdf_sha256
    assert package_verify(package) == []


def test_package_content_records_review_final_text_and_publications(built):
    world, item, package = built
    comments = json.loads(stored(package, "review/comments.json"))
    assert [(c["revision"], c["text"]) for c in comments] == [(1, "Perjelas pasalnya.")]
    decisions = json.loads(stored(package, "review/decisions.json"))
    assert [d["decision"] for d in decisions] == ["RETURN", "APPROVE"]
    final = json.loads(stored(package, "final/content.json"))
    assert final["revision"] == 2
    assert final["posts"]["INSTAGRAM"].startswith("Versi Instagram")
    assert final["posts"]["FACEBOOK"].startswith("Kenali UU Pemilu #JDIH (perbaikan)")
    assert "https://jdih.kpu.go.id/uu-7-2017" in final["posts"]["FACEBOOK"]
    ig = json.loads(stored(package, "publications/instagram-jdih.json"))
    fb = json.loads(stored(package, "publications/facebook-jdihfb.json"))
    assert ig["url"].startswith("https://www.instagram.com/p/")
    assert ig["went_live_at"] and ig["status"] == "PUBLISHED"
    evidence = [p for p in (ig, fb) if p["evidence"]]
    assert len(evidence) == 1 and stored(package, evidence[0]["evidence"]).startswith(b"\x89PNG")
    assert "raw_response" in ig
    timeline = json.loads(stored(package, "timeline.json"))
    assert [row["step"] for row in timeline] == [1, 2, 3, 4, 2, 3, 4, 5, 6]
    assert all("standard_seconds" in row and "breach" in row for row in timeline)
    csv_text = stored(package, "timeline.csv").decode()
    assert csv_text.splitlines()[0].startswith("langkah,kegiatan,pelaksana")
    assert len(csv_text.splitlines()) == 10
    html = stored(package, "index.html").decode()
    assert "Paket dokumentasi konten media sosial" in html and item.title in html
    # The search index row is written by the same build.
    entry = ArchiveEntry.objects.get(item=item)
    assert entry.platforms == " FACEBOOK INSTAGRAM "
    assert "UU Nomor 7 Tahun 2017" in entry.legal and "perbaikan" in entry.body
    assert entry.return_count == 1 and entry.lead_time_seconds >= 0


def test_verify_detects_changed_missing_and_extra_files(built):
    _, item, package = built
    prefix = package.storage_prefix
    default_storage.delete(prefix + "timeline.csv")
    default_storage.save(prefix + "timeline.csv", ContentFile(b"diubah\n"))
    default_storage.delete(prefix + "review/comments.json")
    default_storage.save(prefix + "catatan-liar.txt", ContentFile(b"x"))
    problems = package_verify(package)
    found = {(p.kind, p.path) for p in problems}
    assert found == {
        ("changed", "timeline.csv"),
        ("missing", "review/comments.json"),
        ("extra", "catatan-liar.txt"),
    }
    assert all(f"konten #{item.pk}" in str(p) for p in problems)
    assert any("hilang" in str(p) for p in problems)


def test_verify_detects_a_replaced_manifest(built):
    _, _, package = built
    data = manifest(package)
    data["files"] = [f for f in data["files"] if f["path"] != "timeline.csv"]
    default_storage.delete(package.storage_prefix + MANIFEST)
    default_storage.save(package.storage_prefix + MANIFEST, ContentFile(json.dumps(data)))
    kinds = {(p.kind, p.path) for p in package_verify(package)}
    assert ("manifest", MANIFEST) in kinds and ("extra", "timeline.csv") in kinds


def test_build_is_idempotent_and_a_forced_rebuild_repairs(built):
    _, item, package = built
    before = manifest(package)
    assert package_build(item.pk) == "DONE"
    package.refresh_from_db()
    assert package.attempts == 1  # nothing done the second time
    # A tampered package rebuilt by force: same files, same content, stale file removed.
    default_storage.save(package.storage_prefix + "sisa.txt", ContentFile(b"x"))
    default_storage.delete(package.storage_prefix + "timeline.json")
    assert package_build(item.pk, force=True) == "DONE"
    package.refresh_from_db()
    after = manifest(package)
    assert after["files"] == before["files"]
    assert package_verify(package) == []
    assert not default_storage.exists(package.storage_prefix + "sisa.txt")


def test_not_published_item_gets_a_package_too(django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        item = finish(world, not_published=True, returned=False)
    package = DocumentationPackage.objects.get(item=item)
    assert package.status == "DONE", package.error
    pub = json.loads(stored(package, "publications/instagram-jdih.json"))
    assert pub["status"] == "NOT_PUBLISHED" and pub["reason"] == "Akun dibekukan."
    assert package_verify(package) == []


def test_altered_source_file_fails_the_build_with_a_clear_message(
    django_capture_on_commit_callbacks,
):
    world = make_world()
    item = finish(world, schedule=False)
    medium = item.media.get()
    name = medium.file.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"bukan gambar asli"))
    assert package_build(item.pk) == "PENDING"  # retried later
    package = DocumentationPackage.objects.get(item=item)
    assert "SHA-256 berbeda" in package.error
    package.attempts = 3
    package.save()
    assert package_build(item.pk) == "FAILED"


def test_unfinished_item_is_refused():
    from django.core.exceptions import ValidationError

    from tests.content.builders import to_publish

    world = make_world()
    item = to_publish(world)
    with pytest.raises(ValidationError, match="belum selesai"):
        package_build(item.pk)
