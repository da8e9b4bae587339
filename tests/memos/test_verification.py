"""The public verification page: genuine, modified and unknown; no login needed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simedsos.memos import forms as memo_forms
from simedsos.memos.models import Memo, Sifat
from simedsos.memos.rendering_service import memo_render
from simedsos.memos.verification import normalize_code
from tests.memos.builders import make_memo

pytestmark = pytest.mark.django_db


def rendered_memo(**fields) -> Memo:
    memo = make_memo(**fields)
    memo_render(memo.pk)
    return Memo.objects.get(pk=memo.pk)


def upload(client, memo, data: bytes, name="nota-dinas.pdf"):
    return client.post(
        reverse("memo_verify", args=[memo.verification_code]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_page_shows_the_memo_without_login(client):
    memo = rendered_memo(subject="Pembuatan Konten Hari Konstitusi")
    response = client.get(f"/v/{memo.verification_code}/")
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        memo.number,
        "25 November 2026",
        memo.signer_name,
        memo.signer_position,
        "Pembuatan Konten Hari Konstitusi",
        memo.work_unit.name,
        "Nota Dinas Disposisi",
        memo.pdf_sha256,
        memo.archive_pdf_sha256,
    ):
        assert expected in page, expected


def test_genuine_file_matches(client):
    memo = rendered_memo()
    response = upload(client, memo, memo.pdf.read())
    page = response.content.decode()
    assert "Cocok: berkas ini sama persis dengan nota dinas yang diterbitkan." in page
    assert "Tidak cocok" not in page


def test_archive_copy_and_disposition_sheet_also_match(client):
    memo = rendered_memo()
    for stored in (memo.archive_pdf, memo.disposition_sheet_pdf):
        page = upload(client, memo, stored.read()).content.decode()
        assert "Cocok: berkas ini sama persis" in page


def test_modified_file_does_not_match(client):
    memo = rendered_memo()
    original = memo.pdf.read()
    changed = original.replace(memo.subject.encode(), memo.subject.upper().encode())
    if changed == original:  # the text is compressed: change one byte in the middle instead
        middle = len(original) // 2
        changed = original[:middle] + bytes([original[middle] ^ 0xFF]) + original[middle + 1 :]
    page = upload(client, memo, changed).content.decode()
    assert "Tidak cocok: berkas ini berbeda dari yang diterbitkan (mungkin telah diubah)." in page
    assert "Cocok: berkas ini sama persis" not in page


def test_another_memos_file_does_not_match(client):
    memo = rendered_memo()
    other = rendered_memo(unit=memo.work_unit)
    page = upload(client, memo, other.pdf.read()).content.decode()
    assert "Tidak cocok" in page


def test_unknown_code_is_a_404_in_indonesian(client):
    response = client.get("/v/ZZZZZZZZZZ/")
    assert response.status_code == 404
    assert "Kode verifikasi tidak dikenal" in response.content.decode()


def test_garbage_code_is_a_404_too(client):
    response = client.get("/v/%3Cscript%3E/")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()


def test_code_typed_from_paper_is_forgiving():
    assert normalize_code(" ab-cd 1o2i3l ") == "ABCD102131"
    assert normalize_code("!!") == ""


def test_code_typed_in_lower_case_finds_the_memo(client):
    memo = rendered_memo()
    response = client.get(f"/v/{memo.verification_code.lower()}/")
    assert response.status_code == 200
    response = client.get("/v/", {"kode": memo.verification_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/v/{memo.verification_code}/"


def test_missing_file_asks_for_one(client):
    memo = rendered_memo()
    response = client.post(reverse("memo_verify", args=[memo.verification_code]), {})
    assert "Pilih berkas PDF nota dinas yang ingin dicocokkan." in response.content.decode()


def test_oversized_upload_is_refused_with_a_clear_message(client, monkeypatch):
    monkeypatch.setattr(memo_forms, "MAX_VERIFY_UPLOAD_BYTES", 1024)
    memo = rendered_memo()
    page = upload(client, memo, b"x" * 4096).content.decode()
    assert "Berkas terlalu besar" in page
    assert "Cocok:" not in page and "Tidak cocok:" not in page


def test_huge_request_is_refused_before_reading_the_file(client, monkeypatch):
    monkeypatch.setattr(memo_forms, "MAX_VERIFY_UPLOAD_BYTES", 1024)
    from simedsos.memos import views

    monkeypatch.setattr(views, "MAX_VERIFY_UPLOAD_BYTES", 1024)
    memo = rendered_memo()
    page = upload(client, memo, b"x" * 200_000).content.decode()
    assert "Berkas terlalu besar" in page
    assert "Cocok:" not in page and "Tidak cocok:" not in page


def test_secret_memo_hides_its_subject(client):
    memo = rendered_memo(sifat=Sifat.RAHASIA, subject="Hal yang dirahasiakan sekali")
    page = client.get(f"/v/{memo.verification_code}/").content.decode()
    assert "Hal yang dirahasiakan sekali" not in page
    assert memo.number in page


def test_memo_still_rendering_cannot_be_matched_yet(client):
    memo = make_memo()
    page = client.get(f"/v/{memo.verification_code}/").content.decode()
    assert "sedang dibuat" in page
    response = upload(client, memo, b"%PDF-1.7 apa saja")
    assert "Tidak cocok" in response.content.decode()


def test_codes_are_unique_and_unguessable():
    codes = {make_memo().verification_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 10 for code in codes)
